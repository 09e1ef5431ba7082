export { deliverPendingEmails, listOutbox, queueEmail, smtpTransportFromEnv } from "./outbox";
export type { MailTransport, OutboxMessage, OutgoingEmail } from "./outbox";
