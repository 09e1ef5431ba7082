/**
 * The audit log (table audit_log): who did what, when. Every administrative action (onboarding,
 * plan changes, invitations, membership changes, lockouts) and every bank employee's view of a
 * merchant's data is recorded. Writes go through the owner connection, inside the action's own
 * transaction where there is one, so a rolled-back action leaves no entry.
 *
 * Readers: bank admins see everything (/admin/audit); a merchant owner sees the entries of their
 * own merchant (/m/[slug]/team), enforced by the access checks in lib/accounts and, for any
 * merchant scope, by the RLS policy audit_log_tenant (drizzle/0009_accounts_billing_rls.sql).
 */
import { and, desc, eq, lt, ne, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog } from "@/db/schema";
import { AUDIT_ACTIONS, type AuditAction } from "./actions";

/** Whether `value` is one of the recorded actions (filters arrive as text from a URL). */
export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === "string" && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

export interface AuditEntryInput {
  actor: { userId: string; email: string } | null;
  action: AuditAction;
  merchantId?: number | null;
  /** What was acted on, in a word (an e-mail, a plan, a path). */
  target?: string | null;
  details?: Record<string, unknown> | null;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actorEmail: string | null;
  action: string;
  merchantId: number | null;
  target: string | null;
  details: Record<string, unknown> | null;
}

/**
 * Appends one entry.
 * @param tx the caller's transaction or the database (owner connection)
 * @throws Error for an action outside AUDIT_ACTIONS (nothing written)
 */
export async function recordAudit(tx: Pick<Db, "insert">, entry: AuditEntryInput): Promise<void> {
  if (!(AUDIT_ACTIONS as readonly string[]).includes(entry.action)) throw new Error(`recordAudit: unknown action ${entry.action}`);
  await tx.insert(auditLog).values({
    actorUserId: entry.actor?.userId ?? null,
    actorEmail: entry.actor?.email ?? null,
    action: entry.action,
    merchantId: entry.merchantId ?? null,
    target: entry.target ?? null,
    details: entry.details ?? null,
  });
}

/**
 * Entries newest first: all of them, or one merchant's (`merchantId`), optionally one action's
 * (`action`) or all but one (`excludeAction`, e.g. the automatic "merchant.view" rows), optionally
 * before an id (keyset paging). The caller has already checked the reader may see them.
 * @param limit 1–500, default 100
 */
export async function listAudit(
  db: Pick<Db, "select">,
  filter: { merchantId?: number; action?: AuditAction; excludeAction?: AuditAction; beforeId?: number; limit?: number } = {},
): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
  const conditions: SQL[] = [];
  if (filter.merchantId !== undefined) conditions.push(eq(auditLog.merchantId, filter.merchantId));
  if (filter.action !== undefined) conditions.push(eq(auditLog.action, filter.action));
  if (filter.excludeAction !== undefined) conditions.push(ne(auditLog.action, filter.excludeAction));
  if (filter.beforeId !== undefined) conditions.push(lt(auditLog.id, filter.beforeId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, at: r.at, actorEmail: r.actorEmail, action: r.action, merchantId: r.merchantId, target: r.target, details: r.details ?? null }));
}
