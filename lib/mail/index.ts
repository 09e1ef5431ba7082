export { deliverPendingEmails, listOutbox, queueEmail } from "./outbox";
export type { MailTransport, OutboxMessage } from "./outbox";
export { mailTranslator, renderDigestEmail, renderInvitationEmail } from "./render";
export { INVITATION_LINK_SLOT, invitationTokenHash, mailTransportFromEnv, newInvitationToken } from "./delivery";
