import type { Feature, PlanId } from "./plans";

/**
 * The merchant's plan (or subscription state) does not include the feature. The access wrappers
 * map it to 403 {error: "feature locked", feature, requiredPlan}; pages show the locked view.
 */
export class FeatureLockedError extends Error {
  constructor(
    readonly feature: Feature,
    readonly requiredPlan: PlanId,
  ) {
    super(`feature locked: ${feature} needs the ${requiredPlan} plan`);
    this.name = "FeatureLockedError";
  }
}

/** A billing request the product cannot serve (e.g. Stripe not configured, no Stripe customer yet). */
export class BillingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BillingError";
  }
}
