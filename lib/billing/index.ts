/**
 * lib/billing: plans, entitlements and Stripe behind an interface (docs/billing.md,
 * docs/adr/0005-accounts-billing.md). The one entitlement check is `requireFeature`; the access
 * wrappers (lib/auth/access.ts) call it for `{ feature }`, and so does the CLI.
 */
export * from "./plans";
export * from "./entitlements";
export * from "./errors";
export { handleStripeWebhookRequest, processStripeEvent, receiveStripeWebhook, type EventOutcome } from "./webhooks";
export { billingProviderFromEnv, stripeProvider, stripeSettingsFromEnv, type BillingEvent, type BillingProvider, type CheckoutRequest, type StripeSettings } from "./stripe";
export { loadAccount, loadEntitlements, setPlanIn, type MerchantAccount, type PlanChoice } from "./accounts";
export { billingMode, canManageBilling, openPortal, setPlanByStaff, startCheckout } from "./checkout";
