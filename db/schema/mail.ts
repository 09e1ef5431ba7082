import { bigint, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";
import { users } from "./auth";
import { invitations } from "./billing";

/*
 * The e-mail outbox (lib/mail). Every message the product sends (invitations and sign-in links,
 * weekly digests) is first written here, inside the transaction of the action that caused it, so
 * a rolled-back action never sends anything. With SMTP configured (SMTP_URL) `deliverPendingEmails`
 * sends and stamps `sent_at`; in the demo and in tests nothing is sent and the outbox is shown in
 * the UI instead. Bank operations only: no row-level policy and no grant to app_merchant.
 */

/** What a message is for; the UI filters on it. */
export const EMAIL_KINDS = ["sign_in_link", "invitation", "digest", "notice", "alert"] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").$type<EmailKind>().notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    /** Plain-text body; links appear in full. */
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body"),
    /** The recipient's account, when there is one (a digest's reader, an invitee after sign-up). */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    /**
     * The invitation whose link the message carries. The stored text holds a slot instead of the
     * link: the token is minted when the message is delivered (lib/mail/delivery.ts), so no
     * usable invitation token is ever at rest here (issue 14 item 4).
     */
    invitationId: text("invitation_id").references(() => invitations.id, { onDelete: "cascade" }),
    /** The merchant the message is about, when there is one. */
    merchantId: integer("merchant_id").references(() => merchants.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set when SMTP accepted the message; null while pending or when no SMTP is configured. */
    sentAt: timestamp("sent_at", { withTimezone: true }),
    /** The last delivery error, if delivery was tried and failed. */
    lastError: text("last_error"),
    attempts: integer("attempts").notNull().default(0),
    /** When a deliverer claimed the message (a lease: lib/mail/outbox.ts); null when none holds it. */
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
  },
  (t) => [index("email_outbox_to_created_idx").on(t.toAddress, t.createdAt), index("email_outbox_pending_idx").on(t.sentAt)],
);
