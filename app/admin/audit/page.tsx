import { getTranslations } from "next-intl/server";
import { listAccessibleMerchants, requireBankPage } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { AUDIT_ACTIONS } from "@/lib/audit/actions";
import { AuditTable } from "@/components/billing/AuditTable";
import { PageTitle } from "@/components/dashboard/PageTitle";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The whole audit log (bank admins): the latest 200 entries, without the automatic page views
 * unless asked for, or one action's entries (?action=plan.set). An unknown action shows all.
 */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireBankPage(["bank_admin"]);
  const t = await getTranslations("admin.audit");
  const tb = await getTranslations("billing");
  const q = await searchParams;
  const raw = typeof q.action === "string" ? q.action : "";
  const action = (AUDIT_ACTIONS as readonly string[]).includes(raw) ? raw : undefined;
  const includeViews = q.views === "1";
  const entries = await accounts.bankAudit(actor, { action, includeViews });
  const names = new Map((await listAccessibleMerchants(actor)).map((m) => [m.id, m.name]));
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <form method="get" className="audit-filter" data-testid="audit-filter">
        <label>
          <span className="muted">{t("filter.action")}</span>
          <select className="input" name="action" defaultValue={action ?? ""} data-testid="audit-action">
            <option value="">{t("filter.all")}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {tb(`audit.${a.replace(".", "_")}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="audit-views">
          <input type="checkbox" name="views" value="1" defaultChecked={includeViews} data-testid="audit-views" />
          <span>{t("filter.views")}</span>
        </label>
        <button className="btn" type="submit">
          {t("filter.apply")}
        </button>
      </form>
      <AuditTable entries={entries} merchantNames={names} />
    </>
  );
}
