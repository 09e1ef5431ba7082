import { z } from "zod";
import { getCustomerValueList } from "@/lib/analytics/getModelResults";
import { getValueBasis } from "@/lib/analytics/getValueBasis";
import { loadModelRunPage } from "@/lib/jobs/refit";
import { defineEndpoint } from "../define";

/** Customers listed with their next purchase: the highest CLV first. */
const TOP_CUSTOMERS = 20;

/**
 * Customer value: the latest CLV run (MBG/NBD + Gamma-Gamma) and the latest attempt (run null
 * before the first), the highest-value customers with their next purchase, and the value basis
 * (the merchant's gross margin, or null: figures in revenue).
 */
export const customerValue = defineEndpoint({
  name: "customer-value",
  feature: "value",
  query: z.object({}),
  summary: "Customer value (CLV)",
  description:
    "The latest succeeded customer-lifetime-value run (MBG/NBD purchase model and Gamma-Gamma spend model: parameters, fit quality, CLV distribution, the expected number of customers buying again within 12 months, P(alive) by recency and frequency, the expected number of customers buying within 30 and 90 days) and the latest attempt, succeeded or failed. `run` is null before the first run. `customers` lists the 20 customers with the highest CLV (bank customer id, CLV, chances of buying within 30 and 90 days, and the next purchase: the median day and the 80 % interval of the day of the next purchase given one within 12 months, null when that is less likely than 50 %). Money is revenue in minor units; `valueBasis.grossMarginBp` is the merchant's gross margin in basis points (null when not set), by which the page multiplies CLV to show it in margin. Models are fitted after each data load, not per request.",
  // A run of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
  load: (access) =>
    loadModelRunPage(access, "clv", {
      more: async (ctx, run) => ({
        valueBasis: await getValueBasis(ctx),
        customers: run ? ((await getCustomerValueList(ctx, { limit: TOP_CUSTOMERS }))?.rows ?? []) : [],
      }),
    }),
});
