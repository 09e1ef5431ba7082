/**
 * lib/billing: plans, entitlements and Stripe behind an interface (docs/billing.md,
 * docs/adr/0005-accounts-billing.md). The one entitlement check is `requireFeature`; the access
 * wrappers (lib/auth/access.ts) call it for `{ feature }`, and so does the CLI.
 */
import { FeatureLockedError } from "./errors";
import type { Entitlements } from "./entitlements";
import { cheapestPlanWith, type Feature } from "./plans";

export * from "./plans";
export * from "./entitlements";
export * from "./errors";
export { handleStripeWebhookRequest, processStripeEvent, receiveStripeWebhook, type EventOutcome } from "./webhooks";
export { billingProviderFromEnv, stripeProvider, stripeSettingsFromEnv, type BillingEvent, type BillingProvider, type CheckoutRequest, type StripeSettings } from "./stripe";
export { loadAccount, loadEntitlements, setPlanIn, type MerchantAccount, type PlanChoice } from "./accounts";

/**
 * The one entitlement check: throws FeatureLockedError(feature, cheapest plan with it) unless the
 * entitlements include the feature.
 */
export function requireFeature(entitlements: Entitlements, feature: Feature): void {
  if (!entitlements.features.has(feature)) throw new FeatureLockedError(feature, cheapestPlanWith(feature));
}
export { billingMode, canManageBilling, openPortal, setPlanByStaff, startCheckout } from "./checkout";
