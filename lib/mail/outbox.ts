import { and, asc, desc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { emailOutbox, EMAIL_KINDS, type EmailKind } from "@/db/schema";
import { closeUnsendable, renderForDelivery, type MailTransport } from "./delivery";
import { UNSUBSCRIBE_LINK_SLOT, unsubscribeLinks, type UnsubscribeList } from "./unsubscribe";

/*
 * The e-mail outbox (table email_outbox, the transactional-outbox pattern): callers queue a
 * message inside the transaction of the action that causes it, so it commits or rolls back with
 * that action; `deliverPendingEmails` sends afterwards over SMTP when SMTP_URL is set (nodemailer).
 * Without SMTP (demo, tests) messages stay in the table and the UI shows them.
 */

/** A message to queue. */
export interface OutgoingEmail {
  kind: EmailKind;
  /** One address; validated loosely (something@something.tld). */
  to: string;
  subject: string;
  /** Plain text; any link in full. */
  text: string;
  html?: string;
  userId?: string | null;
  merchantId?: number | null;
  /** The invitation whose link fills INVITATION_LINK_SLOT at delivery (./delivery.ts). */
  invitationId?: string | null;
}

/** A stored message as the UI and tests read it. */
export interface OutboxMessage {
  id: number;
  kind: EmailKind;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  userId: string | null;
  merchantId: number | null;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  attempts: number;
}

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Queues one message.
 *
 * @param tx the caller's transaction (or the database) on the owner connection
 * @returns the new message's id
 * @throws Error on an unknown kind, an address that is not an address, or an empty subject/body
 */
export async function queueEmail(tx: Pick<Db, "insert">, email: OutgoingEmail): Promise<number> {
  if (!(EMAIL_KINDS as readonly string[]).includes(email.kind)) throw new Error(`queueEmail: unknown kind ${email.kind}`);
  const to = email.to.trim().toLowerCase();
  if (!ADDRESS.test(to)) throw new Error(`queueEmail: not an e-mail address: ${email.to}`);
  if (!email.subject.trim() || !email.text.trim()) throw new Error("queueEmail: subject and text must not be empty");
  const [row] = await tx
    .insert(emailOutbox)
    .values({
      kind: email.kind,
      toAddress: to,
      subject: email.subject,
      textBody: email.text,
      htmlBody: email.html ?? null,
      userId: email.userId ?? null,
      merchantId: email.merchantId ?? null,
      invitationId: email.invitationId ?? null,
    })
    .returning({ id: emailOutbox.id });
  return row.id;
}

function toMessage(row: typeof emailOutbox.$inferSelect): OutboxMessage {
  return {
    id: row.id,
    kind: row.kind,
    to: row.toAddress,
    subject: row.subject,
    text: row.textBody,
    html: row.htmlBody,
    userId: row.userId,
    merchantId: row.merchantId,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    lastError: row.lastError,
    attempts: row.attempts,
  };
}

/**
 * The newest messages first, optionally only those to one address and/or of one kind.
 *
 * @param limit at most this many (1–500, default 100)
 */
export async function listOutbox(
  db: Pick<Db, "select">,
  filter: { to?: string; kind?: EmailKind; merchantId?: number; limit?: number } = {},
): Promise<OutboxMessage[]> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
  const conditions = [
    filter.to ? eq(emailOutbox.toAddress, filter.to.trim().toLowerCase()) : undefined,
    filter.kind ? eq(emailOutbox.kind, filter.kind) : undefined,
    filter.merchantId !== undefined ? eq(emailOutbox.merchantId, filter.merchantId) : undefined,
  ].filter((c) => c !== undefined);
  const rows = await db
    .select()
    .from(emailOutbox)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(limit);
  return rows.map(toMessage);
}

export type { MailTransport };

/**
 * The origin of links built at delivery: `appUrl`, else APP_URL, else http://localhost:3000
 * outside production.
 * @throws Error in production without APP_URL (the message is not sent; retried later)
 */
function linkOrigin(appUrl: string | undefined = process.env.APP_URL): string {
  if (appUrl && /^https?:\/\/[^/\s]+/.test(appUrl)) return appUrl;
  if (process.env.NODE_ENV === "production") throw new Error("APP_URL is not set: unsubscribe links are built from configuration only");
  return "http://localhost:3000";
}

/** How long a deliverer's claim on a message holds before another may retry it (a crashed deliverer), minutes. */
const CLAIM_LEASE_MINUTES = 10;

/**
 * Sends pending messages (oldest first) through `transport`, stamping `sent_at` on success and
 * `last_error`/`attempts` on failure; a message is tried at most `maxAttempts` times.
 * Without a transport it does nothing (demo and tests keep messages in the outbox).
 *
 * @returns counts of messages sent and failed in this call
 */
export async function deliverPendingEmails(
  db: Db,
  transport: MailTransport | null,
  opts: { from?: string; batch?: number; maxAttempts?: number; appUrl?: string } = {},
): Promise<{ sent: number; failed: number }> {
  if (!transport) return { sent: 0, failed: 0 };
  const from = opts.from ?? process.env.MAIL_FROM ?? "Merchant Insights <no-reply@localhost>";
  const pending = await db
    .select()
    .from(emailOutbox)
    .where(and(isNull(emailOutbox.sentAt), lt(emailOutbox.attempts, opts.maxAttempts ?? 5)))
    .orderBy(asc(emailOutbox.id))
    .limit(opts.batch ?? 100);
  let sent = 0;
  let failed = 0;
  for (const row of pending) {
    // Claim the message (a lease of CLAIM_LEASE_MINUTES) and count this attempt, unless another
    // deliverer holds it: two deliverers (an action's delivery and the worker's e-mail job, or two
    // workers) would otherwise both send it, and for an invitation the second minted token would
    // kill the first e-mail's link. A crash after the claim leaves it to the next run once the
    // lease has passed.
    const claimed = await db
      .update(emailOutbox)
      .set({ attempts: sql`${emailOutbox.attempts} + 1`, claimedAt: sql`now()` })
      .where(
        and(
          eq(emailOutbox.id, row.id),
          isNull(emailOutbox.sentAt),
          sql`(${emailOutbox.claimedAt} is null or ${emailOutbox.claimedAt} < now() - make_interval(mins => ${CLAIM_LEASE_MINUTES}))`,
        ),
      )
      .returning({ id: emailOutbox.id });
    if (claimed.length === 0) continue;
    try {
      let text = await renderForDelivery(db, row);
      if (text === null) {
        await closeUnsendable(db, row.id, "the invitation is no longer open");
        continue;
      }
      // Alerts and digests: the signed one-click unsubscribe link and headers (./unsubscribe.ts)
      const list: UnsubscribeList | null = row.kind === "alert" ? "alerts" : row.kind === "digest" ? "digest" : null;
      let headers: Record<string, string> | undefined;
      if (list && row.userId) {
        const links = unsubscribeLinks(linkOrigin(opts.appUrl), row.userId, list);
        text = text.split(UNSUBSCRIBE_LINK_SLOT).join(links.page);
        headers = links.headers;
      }
      await transport.sendMail({ from, to: row.toAddress, subject: row.subject, text, html: row.htmlBody ?? undefined, ...(headers ? { headers } : {}) });
      await db
        .update(emailOutbox)
        .set({ sentAt: sql`now()`, lastError: null, claimedAt: null })
        .where(eq(emailOutbox.id, row.id));
      sent += 1;
    } catch (err) {
      await db
        .update(emailOutbox)
        .set({ lastError: err instanceof Error ? err.message : String(err), claimedAt: null })
        .where(eq(emailOutbox.id, row.id));
      failed += 1;
    }
  }
  return { sent, failed };
}
