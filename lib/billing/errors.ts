import { AppError } from "@/lib/errors";
import type { Feature, PlanId } from "./plans";

/**
 * The merchant's plan (or subscription state) does not include the feature (403, code
 * "feature_locked", details feature and requiredPlan). Routes answer
 * 403 {error: "feature locked", feature, requiredPlan} (lib/errors errorBody); pages show the
 * locked view.
 */
export class FeatureLockedError extends AppError {
  constructor(
    readonly feature: Feature,
    readonly requiredPlan: PlanId,
  ) {
    super("feature_locked", 403, `feature locked: ${feature} needs the ${requiredPlan} plan`, { feature, requiredPlan });
  }
}

/**
 * A billing request the product cannot serve in the account's state (409, code
 * "billing_unavailable"): Stripe not configured, no Stripe customer yet, plans that follow
 * Stripe, an unknown plan. The message says which, in English, safe to show.
 */
export class BillingError extends AppError {
  constructor(message: string) {
    super("billing_unavailable", 409, message);
  }
}
