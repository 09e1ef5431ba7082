import { z } from "zod";
import { getValueBasis } from "@/lib/analytics/getValueBasis";
import { inMargin } from "@/lib/format";
import { loadModelRunPage } from "@/lib/jobs/refit";
import { defineEndpoint, table } from "../define";

/** Churn: the latest churn run (horizon, quality, risk, SHAP factors, revenue at risk) and the latest attempt. */
export const churn = defineEndpoint({
  name: "churn",
  feature: "churn",
  query: z.object({}),
  summary: "Churn risk",
  description:
    "The latest succeeded churn run (horizon, model quality, risk distribution, SHAP factors with their base value, revenue at risk per customer = P(churn) × CLV) and the latest attempt. `run` is null before the first run. `summary.verdict` says whether the model is clearly better than random on the holdout (DeLong 95 % interval of the AUC in `metrics.rocAucCi`); unless it is `better`, `summary.revenueAtRisk` is empty (no per-customer advice). The export lists the revenue-at-risk customers with the bank customer id, P(churn), CLV and the top factors in words: per customer only its purchase history with this merchant (bank attributes and competitor spend appear only in aggregates of at least 5 customers). Money is revenue; `valueBasis.grossMarginBp` is the merchant's gross margin in basis points (null when not set), by which the page multiplies CLV and revenue at risk to show them in margin; the export gives them in margin when it is set (headers say which).",
  // A run of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
  load: (access) => loadModelRunPage(access, "churn", { more: async (ctx) => ({ valueBasis: await getValueBasis(ctx) }) }),
  // CLV and revenue at risk in margin when the merchant set one, as the page shows them (issue 17);
  // otherwise in revenue, and the headers say so ("no margin set").
  tables: (data, { locale }) => {
    if (!data.run) return null;
    const bp = data.valueBasis.grossMarginBp;
    const headers =
      bp === null
        ? { clv: { header: "clvInRevenue" }, risk: { header: "revenueAtRiskInRevenue" } }
        : { clv: { header: "clvInMargin" }, risk: { header: "revenueAtRiskInMargin" } };
    return [
      table("revenue-at-risk", data.run.summary.revenueAtRisk, [
        { header: "bankCustomerId", type: "text", value: (r) => r.bankCustomerId },
        { header: "pChurn", type: "percent", value: (r) => r.pChurn },
        { ...headers.clv, type: "money", value: (r) => inMargin(r.clvMinor, bp) },
        { header: "clvSource", type: "text", value: (r) => r.clvSource },
        { ...headers.risk, type: "money", value: (r) => inMargin(r.revenueAtRiskMinor, bp) },
        { header: "factors", type: "text", value: (r) => r.text[locale] },
      ]),
    ];
  },
});
