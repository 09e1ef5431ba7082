/**
 * lib/accounts: onboarding, invitations, teams and the bank's administration
 * (docs/accounts.md, docs/adr/0005-accounts-billing.md). Owner connection; every function
 * authorizes its actor or access itself.
 */
export * from "./errors";
export { acceptInvitation, createInvitationIn, hashToken, INVITATION_TTL_DAYS, previewInvitation, type InvitationPreview } from "./invitations";
export { isBankStaff, onboardMerchant, searchBankMerchants, slugify, type BankMerchantHit, type OnboardingInput } from "./onboarding";
export {
  bankAudit,
  invitableRoles,
  inviteMember,
  inviteRelationshipManager,
  listStaff,
  listTeam,
  merchantAudit,
  outboxFor,
  removeMember,
  setPortfolio,
  type Member,
  type PendingInvitation,
  type StaffMember,
} from "./team";
