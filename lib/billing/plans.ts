/**
 * Plans and features: the product's price list as data (docs/billing.md). Pure, no I/O.
 *
 * Start: the growth and customer views; Pro: + models, benchmarks, forecasts and findings (with
 * their alerts and the weekly digest);
 * Business: + campaigns and CSV exports. Each plan includes the one before it.
 */

/**
 * The plans, cheapest first. Kept here without importing the schema so client components can
 * use this file; db/schema/billing.ts repeats the list for its check constraint (a unit test
 * asserts they agree).
 */
export const PLAN_IDS = ["start", "pro", "business"] as const;
export type PlanId = (typeof PLAN_IDS)[number];

/** Every gated feature key. Pages, routes and CLI commands name one of these. */
export const FEATURES = [
  "overview",
  "customers",
  "seasonality",
  "value",
  "churn",
  "segments",
  "competitors",
  "forecasts",
  "findings",
  "alerts",
  "digest",
  "campaigns",
  "exports",
] as const;
export type Feature = (typeof FEATURES)[number];

const START: readonly Feature[] = ["overview", "customers", "seasonality"];
// alerts (a new significant finding by e-mail within the hour) and the weekly digest come with the findings
const PRO: readonly Feature[] = [...START, "value", "churn", "segments", "competitors", "forecasts", "findings", "alerts", "digest"];
const BUSINESS: readonly Feature[] = [...PRO, "campaigns", "exports"];

/** The features of each plan (cumulative). */
export const PLAN_FEATURES: Readonly<Record<PlanId, ReadonlySet<Feature>>> = Object.freeze({
  start: new Set(START),
  pro: new Set(PRO),
  business: new Set(BUSINESS),
});

/**
 * The list price of each plan per month, in minor units of `currency` (kopecks), as the plan
 * table and the upgrade request show them. With Stripe configured the charged amount is the
 * Stripe price's (STRIPE_PRICE_*); keep the two equal.
 */
export const PLAN_PRICES: Readonly<Record<PlanId, { monthlyMinor: number; currency: string }>> = Object.freeze({
  start: { monthlyMinor: 190_000, currency: "RUB" },
  pro: { monthlyMinor: 490_000, currency: "RUB" },
  business: { monthlyMinor: 990_000, currency: "RUB" },
});

/** Length of a trial in days (the trial is of the plan the relationship manager chose). */
export const TRIAL_DAYS = 14;
/** Days a past_due subscription keeps its features while the bank retries the payment. */
export const PAST_DUE_GRACE_DAYS = 7;

export function isFeature(value: unknown): value is Feature {
  return typeof value === "string" && (FEATURES as readonly string[]).includes(value);
}
export function isPlanId(value: unknown): value is PlanId {
  return typeof value === "string" && (PLAN_IDS as readonly string[]).includes(value);
}

/** The cheapest plan that includes `feature` (what the locked view tells the user to upgrade to). */
export function cheapestPlanWith(feature: Feature): PlanId {
  for (const plan of PLAN_IDS) if (PLAN_FEATURES[plan].has(feature)) return plan;
  /* c8 ignore next: every feature is in business */
  return "business";
}
