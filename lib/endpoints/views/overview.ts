import { getOverview } from "@/lib/analytics/getOverview";
import { periodSchema } from "@/lib/days";
import { defineEndpoint, table } from "../define";

/** Overview: a period's headline metrics beside the previous period of equal length (lib/analytics/getOverview). */
export const overview = defineEndpoint({
  name: "overview",
  feature: "overview",
  query: periodSchema,
  cache: "rollups",
  summary: "Headline metrics",
  description:
    "Net revenue, gross sales, refunds, purchases, customers (exact distinct), new and returning customers, average check and purchase frequency over [from, to) of local days, beside the previous period of the same length, with the relative change. Money in integer minor units of the merchant's currency.",
  load: (access, period) => access.run((ctx) => getOverview(ctx, period)),
  // One row per period (this one, then the previous one), one typed column per metric.
  tables: (data) => [
    table(
      "headline-metrics",
      [
        { period: data.period, m: data.current },
        { period: data.previousPeriod, m: data.previous },
      ],
      [
        { header: "from", type: "date", value: (r) => r.period.from },
        { header: "to", type: "date", value: (r) => r.period.to },
        { header: "netRevenue", type: "money", value: (r) => r.m.netRevenueMinor },
        { header: "grossSales", type: "money", value: (r) => r.m.grossSalesMinor },
        { header: "refundsAmount", type: "money", value: (r) => r.m.refundsMinor },
        { header: "purchases", type: "integer", value: (r) => r.m.purchases },
        { header: "refunds", type: "integer", value: (r) => r.m.refunds },
        { header: "customers", type: "integer", value: (r) => r.m.customers },
        { header: "newCustomers", type: "integer", value: (r) => r.m.newCustomers },
        { header: "returningCustomers", type: "integer", value: (r) => r.m.returningCustomers },
        { header: "averageCheck", type: "money", value: (r) => r.m.averageCheckMinor },
        { header: "frequency", type: "number", digits: 4, value: (r) => r.m.frequency },
      ],
    ),
  ],
});
