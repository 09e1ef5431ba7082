import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { requireActor } from "@/lib/auth/access";
import { formatDay, formatMoney, formatPercent } from "@/lib/format";
import { renderFinding } from "@/lib/findings/render";
import { findingsTranslator } from "@/lib/findings/translate";
import { listNotifications } from "@/lib/jobs/alerts";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { markReadAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("notifications.list");
  return { title: t("title") };
}

/**
 * The in-app notification list: the user's alerts and offers' "results ready" (lib/jobs/alerts.ts),
 * newest first, each finding or result in words in the reader's language, unread ones marked; "mark all as read" clears the
 * header's badge.
 */
export default async function NotificationsPage() {
  const actor = await requireActor();
  const t = await getTranslations("notifications.list");
  const locale = await getLocale();
  const items = await listNotifications(actor.userId).catch(() => null);
  const ft = findingsTranslator(locale);
  const unread = items?.filter((n) => !n.read).length ?? 0;
  return (
    <>
      <PageTitle
        title={t("title")}
        subtitle={t("subtitle")}
        aside={
          unread > 0 ? (
            <form action={markReadAction}>
              <button type="submit" className="btn" data-testid="mark-read">
                {t("markRead")}
              </button>
            </form>
          ) : null
        }
      />
      {items === null ? (
        <p className="notice" role="alert">
          {t("error")}
        </p>
      ) : items.length === 0 ? (
        <p className="notice" data-testid="notifications-empty">
          {t("empty")}
        </p>
      ) : (
        <ul className="notif-list" data-testid="notifications">
          {items.map((n) => {
            const meta = (
              <div className="notif-meta">
                <strong>{n.merchant.name}</strong>
                <span>{formatDay(n.createdAt.toISOString().slice(0, 10), locale, "long")}</span>
                {n.read ? null : <span className="pill">{t("new")}</span>}
              </div>
            );
            if (n.offerResult) {
              // "Results ready" (issue 16): the offer's figures in the reader's language.
              const o = n.offerResult;
              const money = (minor: number) => formatMoney(Math.round(minor), n.currency, locale);
              return (
                <li key={n.id} className={`card notif-item${n.read ? "" : " unread"}`} data-testid="notification">
                  {meta}
                  <h2 className="card-title">{t("offerResult.headline", { offer: o.offerName })}</h2>
                  <p>
                    {t("offerResult.explanation", { revenue: money(o.revenueMinor), lower: money(o.lowerMinor), upper: money(o.upperMinor) })}{" "}
                    {o.roi === null ? null : t("offerResult.roi", { roi: formatPercent(o.roi, locale, 0) })}
                  </p>
                  <Link href={`/m/${n.merchant.slug}/offers/${o.offerId}`}>{t("offerResult.open")}</Link>
                </li>
              );
            }
            const finding = n.finding!;
            const words = renderFinding(finding, locale, n.currency, ft);
            return (
              <li key={n.id} className={`card notif-item${n.read ? "" : " unread"}`} data-testid="notification">
                {meta}
                <h2 className="card-title">{words.headline}</h2>
                <p>{words.explanation}</p>
                <Link href={`/m/${n.merchant.slug}${finding.chart || "/findings"}`}>{t("open")}</Link>
              </li>
            );
          })}
        </ul>
      )}
      <p>
        <Link href="/settings">{t("settingsLink")}</Link>
      </p>
    </>
  );
}
