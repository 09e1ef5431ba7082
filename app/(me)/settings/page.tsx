import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { listAccessibleMerchants, requireActor } from "@/lib/auth/access";
import { FINDING_KINDS } from "@/lib/findings/types";
import { getNotificationSettings } from "@/lib/jobs/alerts";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { saveSettingsAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("notifications.settings");
  return { title: t("title") };
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7, 0] as const;

/**
 * The user's notification settings: alerts on/off and by e-mail, a relationship manager's
 * portfolio subscription, which merchants and which kinds of findings, and the weekly digest's day.
 */
export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ saved?: string; error?: string }> }) {
  const actor = await requireActor();
  const { saved, error } = await searchParams;
  const t = await getTranslations("notifications.settings");
  const tk = await getTranslations("notifications.kinds");
  const merchants = await listAccessibleMerchants(actor);
  const { alerts, digestWeekday } = await getNotificationSettings(actor.userId);
  // a relationship manager's portfolio is their RM memberships (the alert job's recipients)
  const managesPortfolio = merchants.some((m) => m.role === "relationship_manager");
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      {saved ? (
        <p className="notice" role="status" data-testid="settings-saved">
          {t("saved")}
        </p>
      ) : null}
      {error ? (
        <p className="notice" role="alert">
          {t("failed", { message: error.slice(0, 200) })}
        </p>
      ) : null}
      <form action={saveSettingsAction} className="card settings-form" data-testid="settings-form">
        <fieldset>
          <legend>{t("alerts")}</legend>
          <label>
            <input type="checkbox" name="enabled" defaultChecked={alerts.enabled} /> {t("enabled")}
          </label>
          <label>
            <input type="checkbox" name="email" defaultChecked={alerts.email} /> {t("email")}
          </label>
          {managesPortfolio ? (
            <label>
              <input type="checkbox" name="portfolio" defaultChecked={alerts.portfolio} data-testid="portfolio-subscribe" /> {t("portfolio")}
            </label>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>{t("merchants")}</legend>
          {merchants.length === 0 ? <p>{t("noMerchants")}</p> : null}
          <label>
            <input type="checkbox" name="allMerchants" defaultChecked={alerts.merchantIds === null} /> {t("allMerchants")}
          </label>
          {merchants.map((m) => (
            <label key={m.id}>
              <input type="checkbox" name="merchant" value={m.id} defaultChecked={alerts.merchantIds === null || alerts.merchantIds.includes(m.id)} /> {m.name}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t("kinds")}</legend>
          <label>
            <input type="checkbox" name="allKinds" defaultChecked={alerts.kinds === null} /> {t("allKinds")}
          </label>
          {FINDING_KINDS.map((k) => (
            <label key={k}>
              <input type="checkbox" name="kind" value={k} defaultChecked={alerts.kinds === null || alerts.kinds.includes(k)} /> {tk(k)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t("digest")}</legend>
          <label>
            {t("digestDay")}
            <select name="digestWeekday" defaultValue={String(digestWeekday)} className="input" data-testid="digest-day">
              {WEEKDAYS.map((d) => (
                <option key={d} value={d}>
                  {t(`weekday.${d}`)}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <p className="notif-meta">{t("planNote")}</p>
        <button type="submit" className="btn btn-primary" data-testid="settings-save">
          {t("save")}
        </button>
      </form>
    </>
  );
}
