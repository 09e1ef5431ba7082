export { deliverPendingEmails, listOutbox, queueEmail } from "./outbox";
export type { MailTransport, OutboxMessage } from "./outbox";
export { mailTranslator, renderAlertEmail, renderDigestEmail, renderInvitationEmail, renderOfferResultEmail } from "./render";
export { verifyUnsubscribe, type UnsubscribeList } from "./unsubscribe";
export { INVITATION_LINK_SLOT, invitationTokenHash, mailTransportFromEnv, newInvitationToken } from "./delivery";
