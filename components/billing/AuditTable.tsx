import { getFormatter, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import type { AuditEntry } from "@/lib/audit";

/**
 * What an entry acted on, in words: a page view says "a dashboard page" or the API path, a plan
 * its name, anything else its target as recorded (an e-mail, a token prefix).
 */
function targetText(e: AuditEntry, t: (key: string) => string): ReactNode {
  if (e.target === null) return "";
  if (e.action === "merchant.view") return e.target === "page" ? t("auditTarget.page") : <code>{e.target}</code>;
  if ((e.action === "plan.set" || e.action === "upgrade.request") && ["start", "pro", "business"].includes(e.target)) return t(`plans.${e.target}`);
  return <code>{e.target}</code>;
}

/** Audit entries: when, who, what, details (the path or target, in words); newest first. */
export async function AuditTable({ entries, merchantNames }: { entries: AuditEntry[]; merchantNames?: Map<number, string> }) {
  const t = await getTranslations("billing");
  const ta = await getTranslations("admin");
  const format = await getFormatter();
  if (entries.length === 0) return <p className="muted">{t("team.empty")}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t("team.when")}</th>
            <th>{t("team.who")}</th>
            <th>{t("team.action")}</th>
            {merchantNames ? <th>{ta("audit.merchant")}</th> : null}
            <th>{t("team.target")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row" data-action={e.action}>
              <td>{format.dateTime(e.at, { dateStyle: "short", timeStyle: "medium" })}</td>
              <td>{e.actorEmail ?? t("team.system")}</td>
              <td>{t.has(`audit.${e.action.replace(".", "_")}`) ? t(`audit.${e.action.replace(".", "_")}`) : e.action}</td>
              {merchantNames ? <td>{e.merchantId !== null ? (merchantNames.get(e.merchantId) ?? `#${e.merchantId}`) : "–"}</td> : null}
              <td>{targetText(e, t)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
