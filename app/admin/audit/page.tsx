import { getTranslations } from "next-intl/server";
import { listAccessibleMerchants, requireBankPage } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { AuditTable } from "@/components/billing/AuditTable";

/** The whole audit log (bank admins): the latest 200 entries. */
export default async function AuditPage() {
  const actor = await requireBankPage(["bank_admin"]);
  const t = await getTranslations("admin.audit");
  const entries = await accounts.bankAudit(actor);
  const names = new Map((await listAccessibleMerchants(actor)).map((m) => [m.id, m.name]));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("title")}</h1>
          <p>{t("subtitle")}</p>
        </div>
      </div>
      <AuditTable entries={entries} merchantNames={names} />
    </>
  );
}
