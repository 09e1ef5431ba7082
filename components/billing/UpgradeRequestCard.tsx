import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { PLAN_IDS, PLAN_PRICES, type PlanId } from "@/lib/billing/plans";
import { formatMoney } from "@/lib/format";
import { Card } from "../Card";

/**
 * The owner's way up (issue 19, item 6): a button per higher plan with its monthly price, each
 * one click that asks the relationship manager (the action records the request and e-mails
 * them); or the open request with its date. `only` limits the buttons to one plan (the locked
 * view offers the plan that unlocks its feature).
 */
export async function UpgradeRequestCard({
  current,
  open,
  action,
  only,
  justSent,
}: {
  current: PlanId | null;
  open: { plan: PlanId; requestedAt: Date } | null;
  /** The bound server action (requestUpgradeAction with the slug). */
  action: (formData: FormData) => Promise<void>;
  only?: PlanId;
  justSent?: boolean;
}) {
  const t = await getTranslations("billing");
  const locale = await getLocale();
  const format = await getFormatter();
  const higher = PLAN_IDS.filter((p) => current === null || PLAN_IDS.indexOf(p) > PLAN_IDS.indexOf(current)).filter((p) => !only || p === only);
  const price = (plan: PlanId) => formatMoney(PLAN_PRICES[plan].monthlyMinor, PLAN_PRICES[plan].currency, locale);
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium" });
  return (
    <Card title={t("page.request.title")} subtitle={t("page.request.hint")} data-testid="upgrade-request">
      {open ? (
        <p className="notice" data-testid="upgrade-request-open" role="status">
          {justSent
            ? t("page.request.sent", { plan: t(`plans.${open.plan}`), date: when(open.requestedAt) })
            : t("page.request.open", { plan: t(`plans.${open.plan}`), date: when(open.requestedAt) })}
        </p>
      ) : null}
      {higher.length === 0 ? (
        <p className="muted">{t("page.request.top")}</p>
      ) : (
        <div style={{ display: "flex", gap: 8, flexWrap: "wrap" }}>
          {higher.map((plan) => (
            <form key={plan} action={action}>
              <input type="hidden" name="plan" value={plan} />
              <button className={open?.plan === plan ? "btn" : "btn btn-primary"} type="submit" data-testid={`upgrade-request-${plan}`}>
                {t("page.request.button", { plan: t(`plans.${plan}`), price: price(plan) })}
              </button>
            </form>
          ))}
        </div>
      )}
    </Card>
  );
}
