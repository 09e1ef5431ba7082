import { getRevenueDynamics, revenueDynamicsQuerySchema } from "@/lib/analytics/getRevenueDynamics";
import { resolvePeriod } from "@/lib/days";
import { defineEndpoint, table } from "../define";

/** Revenue dynamics: revenue per day, ISO week or month with the previous period as an aligned comparison. */
export const dynamics = defineEndpoint({
  name: "dynamics",
  feature: "overview",
  query: revenueDynamicsQuerySchema,
  cache: "rollups",
  summary: "Revenue dynamics",
  description:
    "Revenue per bucket (day, ISO week or calendar month; first and last bucket may be partial) over [from, to) or the preset `days` ending at `to`, gap-filled with zeros, and the previous period of the same length aligned bucket by bucket. Money in integer minor units.",
  load: (access, query) => access.run((ctx) => getRevenueDynamics(ctx, resolvePeriod(query), { bucket: query.bucket })),
  tables: (data) => [
    table(
      "revenue-dynamics",
      data.series.map((s, i) => ({ s, c: data.comparison[i] })),
      [
        { header: "bucketStart", type: "date", value: (r) => r.s.start },
        { header: "from", type: "date", value: (r) => r.s.from },
        { header: "to", type: "date", value: (r) => r.s.to },
        { header: "days", type: "integer", value: (r) => r.s.days },
        { header: "netRevenue", type: "money", value: (r) => r.s.netRevenueMinor },
        { header: "grossSales", type: "money", value: (r) => r.s.grossSalesMinor },
        { header: "refundsAmount", type: "money", value: (r) => r.s.refundsMinor },
        { header: "purchases", type: "integer", value: (r) => r.s.purchases },
        { header: "customers", type: "integer", value: (r) => r.s.customers },
        { header: "averageCheck", type: "money", value: (r) => r.s.averageCheckMinor },
        { header: "previousNetRevenue", type: "money", value: (r) => r.c?.netRevenueMinor ?? null },
      ],
    ),
  ],
});
