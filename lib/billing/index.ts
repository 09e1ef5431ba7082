/**
 * lib/billing: plans, entitlements and Stripe behind an interface (docs/billing.md,
 * docs/adr/0005-accounts-billing.md). The one entitlement check is `requireFeature`; the access
 * wrappers (lib/auth/access.ts) call it for `{ feature }`, and so does the CLI.
 */
export * from "./plans";
export * from "./entitlements";
export * from "./errors";
export { handleStripeWebhookRequest } from "./webhooks";
export { stripeProvider, type BillingProvider, type CheckoutRequest } from "./stripe";
export { loadAccount, loadEntitlements, setPlanIn } from "./accounts";
export { getOpenUpgradeRequest } from "./upgradeRequests";
export { openPortal, setPlanByStaff, startCheckout } from "./checkout";
