import { z } from "zod";
import { getSwitchingTrend } from "@/lib/analytics/getModelResults";
import { loadModelRunPage } from "@/lib/jobs/refit";
import { defineEndpoint, table } from "../define";

/**
 * Leaving for a competitor (issue 17, ADR 0024): the latest switching run (aggregates only: share
 * of the merchant's customers likely to move their category spend mainly to peers, revenue at
 * risk, segments, factors in points and money) and the trend across the last 12 runs.
 */
export const switching = defineEndpoint({
  name: "switching",
  feature: "churn",
  query: z.object({}),
  summary: "Leaving for a competitor",
  description:
    "The latest succeeded switching run: among the customers who bought mainly here in the last 180 days, the expected share and number who will make most of their purchases in the category at other merchants of the MCC within the horizon (90 days), revenue at risk (P × 12-month value, minor units), the observed switching rate at the two past cutoffs, cells by gender, age band and purchase frequency (fewer than 5 customers suppressed, with complementary suppression), and factors as points of risk and revenue at risk. The model uses the customers' spend at other merchants inside the bank, so nothing is released per customer. `trend` lists the last 12 runs' headlines, oldest first. `run` is null before the first run.",
  load: (access) => loadModelRunPage(access, "switching", { more: async (ctx) => ({ trend: await getSwitchingTrend(ctx) }) }),
  tables: (data) =>
    data.run
      ? [
          table("switching-segments", data.run.summary.segments, [
            { header: "dimension", type: "text", value: (r) => r.dimension },
            { header: "value", type: "text", value: (r) => r.value },
            { header: "customers", type: "integer", value: (r) => r.customers },
            { header: "expectedShare", type: "percent", value: (r) => r.expectedShare },
            { header: "revenueAtRisk", type: "money", value: (r) => r.revenueAtRiskMinor },
          ]),
          table("switching-trend", data.trend, [
            { header: "asOf", type: "date", value: (r) => r.asOf },
            { header: "expectedShare", type: "percent", value: (r) => r.expectedShare },
            { header: "revenueAtRisk", type: "money", value: (r) => r.totalRevenueAtRiskMinor },
          ]),
        ]
      : null,
});
