import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { emailOutbox, invitations } from "@/db/schema";

/*
 * Render at delivery (issue 14 item 4). An invitation e-mail is queued with a slot where its link
 * goes and the invitation's id; no usable token is stored in the outbox, shown at /admin/outbox,
 * or built from a request's headers. When the message is delivered, renderForDelivery mints a
 * fresh token for the invitation (only its SHA-256 is stored, replacing the previous hash, so
 * only the delivered link works) and builds the link from APP_URL alone.
 */

/** Sends one message; nodemailer's `sendMail` shape, so tests can pass a fake. */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; html?: string; headers?: Record<string, string> }): Promise<unknown>;
}

/** Where the invitation link goes in a queued message's text (replaced at delivery). */
export const INVITATION_LINK_SLOT = "{{invitation_link}}";

/** SHA-256 hex of an invitation token: what `invitations.token_hash` stores. */
export function invitationTokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new invitation token: 32 random bytes, base64url (43 characters). */
export function newInvitationToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The text to send for a queued message. Messages without an invitation are sent as stored. For
 * an invitation: a fresh token replaces the invitation's stored hash and the slot becomes
 * `<APP_URL>/invite/<token>`.
 * @param appUrl the product's public origin (env APP_URL); never taken from a request
 * @returns the text, or null when the invitation is no longer open (accepted, revoked, expired):
 *   nothing should be sent then
 * @throws Error when the message needs a link and `appUrl` is not set (not sent; retried later)
 */
export async function renderForDelivery(
  db: Pick<Db, "update">,
  message: { textBody: string; invitationId: string | null },
  appUrl: string | undefined = process.env.APP_URL,
  now = new Date(),
): Promise<string | null> {
  if (!message.invitationId) return message.textBody;
  if (!appUrl || !/^https?:\/\/[^/\s]+/.test(appUrl)) throw new Error("APP_URL is not set: invitation links are built from configuration only");
  const token = newInvitationToken();
  const open = await db
    .update(invitations)
    .set({ tokenHash: invitationTokenHash(token) })
    .where(and(eq(invitations.id, message.invitationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
    .returning({ id: invitations.id });
  if (open.length === 0) return null;
  return message.textBody.split(INVITATION_LINK_SLOT).join(`${appUrl.replace(/\/+$/, "")}/invite/${token}`);
}

/**
 * The transport the environment configures, or null (messages stay in the outbox):
 * MAIL_CAPTURE_DIR writes each message as a JSON file into that folder (the demo's and the e2e
 * suite's mailbox: nothing leaves the machine).
 */
export function mailTransportFromEnv(env: NodeJS.ProcessEnv = process.env): MailTransport | null {
  const dir = env.MAIL_CAPTURE_DIR;
  if (!dir) return null;
  return {
    async sendMail(message) {
      await fs.promises.mkdir(dir, { recursive: true });
      const name = `${Date.now()}-${randomBytes(4).toString("hex")}.json`;
      await fs.promises.writeFile(path.join(dir, name), JSON.stringify(message, null, 2));
    },
  };
}

/** Marks a message that must not be sent (its invitation closed) as done, with the reason. */
export async function closeUnsendable(db: Pick<Db, "update">, id: number, reason: string): Promise<void> {
  await db.update(emailOutbox).set({ lastError: reason, attempts: 1_000_000 }).where(eq(emailOutbox.id, id));
}
