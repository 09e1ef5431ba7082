import { getTranslations } from "next-intl/server";
import { listAccessibleMerchants, requireBankPage } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { AuditTable } from "@/components/billing/AuditTable";
import { PageTitle } from "@/components/dashboard/PageTitle";

/** The whole audit log (bank admins): the latest 200 entries. */
export default async function AuditPage() {
  const actor = await requireBankPage(["bank_admin"]);
  const t = await getTranslations("admin.audit");
  const entries = await accounts.bankAudit(actor);
  const names = new Map((await listAccessibleMerchants(actor)).map((m) => [m.id, m.name]));
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <AuditTable entries={entries} merchantNames={names} />
    </>
  );
}
