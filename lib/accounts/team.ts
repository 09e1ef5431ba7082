/**
 * A merchant's team: its members, invitations of colleagues, removals; and the bank's side (the
 * /admin area): relationship managers and their portfolios, the outbox and the audit log.
 *
 * Who may do what (docs/accounts.md):
 * - merchant_owner: invite viewers, remove viewers, read the merchant's audit log;
 * - merchant_viewer: read only (no invitations, no removals);
 * - relationship_manager (of the merchant) and bank_admin: invite owners and viewers, remove them;
 * - bank_admin only: invite relationship managers, assign and remove portfolio merchants, read
 *   the whole audit log.
 */
import { and, asc, eq, inArray, isNull, gt } from "drizzle-orm";
import type { Database } from "@/db/client";
import { invitations, memberships, merchants, users, type InvitationRole } from "@/db/schema";
import { isAuditAction, listAudit, recordAudit, type AuditEntry } from "@/lib/audit";
import type { AccessRole, Actor, MerchantAccess } from "@/lib/auth/access";
import { ForbiddenError } from "@/lib/auth/errors";
import { listOutbox, type OutboxMessage } from "@/lib/mail";
import { AccountError } from "./errors";
import { createInvitationIn } from "./invitations";

type TeamAccess = Pick<MerchantAccess, "actor" | "merchant" | "role">;

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: "relationship_manager" | "merchant_owner" | "merchant_viewer";
}
export interface PendingInvitation {
  id: string;
  email: string;
  role: InvitationRole;
  expiresAt: Date;
}

const BANK_ROLES: ReadonlySet<AccessRole> = new Set(["bank_admin", "relationship_manager"]);

/** The roles `role` may invite to (and remove from) a merchant. */
export function invitableRoles(role: AccessRole): Array<"merchant_owner" | "merchant_viewer"> {
  if (BANK_ROLES.has(role)) return ["merchant_owner", "merchant_viewer"];
  if (role === "merchant_owner") return ["merchant_viewer"];
  return [];
}

/** Members (by role, then e-mail) and open invitations of the access's merchant. */
export async function listTeam(database: Database, access: TeamAccess): Promise<{ members: Member[]; invitations: PendingInvitation[] }> {
  const members = await database.db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.merchantId, access.merchant.id))
    .orderBy(asc(memberships.role), asc(users.email));
  const open = await database.db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(and(eq(invitations.merchantId, access.merchant.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
    .orderBy(asc(invitations.email));
  return { members, invitations: open };
}

/**
 * Invites `email` to the access's merchant as `role`, e-mailing the link (outbox) in one
 * transaction.
 * @throws ForbiddenError when the actor's role may not invite that role (viewers may not invite)
 * @throws AccountError invalid_input for a bad e-mail
 */
export async function inviteMember(
  database: Database,
  access: TeamAccess,
  email: string,
  role: "merchant_owner" | "merchant_viewer",
  baseUrl: string,
): Promise<{ link: string }> {
  if (!invitableRoles(access.role).includes(role)) throw new ForbiddenError();
  try {
    return await database.db.transaction(async (tx) => {
      const { link } = await createInvitationIn(tx, {
        email,
        role,
        merchantId: access.merchant.id,
        merchantName: access.merchant.name,
        invitedBy: { userId: access.actor.userId, email: access.actor.email },
        baseUrl,
        locale: access.actor.locale,
      });
      return { link };
    });
  } catch (err) {
    if (err instanceof Error && /not a valid e-mail/.test(err.message)) throw new AccountError("invalid_input", err.message);
    throw err;
  }
}

/**
 * Removes a member from the access's merchant (owners: viewers only; bank staff: owners and
 * viewers). Relationship managers are removed in the /admin area. Records "membership.revoke".
 * @throws ForbiddenError when not allowed; AccountError not_found when the user is no member
 */
export async function removeMember(database: Database, access: TeamAccess, userId: string): Promise<void> {
  await database.db.transaction(async (tx) => {
    const [m] = await tx
      .select({ role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.userId, String(userId)), eq(memberships.merchantId, access.merchant.id)))
      .limit(1);
    if (!m) throw new AccountError("not_found", "no such member");
    if (m.role === "relationship_manager" || !invitableRoles(access.role).includes(m.role)) throw new ForbiddenError();
    if (userId === access.actor.userId) throw new ForbiddenError();
    await tx.delete(memberships).where(and(eq(memberships.userId, String(userId)), eq(memberships.merchantId, access.merchant.id)));
    await recordAudit(tx, { actor: { userId: access.actor.userId, email: access.actor.email }, action: "membership.revoke", merchantId: access.merchant.id, target: m.email, details: { role: m.role } });
  });
}

/** The merchant's audit entries, for its owner and bank staff. @throws ForbiddenError for viewers */
export async function merchantAudit(database: Database, access: TeamAccess, limit = 100): Promise<AuditEntry[]> {
  if (access.role === "merchant_viewer") throw new ForbiddenError();
  return listAudit(database.db, { merchantId: access.merchant.id, limit });
}

// ---------------------------------------------------------------------------------------------
// The bank's side (/admin)

function assertAdmin(actor: Actor): void {
  if (actor.bankRole !== "bank_admin") throw new ForbiddenError();
}

export interface StaffMember {
  userId: string;
  email: string;
  name: string | null;
  bankRole: "bank_admin" | "relationship_manager";
  portfolio: Array<{ merchantId: number; slug: string; name: string }>;
}

/** Bank staff with their portfolios (bank admin only). */
export async function listStaff(database: Database, actor: Actor): Promise<StaffMember[]> {
  assertAdmin(actor);
  const staff = await database.db
    .select({ userId: users.id, email: users.email, name: users.name, bankRole: users.bankRole })
    .from(users)
    .where(inArray(users.bankRole, ["bank_admin", "relationship_manager"]))
    .orderBy(asc(users.bankRole), asc(users.email));
  const portfolio = staff.length
    ? await database.db
        .select({ userId: memberships.userId, merchantId: merchants.id, slug: merchants.slug, name: merchants.name })
        .from(memberships)
        .innerJoin(merchants, eq(merchants.id, memberships.merchantId))
        .where(and(eq(memberships.role, "relationship_manager"), inArray(memberships.userId, staff.map((s) => s.userId))))
        .orderBy(asc(merchants.name))
    : [];
  return staff.map((s) => ({
    ...s,
    bankRole: s.bankRole === "bank_admin" ? "bank_admin" : "relationship_manager",
    portfolio: portfolio.filter((p) => p.userId === s.userId).map(({ merchantId, slug, name }) => ({ merchantId, slug, name })),
  }));
}

/** Invites a relationship manager (bank admin only); the link lands in the outbox. */
export async function inviteRelationshipManager(database: Database, actor: Actor, email: string, baseUrl: string): Promise<{ link: string }> {
  assertAdmin(actor);
  try {
    return await database.db.transaction(async (tx) => {
      const { link } = await createInvitationIn(tx, { email, role: "relationship_manager", merchantId: null, merchantName: null, invitedBy: { userId: actor.userId, email: actor.email }, baseUrl, locale: actor.locale });
      return { link };
    });
  } catch (err) {
    if (err instanceof Error && /not a valid e-mail/.test(err.message)) throw new AccountError("invalid_input", err.message);
    throw err;
  }
}

/**
 * Adds a merchant to (assign = true) or removes it from a relationship manager's portfolio
 * (bank admin only). Records "membership.grant" / "membership.revoke".
 * @throws AccountError not_found for an unknown RM or merchant slug
 */
export async function setPortfolio(database: Database, actor: Actor, rmUserId: string, merchantSlug: string, assign: boolean): Promise<void> {
  assertAdmin(actor);
  await database.db.transaction(async (tx) => {
    const [rm] = await tx.select({ id: users.id, email: users.email, bankRole: users.bankRole }).from(users).where(eq(users.id, String(rmUserId))).limit(1);
    if (!rm || rm.bankRole !== "relationship_manager") throw new AccountError("not_found", "no such relationship manager");
    const [m] = await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.slug, String(merchantSlug).trim())).limit(1);
    if (!m) throw new AccountError("not_found", `no merchant ${JSON.stringify(merchantSlug)}`);
    if (assign) {
      await tx.insert(memberships).values({ userId: rm.id, merchantId: m.id, role: "relationship_manager" }).onConflictDoUpdate({ target: [memberships.userId, memberships.merchantId], set: { role: "relationship_manager" } });
    } else {
      await tx.delete(memberships).where(and(eq(memberships.userId, rm.id), eq(memberships.merchantId, m.id), eq(memberships.role, "relationship_manager")));
    }
    const who = { userId: actor.userId, email: actor.email };
    await recordAudit(tx, { actor: who, action: assign ? "membership.grant" : "membership.revoke", merchantId: m.id, target: rm.email, details: { role: "relationship_manager" } });
  });
}

/**
 * The e-mail outbox as the actor may read it: a bank admin every message, a relationship
 * manager the messages about their portfolio's merchants; nobody else.
 */
export async function outboxFor(database: Database, actor: Actor, limit = 100): Promise<OutboxMessage[]> {
  if (actor.bankRole === "bank_admin") return listOutbox(database.db, { limit });
  if (actor.bankRole !== "relationship_manager") throw new ForbiddenError();
  const mine = await database.db
    .select({ merchantId: memberships.merchantId })
    .from(memberships)
    .where(and(eq(memberships.userId, actor.userId), eq(memberships.role, "relationship_manager")));
  const ids = new Set(mine.map((m) => m.merchantId));
  const all = await listOutbox(database.db, { limit: 500 });
  return all.filter((m) => m.merchantId !== null && ids.has(m.merchantId)).slice(0, limit);
}

/**
 * The whole audit log (bank admin only), newest first: one action's entries (`filter.action`),
 * or every action except the automatic page views unless `filter.includeViews`.
 * @throws AccountError not_allowed for anyone but a bank admin; invalid_input for an unknown action
 */
export async function bankAudit(database: Database, actor: Actor, filter: { action?: string; includeViews?: boolean } = {}, limit = 200): Promise<AuditEntry[]> {
  assertAdmin(actor);
  // Page views are recorded automatically on every bank employee's visit; they bury the
  // administrative actions unless asked for (issue 19).
  if (filter.action !== undefined) {
    if (!isAuditAction(filter.action)) throw new AccountError("invalid_input", `unknown audit action ${JSON.stringify(filter.action)}`);
    return listAudit(database.db, { action: filter.action, limit });
  }
  return listAudit(database.db, filter.includeViews ? { limit } : { excludeAction: "merchant.view", limit });
}
