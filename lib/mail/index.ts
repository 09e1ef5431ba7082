export { deliverPendingEmails, listOutbox, queueEmail } from "./outbox";
export type { MailTransport, OutboxMessage } from "./outbox";
export { mailTranslator, renderDigestEmail, renderInvitationEmail } from "./render";
