/**
 * Invitations: single-use, expiring links sent through the e-mail outbox (lib/mail).
 *
 * Why our own token rather than next-auth's e-mail provider (docs/adr/0005-accounts-billing.md):
 * the invitation carries a merchant and a role and ends with the invitee setting a password for
 * the Credentials sign-in the product already uses (JWT sessions); Auth.js's e-mail provider
 * would sign the user in by link instead, needs its database adapter for sessions, and knows
 * nothing of memberships. The token is 32 random bytes (base64url) in the link; only its SHA-256
 * is stored, so a database read does not yield usable links. It expires after
 * INVITATION_TTL_DAYS and is consumed by the first acceptance (accepted_at), under a row lock.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { invitations, memberships, merchants, users, type InvitationRole } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword, PasswordPolicyError, passwordProblems } from "@/lib/auth/password";
import { normaliseEmail } from "@/lib/auth/users";
import { INVITATION_LINK_SLOT, invitationTokenHash, newInvitationToken, queueEmail, renderInvitationEmail } from "@/lib/mail";
import { AccountError } from "./errors";

/** Days an invitation link stays valid. */
const INVITATION_TTL_DAYS = 7;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** SHA-256 hex of a token (what the table stores): one definition, shared with delivery. */
const hashToken = invitationTokenHash;

export interface NewInvitation {
  email: string;
  role: InvitationRole;
  /** null only for a relationship manager's invitation. */
  merchantId: number | null;
  merchantName: string | null;
  invitedBy: { userId: string; email: string } | null;
  /** Absolute origin the link starts with, e.g. "https://insights.bank.example". */
  baseUrl: string;
  /**
   * The e-mail's language when the invitee has no account yet (usually the inviter's); an
   * invitee who already has an account gets it in their own saved language.
   */
  locale?: string;
}

/**
 * Creates an invitation and queues its e-mail, inside `tx` (so both commit or roll back with the
 * action that invites). The e-mail is rendered from messages/<locale>/mail.json (lib/mail) in the
 * recipient's language. Earlier open invitations of the same e-mail to the same merchant are
 * revoked, so only the newest link works. Records "invitation.create".
 * @returns the invitation id and the raw token (tests use it; the UI never shows it)
 * @throws Error for an invalid e-mail
 */
export async function createInvitationIn(tx: Tx, input: NewInvitation, now = new Date()): Promise<{ id: string; token: string; link: string }> {
  const email = normaliseEmail(input.email);
  const token = newInvitationToken();
  await tx
    .update(invitations)
    .set({ revokedAt: now })
    .where(
      and(
        eq(invitations.email, email),
        input.merchantId === null ? isNull(invitations.merchantId) : eq(invitations.merchantId, input.merchantId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
  const [row] = await tx
    .insert(invitations)
    .values({
      tokenHash: hashToken(token),
      email,
      role: input.role,
      merchantId: input.merchantId,
      invitedBy: input.invitedBy?.userId ?? null,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000),
    })
    .returning({ id: invitations.id });
  const link = `${input.baseUrl.replace(/\/+$/, "")}/invite/${token}`;
  // In the recipient's language: their saved one when they already have an account.
  const [known] = await tx.select({ locale: users.locale }).from(users).where(eq(users.email, email)).limit(1);
  // The stored e-mail holds a slot, not the link: the token is minted at delivery and the link
  // built from APP_URL (lib/mail/delivery.ts), so the outbox never holds a usable token.
  const mail = renderInvitationEmail(
    { merchantName: input.merchantName, role: input.role, link: INVITATION_LINK_SLOT, days: INVITATION_TTL_DAYS },
    known?.locale ?? input.locale ?? "en",
  );
  await queueEmail(tx, { kind: "invitation", to: email, subject: mail.subject, text: mail.text, merchantId: input.merchantId, invitationId: row.id });
  await recordAudit(tx, { actor: input.invitedBy, action: "invitation.create", merchantId: input.merchantId, target: email, details: { role: input.role } });
  return { id: row.id, token, link };
}

/** What the accept page shows before the invitee sets a password. */
export interface InvitationPreview {
  email: string;
  role: InvitationRole;
  merchantName: string | null;
  merchantSlug: string | null;
  /** True when an account with this e-mail exists (it keeps its password; no new one is asked). */
  existingUser: boolean;
}

async function findOpen(db: Pick<Db, "select">, token: string, now: Date) {
  if (typeof token !== "string" || token.length < 20 || token.length > 100) throw new AccountError("invitation_invalid", "this invitation link is not valid");
  const [row] = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      merchantId: invitations.merchantId,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      merchantName: merchants.name,
      merchantSlug: merchants.slug,
    })
    .from(invitations)
    .leftJoin(merchants, eq(merchants.id, invitations.merchantId))
    .where(eq(invitations.tokenHash, hashToken(token)))
    .limit(1);
  if (!row || row.revokedAt) throw new AccountError("invitation_invalid", "this invitation link is not valid");
  if (row.acceptedAt) throw new AccountError("invitation_used", "this invitation has already been accepted");
  if (row.expiresAt.getTime() <= now.getTime()) throw new AccountError("invitation_expired", "this invitation has expired; ask for a new one");
  return row;
}

/**
 * The open invitation behind a token, for the accept page.
 * @throws AccountError invitation_invalid | invitation_used | invitation_expired
 */
export async function previewInvitation(database: Database, token: string, now = new Date()): Promise<InvitationPreview> {
  const row = await findOpen(database.db, token, now);
  const [user] = await database.db.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, row.email)).limit(1);
  return { email: row.email, role: row.role, merchantName: row.merchantName, merchantSlug: row.merchantSlug, existingUser: Boolean(user?.passwordHash) };
}

/**
 * Accepts an invitation: creates the account with the chosen password (or, for an e-mail that
 * already has a password, keeps it), grants the role, consumes the token and records
 * "invitation.accept", all in one transaction. A membership the user already has is kept if it
 * is stronger (an owner invited as viewer stays owner).
 * @returns the e-mail (to pre-fill the sign-in form) and the merchant's slug (null for an RM)
 * @throws AccountError invitation_* for a bad token, weak_password (message lists the rules)
 */
export async function acceptInvitation(
  database: Database,
  token: string,
  input: { name?: string | null; password: string },
  now = new Date(),
): Promise<{ email: string; merchantSlug: string | null }> {
  return database.db.transaction(async (tx) => {
    const open = await findOpen(tx, token, now);
    // Lock the invitation: a second, concurrent acceptance waits here and then finds it used.
    const [locked] = await tx.select({ acceptedAt: invitations.acceptedAt }).from(invitations).where(eq(invitations.id, open.id)).for("update");
    if (locked.acceptedAt) throw new AccountError("invitation_used", "this invitation has already been accepted");
    const [existing] = await tx.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, open.email)).limit(1);
    let userId: string;
    if (existing?.passwordHash) {
      userId = existing.id;
    } else {
      const problems = passwordProblems(input.password, { email: open.email });
      if (problems.length) throw new AccountError("weak_password", problems.join("; "));
      let passwordHash: string;
      try {
        passwordHash = await hashPassword(input.password, { email: open.email });
      } catch (err) {
        if (err instanceof PasswordPolicyError) throw new AccountError("weak_password", err.problems.join("; "));
        throw err;
      }
      const name = input.name?.trim() ? input.name.trim().slice(0, 200) : null;
      if (existing) {
        userId = existing.id;
        await tx.update(users).set({ passwordHash, name, emailVerified: now }).where(eq(users.id, userId));
      } else {
        const [created] = await tx.insert(users).values({ email: open.email, passwordHash, name, emailVerified: now }).returning({ id: users.id });
        userId = created.id;
      }
    }
    if (open.role === "relationship_manager") {
      await tx.update(users).set({ bankRole: "relationship_manager" }).where(and(eq(users.id, userId), isNull(users.bankRole)));
    } else if (open.merchantId !== null) {
      // Stronger roles are kept: owner > viewer; an RM keeps its portfolio membership.
      await tx
        .insert(memberships)
        .values({ userId, merchantId: open.merchantId, role: open.role })
        .onConflictDoUpdate({
          target: [memberships.userId, memberships.merchantId],
          set: { role: sql`case when ${memberships.role} = 'merchant_viewer' then excluded.role else ${memberships.role} end` },
        });
    }
    await tx.update(invitations).set({ acceptedAt: now }).where(eq(invitations.id, open.id));
    await recordAudit(tx, { actor: { userId, email: open.email }, action: "invitation.accept", merchantId: open.merchantId, target: open.email, details: { role: open.role } });
    return { email: open.email, merchantSlug: open.merchantSlug };
  });
}
