export { deliverPendingEmails, listOutbox, queueEmail, smtpTransportFromEnv } from "./outbox";
export type { MailTransport, OutboxMessage, OutgoingEmail } from "./outbox";
export { mailLocale, mailTranslator, renderDigestEmail, renderInvitationEmail } from "./render";
export type { DigestItem, RenderedEmail } from "./render";
