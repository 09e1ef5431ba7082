import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireBankPage } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { Card } from "@/components/Card";
import { OnboardForm } from "@/components/admin/AdminForms";
import { onboardAction } from "./actions";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { ClientMessages } from "@/components/i18n/ClientMessages";

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/**
 * Onboarding: search the bank's merchants (name or bank id, MCC, city), pick one (or "new
 * merchant" for ids not loaded yet), and onboard it with a plan and the owner's invitation.
 */
export default async function AdminOnboardingPage({ searchParams }: { searchParams: Search }) {
  const actor = await requireBankPage();
  const t = await getTranslations("admin");
  const tb = await getTranslations("billing");
  const sp = await searchParams;
  const q = one(sp.q);
  const mcc = one(sp.mcc);
  const city = one(sp.city);
  const pick = one(sp.pick);
  const searched = Boolean(q || mcc || city);
  const hits = searched ? await accounts.search(actor, { q, mcc, city }) : [];
  const picked = pick === "new" ? null : pick ? (await accounts.search(actor, { q: pick })).find((h) => h.slug === pick) : undefined;
  const qs = (extra: Record<string, string>) => `?${new URLSearchParams({ ...(q && { q }), ...(mcc && { mcc }), ...(city && { city }), ...extra })}`;
  return (
    <ClientMessages paths={["admin.onboard", "admin.staff", "billing.plans"]}>
      <PageTitle title={t("onboard.title")} subtitle={t("search.hint")} />
      <div className="grid" style={{ gap: 16 }}>
        <Card title={t("search.title")}>
          <form method="get" style={{ display: "flex", gap: 8, flexWrap: "wrap", alignItems: "end" }} data-testid="merchant-search">
            <label>
              {t("search.q")}
              <input className="input" name="q" defaultValue={q} data-testid="search-q" />
            </label>
            <label>
              {t("search.mcc")}
              <input className="input" name="mcc" defaultValue={mcc} size={5} data-testid="search-mcc" />
            </label>
            <label>
              {t("search.city")}
              <input className="input" name="city" defaultValue={city} data-testid="search-city" />
            </label>
            <button className="btn btn-primary" type="submit" data-testid="search-submit">
              {t("search.submit")}
            </button>
            <Link className="btn" href={qs({ pick: "new" })} data-testid="onboard-new">
              {t("search.newMerchant")}
            </Link>
          </form>
          {searched ? (
            hits.length === 0 ? (
              <p className="muted">{t("search.none")}</p>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="search-results">
                  <thead>
                    <tr>
                      <th>{t("onboard.name")}</th>
                      <th>{t("search.ids")}</th>
                      <th>MCC</th>
                      <th>{t("search.city")}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {hits.map((h) => (
                      <tr key={h.merchantId} data-testid={`hit-${h.slug}`}>
                        <td>{h.name}</td>
                        <td>
                          <code>{h.bankMerchantIds.join(", ")}</code>
                        </td>
                        <td>{h.mcc}</td>
                        <td>{h.city ?? ""}</td>
                        <td>
                          {h.plan ? (
                            <span className="pill">{t("search.onboarded", { plan: tb(`plans.${h.plan}`) })}</span>
                          ) : (
                            <Link className="btn" href={qs({ pick: h.slug })} data-testid={`pick-${h.slug}`}>
                              {t("search.onboard")}
                            </Link>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          ) : null}
        </Card>
        {pick ? (
          <Card title={picked ? picked.name : t("search.newMerchant")}>
            <OnboardForm
              key={pick}
              action={onboardAction}
              defaults={{
                ids: picked?.bankMerchantIds.join(", ") ?? "",
                name: picked?.name ?? "",
                mcc: picked?.mcc ?? "",
                timeZone: picked?.timeZone ?? "Europe/Moscow",
                currency: picked?.currency ?? "RUB",
                country: picked?.country ?? "RU",
                city: picked?.city ?? "",
              }}
            />
          </Card>
        ) : null}
      </div>
    </ClientMessages>
  );
}
