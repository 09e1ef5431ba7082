/**
 * lib/accounts: onboarding, invitations, teams and the bank's administration
 * (docs/accounts.md, docs/adr/0005-accounts-billing.md). Owner connection; every function
 * authorizes its actor or access itself.
 */
export * from "./errors";
export { acceptInvitation, previewInvitation } from "./invitations";
export { onboardMerchant, searchBankMerchants } from "./onboarding";
export {
  invitableRoles,
  inviteMember,
  inviteRelationshipManager,
  listStaff,
  listTeam,
  merchantAudit,
  outboxFor,
  removeMember,
  setPortfolio,
} from "./team";
