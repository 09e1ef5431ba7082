/* The audit log's closed list of actions: pure, so pages may offer it as a filter. */

/** The actions the product records (a closed list, so the UI can name each in both languages). */
export const AUDIT_ACTIONS = [
  "merchant.view",
  "merchant.onboard",
  "plan.set",
  "invitation.create",
  "invitation.accept",
  "invitation.revoke",
  "membership.grant",
  "membership.revoke",
  "billing.checkout",
  "billing.portal",
  "billing.stripe_event",
  "auth.lockout",
  "api_token.create",
  "api_token.revoke",
  "upgrade.request",
  "settings.set",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
