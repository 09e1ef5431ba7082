import { getTranslations } from "next-intl/server";
import { requireBankPage } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { Card } from "@/components/Card";
import { SmallForm } from "@/components/admin/AdminForms";
import { inviteManagerAction, portfolioAction } from "../actions";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { ClientMessages } from "@/components/i18n/ClientMessages";

/** Bank staff and portfolios (bank admins): invite relationship managers, add and remove portfolio merchants. */
export default async function StaffPage() {
  const actor = await requireBankPage(["bank_admin"]);
  const t = await getTranslations("admin.staff");
  const tb = await getTranslations("billing");
  const staff = await accounts.staff(actor);
  return (
    <ClientMessages paths={["admin.onboard", "admin.staff", "billing.plans"]}>
      <PageTitle title={t("title")} />
      <div className="grid" style={{ gap: 16 }}>
        <Card title={t("inviteTitle")}>
          <SmallForm action={inviteManagerAction} submit={t("send")} testId="invite-manager">
            <label>
              {t("email")}
              <input className="input" type="email" name="email" required />
            </label>
          </SmallForm>
        </Card>
        {staff.map((s) => (
          <Card key={s.userId} title={s.name ?? s.email} subtitle={`${s.email} · ${tb(`roles.${s.bankRole}`)}`}>
            {s.bankRole === "relationship_manager" ? (
              <>
                <p>
                  <strong>{t("portfolio")}:</strong> {s.portfolio.length === 0 ? t("none") : null}
                </p>
                <ul>
                  {s.portfolio.map((p) => (
                    <li key={p.merchantId} style={{ display: "flex", gap: 8, alignItems: "center" }}>
                      {p.name} <code>{p.slug}</code>
                      <SmallForm action={portfolioAction} submit={t("unassign")}>
                        <input type="hidden" name="rm" value={s.userId} />
                        <input type="hidden" name="slug" value={p.slug} />
                        <input type="hidden" name="assign" value="0" />
                      </SmallForm>
                    </li>
                  ))}
                </ul>
                <SmallForm action={portfolioAction} submit={t("assign")} testId={`assign-${s.email}`}>
                  <input type="hidden" name="rm" value={s.userId} />
                  <input type="hidden" name="assign" value="1" />
                  <label>
                    {t("slug")}
                    <input className="input" name="slug" required />
                  </label>
                </SmallForm>
              </>
            ) : null}
          </Card>
        ))}
      </div>
    </ClientMessages>
  );
}
