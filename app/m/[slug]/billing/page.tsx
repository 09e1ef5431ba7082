import { getFormatter, getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { billingMode, canManageBilling } from "@/lib/billing/checkout";
import { PLAN_IDS } from "@/lib/billing/plans";
import { Card } from "@/components/Card";
import { PlanTable } from "@/components/billing/PlanTable";
import { SetPlanForm } from "@/components/billing/SetPlanForm";
import type { PageParams, PageSearchParams } from "../page-context";
import { checkoutAction, portalAction, requestUpgradeAction, setPlanAction } from "./actions";
import { UpgradeRequestCard } from "@/components/billing/UpgradeRequestCard";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata() {
  const t = await getTranslations("billing.page");
  return { title: t("title") };
}

/**
 * Plan and billing: the current plan and status, the plan comparison, and how to change it —
 * Stripe Checkout and Customer Portal when Stripe is configured, otherwise "managed by your
 * bank" with the plan form for bank staff.
 */
export default async function BillingPage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  const t = await getTranslations("billing");
  const format = await getFormatter();
  const e = access.entitlements;
  const account = await accounts.account(access.merchant.id);
  const mode = billingMode();
  const query = await searchParams;
  const checkout = query.checkout;
  const open = mode === "bank" && access.role === "merchant_owner" ? await accounts.openUpgrade(access.merchant.id) : null;
  // Who "your relationship manager" is, by name and e-mail (issue 19: the hint named nobody).
  const managers = mode === "bank" ? (await accounts.team(access)).members.filter((m) => m.role === "relationship_manager") : [];
  const staff = access.role === "bank_admin" || access.role === "relationship_manager";
  const day = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeZone: access.merchant.timeZone });
  return (
    <ClientMessages paths={["billing"]}>
      <PageTitle title={t("page.title")} subtitle={t("page.subtitle")} />
      <div className="grid" style={{ gap: 16 }}>
        {checkout === "success" ? <p className="notice">{t("page.checkoutSuccess")}</p> : null}
        {checkout === "cancel" ? <p className="notice">{t("page.checkoutCancel")}</p> : null}
        <Card title={t("page.current")} data-testid="billing-current">
          {e.plan ? (
            <p>
              <strong data-testid="billing-plan">{t(`plans.${e.plan}`)}</strong> · {t("page.status")}:{" "}
              <span data-testid="billing-status">{e.status ? t(`statuses.${e.status}`) : ""}</span>
              {e.status === "trialing" && account?.trialEndsAt ? <> · {t("page.trialEnds", { date: day(account.trialEndsAt) })}</> : null}
              {e.status === "past_due" && e.endsAt ? <> · {t("page.graceEnds", { date: day(e.endsAt) })}</> : null}
            </p>
          ) : (
            <p data-testid="billing-plan">{t("page.notOnboarded")}</p>
          )}
        </Card>
        {mode === "bank" ? (
          <Card title={t("page.bankManaged")} data-testid="billing-bank-managed">
            <p>{t("page.bankManagedHint")}</p>
            {managers.map((m) => (
              <p key={m.userId} data-testid="billing-manager">
                {t("page.manager", { name: m.name ?? m.email, email: m.email })}
              </p>
            ))}
            {query.requestError ? (
              <p className="notice" role="alert" data-testid="upgrade-request-error">
                {t("page.request.failed")}
              </p>
            ) : null}
            {staff ? (
              <>
                <h3>{t("page.setPlan")}</h3>
                <SetPlanForm action={setPlanAction.bind(null, slug)} current={e.plan} />
              </>
            ) : null}
          </Card>
        ) : null}
        {mode === "bank" && access.role === "merchant_owner" ? (
          <UpgradeRequestCard current={e.plan} open={open} action={requestUpgradeAction.bind(null, slug)} justSent={query.requested === "1"} />
        ) : null}
        {mode === "bank" ? null : canManageBilling(access.role) ? (
          <Card title={t("page.compare")} subtitle={t("page.stripeHint")}>
            <div style={{ display: "flex", gap: 8, flexWrap: "wrap" }}>
              {PLAN_IDS.map((plan) => (
                <form key={plan} action={checkoutAction.bind(null, slug)}>
                  <input type="hidden" name="plan" value={plan} />
                  <button className="btn btn-primary" type="submit">
                    {t("page.subscribe", { plan: t(`plans.${plan}`) })}
                  </button>
                </form>
              ))}
              {account?.stripeCustomerId ? (
                <form action={portalAction.bind(null, slug)}>
                  <button className="btn" type="submit">
                    {t("page.manage")}
                  </button>
                </form>
              ) : null}
            </div>
          </Card>
        ) : null}
        <Card title={t("page.compare")}>
          <PlanTable current={e.plan} />
        </Card>
      </div>
    </ClientMessages>
  );
}
