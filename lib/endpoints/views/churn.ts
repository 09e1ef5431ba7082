import { z } from "zod";
import { getChurnResults, getModelRunAttempts } from "@/lib/analytics/getModelResults";
import { defineEndpoint, table } from "../define";

/** Churn: the latest churn run (horizon, quality, risk, SHAP factors, revenue at risk) and the latest attempt. */
export const churn = defineEndpoint({
  name: "churn",
  feature: "churn",
  query: z.object({}),
  summary: "Churn risk",
  description:
    "The latest succeeded churn run (horizon, model quality, risk distribution, SHAP factors with their base value, revenue at risk per customer = P(churn) × CLV) and the latest attempt. `run` is null before the first run. The export lists the revenue-at-risk customers with the bank customer id, P(churn), CLV and the top factors in words.",
  load: (access) =>
    access.run(async (ctx) => {
      const run = await getChurnResults(ctx);
      const attempts = await getModelRunAttempts(ctx);
      return { run, latestAttempt: attempts.churn };
    }),
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
