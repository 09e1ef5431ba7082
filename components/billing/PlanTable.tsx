import { getTranslations } from "next-intl/server";
import { FEATURES, PLAN_FEATURES, PLAN_IDS, type Feature, type PlanId } from "@/lib/billing/plans";

/** Features × plans with a tick where the plan includes the feature; the current plan and a feature may be highlighted. */
export async function PlanTable({ current, highlight }: { current: PlanId | null; highlight?: Feature }) {
  const t = await getTranslations("billing");
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
