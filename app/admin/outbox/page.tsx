import { getFormatter, getTranslations } from "next-intl/server";
import { requireBankPage } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { Card } from "@/components/Card";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { INVITATION_LINK_SLOT } from "@/lib/mail";

/**
 * Splits plain text into text and clickable links. An invitation's link is not here: it is
 * minted when the e-mail is delivered (lib/mail/delivery.ts), so the slot shows a note instead.
 */
function linkify(text: string, slotNote: string) {
  return text.split(INVITATION_LINK_SLOT).join(slotNote).split(/(https?:\/\/[^\s]+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part} data-testid="outbox-link">
        {part}
      </a>
    ) : (
      part
    ),
  );
}

/** The e-mail outbox: a bank admin sees every message, a relationship manager those about its portfolio. */
export default async function OutboxPage() {
  const actor = await requireBankPage();
  const t = await getTranslations("admin.outbox");
  const format = await getFormatter();
  const messages = await accounts.outbox(actor);
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      {messages.length === 0 ? (
        <p className="muted">{t("empty")}</p>
      ) : (
        <div className="grid" style={{ gap: 12 }} data-testid="outbox">
          {messages.map((m) => (
            <Card key={m.id} title={m.subject} subtitle={`${t("to")}: ${m.to} · ${format.dateTime(m.createdAt, { dateStyle: "short", timeStyle: "medium" })} · ${m.sentAt ? t("sent") : t("pending")}`}>
              <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: 0 }} data-testid="outbox-message" data-to={m.to}>
                {linkify(m.text, t("linkAtDelivery"))}
              </pre>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
