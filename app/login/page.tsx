import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getActor } from "@/lib/auth/access";
import { safeRedirectPath } from "@/lib/auth/redirect";
import { AuthCard } from "./AuthCard";
import { LoginForm } from "./LoginForm";
import styles from "./login.module.css";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.login");
  return { title: t("metaTitle") };
}

/**
 * Sign-in page. Already signed in -> "/". `?next=/path` (set by proxy.ts) is carried through the
 * form and honoured only for same-origin paths; `?invited=1` confirms an accepted invitation.
 */
export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[]; email?: string | string[]; invited?: string | string[] }>;
}) {
  const { next, email, invited } = await searchParams;
  if (await getActor()) redirect(safeRedirectPath(next));
  const t = await getTranslations("auth.login");
  return (
    <ClientMessages paths={["auth.login"]}>
      <AuthCard title={t("title")}>
        <p className={styles.subtitle}>{t("subtitle")}</p>
        {/* Back from accepting an invitation (app/invite/[token]/actions.ts): say it worked. */}
        {invited === "1" ? (
          <p className="notice" role="status" data-testid="invite-accepted">
            {t("invited")}
          </p>
        ) : null}
        <LoginForm next={safeRedirectPath(next)} email={typeof email === "string" ? email.slice(0, 320) : ""} />
        <p className={styles.hint}>{t("hint")}</p>
      </AuthCard>
    </ClientMessages>
  );
}
