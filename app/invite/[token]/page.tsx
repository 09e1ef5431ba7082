import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { AccountError } from "@/lib/accounts/errors";
import { accounts } from "@/lib/accounts/server";
import type { InvitationPreview } from "@/lib/accounts/invitations";
import { AuthCard } from "../../login/AuthCard";
import styles from "../../login/login.module.css";
import { acceptInviteAction } from "./actions";
import { AcceptForm } from "./AcceptForm";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("billing.invite");
  return { title: t("metaTitle") };
}

/** The invitation link's landing page (public): who invites whom to what, and the password form. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = await getTranslations("billing");
  let preview: InvitationPreview | null = null;
  let errorCode: "invitation_invalid" | "invitation_expired" | "invitation_used" = "invitation_invalid";
  try {
    preview = await accounts.previewInvitation(token);
  } catch (err) {
    if (!(err instanceof AccountError)) throw err;
    if (err.code === "invitation_expired" || err.code === "invitation_used") errorCode = err.code;
  }
  const role = preview ? t(`roles.${preview.role}`) : "";
  const body = preview ? (
    <>
      <p className={styles.subtitle} data-testid="invite-summary">
        {preview.merchantName ? t("invite.forMerchant", { merchant: preview.merchantName, role }) : t("invite.forBank", { role })}
      </p>
      <AcceptForm action={acceptInviteAction.bind(null, token)} email={preview.email} existing={preview.existingUser} />
    </>
  ) : (
    <>
      <p role="alert" data-testid="invite-error">
        {t(`invite.errors.${errorCode}`)}
      </p>
      <Link className="btn" href="/login">
        {t("invite.signIn")}
      </Link>
    </>
  );
  return (
    <ClientMessages paths={["billing.invite"]}>
      <AuthCard title={t("invite.title")}>
        {body}
      </AuthCard>
    </ClientMessages>
  );
}
