/**
 * Entitlements: which features a merchant's users get now, from its account row. Pure, no I/O;
 * lib/billing/index.ts loads the row. The one rule set behind every gate (pages, routes, CLI).
 *
 * - no account row: the merchant is bank data that was never onboarded (or provisioned before
 *   billing existed): unrestricted, `source: "bank"` (docs/adr/0005-accounts-billing.md);
 * - trialing: the plan's features until trial_ends_at (exclusive), then nothing;
 * - active: the plan's features;
 * - past_due: the plan's features for PAST_DUE_GRACE_DAYS after past_due_since, then nothing;
 * - canceled: nothing.
 * Bank staff see exactly what the merchant sees (so they support and sell the same product);
 * the locked view shows them how to change the plan.
 */
import type { SubscriptionStatus } from "@/db/schema/billing";
import { FeatureLockedError } from "./errors";
import { cheapestPlanWith, FEATURES, PAST_DUE_GRACE_DAYS, PLAN_FEATURES, type Feature, type PlanId } from "./plans";

/** The account fields entitlements depend on. */
export interface AccountState {
  plan: PlanId;
  status: SubscriptionStatus;
  trialEndsAt: Date | null;
  pastDueSince: Date | null;
}

export interface Entitlements {
  /** null when the merchant has no account (bank data, unrestricted). */
  plan: PlanId | null;
  status: SubscriptionStatus | null;
  /** Whether the plan's features are currently granted (false after a lapsed trial, grace or cancel). */
  inGoodStanding: boolean;
  source: "bank" | "subscription";
  features: ReadonlySet<Feature>;
  /** When the current grant ends if nothing changes (trial end, end of grace), else null. */
  endsAt: Date | null;
}

const DAY_MS = 86_400_000;
const ALL: ReadonlySet<Feature> = new Set(FEATURES);
const NONE: ReadonlySet<Feature> = new Set();

/**
 * The entitlements of an account at instant `now`.
 * @param account the merchant's account, or null when it has none
 */
export function entitlementsOf(account: AccountState | null, now: Date): Entitlements {
  if (!account) return { plan: null, status: null, inGoodStanding: true, source: "bank", features: ALL, endsAt: null };
  const granted = (endsAt: Date | null): Entitlements => ({
    plan: account.plan,
    status: account.status,
    inGoodStanding: true,
    source: "subscription",
    features: PLAN_FEATURES[account.plan],
    endsAt,
  });
  const lapsed: Entitlements = { plan: account.plan, status: account.status, inGoodStanding: false, source: "subscription", features: NONE, endsAt: null };
  switch (account.status) {
    case "active":
      return granted(null);
    case "trialing":
      return account.trialEndsAt && now.getTime() < account.trialEndsAt.getTime() ? granted(account.trialEndsAt) : lapsed;
    case "past_due": {
      const since = account.pastDueSince ?? now;
      const graceEnd = new Date(since.getTime() + PAST_DUE_GRACE_DAYS * DAY_MS);
      return now.getTime() < graceEnd.getTime() ? granted(graceEnd) : lapsed;
    }
    default:
      return lapsed;
  }
}

/**
 * The one entitlement check: throws FeatureLockedError(feature, cheapest plan with it) unless the
 * entitlements include the feature.
 */
export function requireFeature(entitlements: Entitlements, feature: Feature): void {
  if (!entitlements.features.has(feature)) throw new FeatureLockedError(feature, cheapestPlanWith(feature));
}
