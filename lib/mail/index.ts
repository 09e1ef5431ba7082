export { deliverPendingEmails, listOutbox, queueEmail } from "./outbox";
export type { MailTransport, OutboxMessage } from "./outbox";
export { renderDigestEmail, renderInvitationEmail } from "./render";
