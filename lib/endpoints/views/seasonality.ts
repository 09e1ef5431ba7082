import { getSeasonality } from "@/lib/analytics/getSeasonality";
import { periodSchema } from "@/lib/days";
import { defineEndpoint, table } from "../define";

/** Seasonality: weekday × hour heatmap (168 cells) and the month-of-year profile, suppressed under 5. */
export const seasonality = defineEndpoint({
  name: "seasonality",
  feature: "seasonality",
  query: periodSchema,
  cache: "rollups",
  summary: "Seasonality",
  description:
    "Purchases, gross sales, customers and average check per ISO weekday (1 = Monday) and local hour over [from, to), and the month-of-year profile averaged over the years present; cells of fewer than 5 customers are suppressed (null).",
  load: (access, period) => access.run((ctx) => getSeasonality(ctx, period)),
  tables: (data) => [
    table("weekday-hour", data.heatmap, [
      { header: "weekday", type: "integer", value: (r) => r.dow },
      { header: "hour", type: "integer", value: (r) => r.hour },
      { header: "purchases", type: "integer", value: (r) => r.purchases },
      { header: "grossSales", type: "money", value: (r) => r.grossSalesMinor },
      { header: "customers", type: "integer", value: (r) => r.customers },
      { header: "averageCheck", type: "money", value: (r) => r.averageCheckMinor },
    ]),
    table("month-of-year", data.monthProfile, [
      { header: "monthOfYear", type: "integer", value: (r) => r.month },
      { header: "years", type: "integer", value: (r) => r.years },
      { header: "customers", type: "integer", value: (r) => r.customers },
      { header: "grossSales", type: "money", value: (r) => r.grossSalesMinor },
      { header: "netRevenue", type: "money", value: (r) => r.netRevenueMinor },
      { header: "purchasesPerYear", type: "number", value: (r) => r.purchases },
    ]),
  ],
});
