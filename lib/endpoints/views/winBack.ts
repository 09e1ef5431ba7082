import { z } from "zod";
import { getWinBack } from "@/lib/offers/winback";
import { defineEndpoint, table } from "../define";

/**
 * The win-back queue's "what if you contact the top k" curve (docs/offers.md, "Learning"), shown
 * on the Churn page: aggregates of the merchant's own scored customers, never identities.
 */
export const winBack = defineEndpoint({
  name: "win-back",
  feature: "churn",
  query: z.object({}),
  summary: "Win-back curve",
  description:
    "The expected incremental revenue (minor units) of contacting the top 10 %, 20 %, … 100 % of the win-back queue, every customer the latest churn run scored ranked by P(churn) × CLV × expected uplift (a stratified T-learner, Künzel et al. 2019), beside as many customers from the list ranked by P(churn) × CLV alone. `source` says which uplift model ranked it: `own` (the merchant's measured offers), `pooled` (the measured offers of its MCC segment's merchants through the privacy rules: at least 5 merchants, none above 25 % of the rows; `poolMerchants` counts them) or `none` with its `reason` (noChurnRun, churnNotBetter, noOfferHistory, poolWithheld). Null before the worker first computed it. Aggregates only: no customer is named.",
  load: (access) => access.run((ctx) => getWinBack(ctx)),
  tables: (data) =>
    data
      ? [
          table("win-back", data.curve, [
            { header: "share", type: "percent", value: (r) => r.share },
            { header: "customers", type: "integer", value: (r) => r.customers },
            { header: "expectedIncremental", type: "money", value: (r) => Math.round(r.expectedIncrementalMinor) },
            { header: "todaysList", type: "money", value: (r) => Math.round(r.baselineMinor) },
          ]),
        ]
      : null,
});
