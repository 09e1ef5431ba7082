import { getLocale, getTranslations } from "next-intl/server";
import { FEATURES, PLAN_FEATURES, PLAN_IDS, PLAN_PRICES, type Feature, type PlanId } from "@/lib/billing/plans";
import { formatMoney } from "@/lib/format";

/** Features × plans with their monthly prices and a tick where the plan includes the feature; the current plan and a feature may be highlighted. */
export async function PlanTable({ current, highlight }: { current: PlanId | null; highlight?: Feature }) {
  const t = await getTranslations("billing");
  const locale = await getLocale();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="plan-table">
        <thead>
          <tr>
            <th>{t("page.feature")}</th>
            {PLAN_IDS.map((plan) => (
              <th key={plan} className="num" aria-current={plan === current ? "true" : undefined}>
                {t(`plans.${plan}`)}
                {plan === current ? " ✓" : ""}
                <div className="faint">{t(`planTagline.${plan}`)}</div>
                <div data-testid={`plan-price-${plan}`}>
                  {t("page.perMonth", { price: formatMoney(PLAN_PRICES[plan].monthlyMinor, PLAN_PRICES[plan].currency, locale) })}
                </div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {FEATURES.map((feature) => (
            <tr key={feature} style={feature === highlight ? { fontWeight: 600 } : undefined}>
              <td>{t(`features.${feature}.title`)}</td>
              {PLAN_IDS.map((plan) => (
                <td key={plan} className="num">
                  {PLAN_FEATURES[plan].has(feature) ? "✓" : "–"}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
