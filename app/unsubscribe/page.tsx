import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { AuthCard } from "../login/AuthCard";
import styles from "../login/login.module.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("notifications.unsubscribe");
  return { title: t("title") };
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/**
 * The unsubscribe link of an alert or digest e-mail (public: the signature is the credential).
 * A GET only asks (mail scanners follow links); the button POSTs the same signed query to
 * /api/unsubscribe (app/api/unsubscribe/route.ts), which comes back here with `done` or `invalid`.
 */
export default async function UnsubscribePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = await searchParams;
  const t = await getTranslations("notifications.unsubscribe");
  const list = one(q.l) === "digest" ? "digest" : "alerts";
  const done = one(q.done);
  const invalid = one(q.invalid) === "1" || (!done && !(one(q.u) && one(q.s)));
  const action = `/api/unsubscribe?${new URLSearchParams({ u: one(q.u), l: list, s: one(q.s) })}`;
  return (
    <AuthCard title={t("title")}>
      {done ? (
        <p className="notice" role="status" data-testid="unsubscribe-done">
          {t("done")}
        </p>
      ) : invalid ? (
        <p className="notice" role="alert" data-testid="unsubscribe-invalid">
          {t("invalid")}
        </p>
      ) : (
        <form method="post" action={action}>
          <p className={styles.subtitle}>{t(list)}</p>
          {list === "alerts" ? <p>{t("alertsNote")}</p> : null}
          <button type="submit" className="btn btn-primary" data-testid="unsubscribe-confirm">
            {t("confirm")}
          </button>
        </form>
      )}
      <p>
        <Link href="/settings">{t("settings")}</Link>
      </p>
    </AuthCard>
  );
}
