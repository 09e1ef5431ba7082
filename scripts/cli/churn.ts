import { getDatabase } from "@/db/client";
import { getChurnResults } from "@/lib/analytics/getModelResults";
import { requireMerchantFeature } from "../cli-errors";
import { findMerchant, fmt, formatMoney, JSON_OPTION, MERCHANT_OPTION, parseOptions, printLatest, requireMerchantSlug, table, type Command } from "./shared";

/** `churn`: the latest stored churn run (horizon, holdout metrics, importance, revenue at risk). */
export const churnCommand: Command = {
  usage: "churn --merchant SLUG [--json]",
  summary: "the latest stored churn run: horizon, holdout metrics, importance, revenue at risk",
  async run(args, io) {
    const v = parseOptions(args, { ...MERCHANT_OPTION, ...JSON_OPTION });
    const slug = requireMerchantSlug(v.merchant);
    const database = await getDatabase();
    const merchant = await findMerchant(database, slug);
    await requireMerchantFeature(database, merchant, "churn");
    const c = merchant.currency;
    await printLatest(
      merchant,
      "churn",
      getChurnResults,
      (run) => [
        `${merchant.name} (${merchant.slug}): churn run ${run.id} (v${run.version}) as of ${run.params.asOf}, horizon ${run.params.horizonDays} days`,
        `holdout at ${run.params.validationCutoff}: ROC AUC ${fmt(run.metrics.rocAuc)}${run.metrics.rocAucCi ? ` (95 % CI ${fmt(run.metrics.rocAucCi.lower)}–${fmt(run.metrics.rocAucCi.upper)}, DeLong)` : ""}, verdict ${run.summary.verdict}, PR AUC ${fmt(run.metrics.prAuc)}, Brier ${fmt(run.metrics.brierScore)}, churn rate ${fmt(run.metrics.validationChurnRate)}`,
        `${run.summary.scoredCustomers} customers scored, ${fmt(run.summary.expectedChurners, 1)} expected to churn, revenue at risk ${formatMoney(run.summary.totalRevenueAtRiskMinor, c)}`,
        ...(run.params.competitorSpend.available ? [] : [`competitor spend omitted: ${run.params.competitorSpend.reason}`]),
        table([["feature", "mean |SHAP|"], ...run.summary.importance.map((i) => [i.feature, fmt(i.meanAbsShap, 4)])]),
        "",
        table([
          ["bank customer", "P(churn)", "CLV", "at risk", "why"],
          ...run.summary.revenueAtRisk.slice(0, 10).map((r) => [r.bankCustomerId, fmt(r.pChurn, 2), formatMoney(r.clvMinor, c), formatMoney(r.revenueAtRiskMinor, c), r.text.en]),
        ]),
      ],
      v.json,
      io,
    );
  },
};
