/**
 * Merchant accounts on the owner connection: load one (for entitlements), create one at
 * onboarding, and set the plan by hand (bank admin or RM when Stripe is not configured).
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { merchantAccounts, upgradeRequests, type SubscriptionStatus } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { entitlementsOf, type AccountState, type Entitlements } from "./entitlements";
import { isPlanId, PLAN_IDS, TRIAL_DAYS, type PlanId } from "./plans";

export interface MerchantAccount extends AccountState {
  merchantId: number;
  currentPeriodEnd: Date | null;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
}

/** The merchant's account, or null when it was never onboarded. */
export async function loadAccount(db: Pick<Db, "select">, merchantId: number): Promise<MerchantAccount | null> {
  const [row] = await db.select().from(merchantAccounts).where(eq(merchantAccounts.merchantId, merchantId)).limit(1);
  if (!row) return null;
  return {
    merchantId: row.merchantId,
    plan: row.plan,
    status: row.status,
    trialEndsAt: row.trialEndsAt,
    pastDueSince: row.pastDueSince,
    currentPeriodEnd: row.currentPeriodEnd,
    stripeCustomerId: row.stripeCustomerId,
    stripeSubscriptionId: row.stripeSubscriptionId,
  };
}

/** The merchant's entitlements now (see entitlementsOf). */
export async function loadEntitlements(db: Pick<Db, "select">, merchantId: number, now = new Date()): Promise<Entitlements> {
  return entitlementsOf(await loadAccount(db, merchantId), now);
}

export interface PlanChoice {
  plan: PlanId;
  /** true: a TRIAL_DAYS trial of the plan; false: active at once (billed by the bank or Stripe). */
  trial: boolean;
}

/**
 * Creates or replaces the merchant's plan by hand (no Stripe): status 'trialing' with a trial end
 * TRIAL_DAYS from `now`, or 'active'. Records "plan.set" in the audit log and closes an open upgrade
 * request for this plan or a lower one (lib/accounts/upgrades.ts), in the same transaction.
 * @throws Error for an unknown plan (nothing written)
 */
export async function setPlanIn(
  tx: Pick<Db, "insert" | "update">,
  merchantId: number,
  choice: PlanChoice,
  actor: { userId: string; email: string } | null,
  now = new Date(),
): Promise<void> {
  if (!isPlanId(choice.plan)) throw new Error(`unknown plan ${JSON.stringify(choice.plan)}`);
  const status: SubscriptionStatus = choice.trial ? "trialing" : "active";
  const trialEndsAt = choice.trial ? new Date(now.getTime() + TRIAL_DAYS * 86_400_000) : null;
  await tx
    .insert(merchantAccounts)
    .values({ merchantId, plan: choice.plan, status, trialEndsAt, onboardedBy: actor?.userId ?? null })
    .onConflictDoUpdate({
      target: merchantAccounts.merchantId,
      // A status set by hand is the new base the next Stripe event folds onto (lib/billing/webhooks.ts).
      set: { plan: choice.plan, status, trialEndsAt, pastDueSince: null, stripeSubStatus: null, updatedAt: sql`excluded.updated_at` }, // the default now(): Citus refuses a volatile function in DO UPDATE
    });
  await recordAudit(tx, { actor, action: "plan.set", merchantId, target: choice.plan, details: { trial: choice.trial } });
  // An open upgrade request is answered by any plan at or above the one asked for.
  const atOrBelow = PLAN_IDS.slice(0, PLAN_IDS.indexOf(choice.plan) + 1);
  await tx
    .update(upgradeRequests)
    .set({ closedAt: now })
    .where(and(eq(upgradeRequests.merchantId, merchantId), isNull(upgradeRequests.closedAt), inArray(upgradeRequests.plan, atOrBelow)));
}
