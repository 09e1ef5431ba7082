import { z } from "zod";
import { loadModelRunPage } from "@/lib/jobs/refit";
import { defineEndpoint, table } from "../define";

/** Churn: the latest churn run (horizon, quality, risk, SHAP factors, revenue at risk) and the latest attempt. */
export const churn = defineEndpoint({
  name: "churn",
  feature: "churn",
  query: z.object({}),
  summary: "Churn risk",
  description:
    "The latest succeeded churn run (horizon, model quality, risk distribution, SHAP factors with their base value, revenue at risk per customer = P(churn) × CLV) and the latest attempt. `run` is null before the first run. The export lists the revenue-at-risk customers with the bank customer id, P(churn), CLV and the top factors in words: per customer only its purchase history with this merchant (bank attributes and competitor spend appear only in aggregates of at least 5 customers).",
  // A run of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
  load: (access) => loadModelRunPage(access, "churn"),
  tables: (data, { locale }) =>
    data.run
      ? [
          table("revenue-at-risk", data.run.summary.revenueAtRisk, [
            { header: "bankCustomerId", type: "text", value: (r) => r.bankCustomerId },
            { header: "pChurn", type: "percent", value: (r) => r.pChurn },
            { header: "clv", type: "money", value: (r) => r.clvMinor },
            { header: "clvSource", type: "text", value: (r) => r.clvSource },
            { header: "revenueAtRisk", type: "money", value: (r) => r.revenueAtRiskMinor },
            { header: "factors", type: "text", value: (r) => r.text[locale] },
          ]),
        ]
      : null,
});
