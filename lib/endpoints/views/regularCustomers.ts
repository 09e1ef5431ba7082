import { getRegularCustomers } from "@/lib/analytics/getRegularCustomers";
import { periodSchema } from "@/lib/days";
import { defineEndpoint, table } from "../define";

/** Regular customers: purchases in at least 3 of the last 6 months, now and per month of the period. */
export const regularCustomers = defineEndpoint({
  name: "regular-customers",
  feature: "customers",
  query: periodSchema,
  cache: "rollups",
  summary: "Regular customers",
  description:
    "Regular customers (a purchase in at least 3 of the 6 calendar months of a window) for the window ending with the last month of [from, to), and one point per month of the period; windows with fewer than 5 regular customers are suppressed (null).",
  load: (access, period) => access.run((ctx) => getRegularCustomers(ctx, period)),
  tables: (data) => [
    table("regular-customers", data.trend, [
      { header: "month", type: "date", value: (r) => r.month },
      { header: "windowFrom", type: "date", value: (r) => r.from },
      { header: "windowTo", type: "date", value: (r) => r.to },
      { header: "regularCustomers", type: "integer", value: (r) => r.customers },
      { header: "activeCustomers", type: "integer", value: (r) => r.activeCustomers },
      { header: "share", type: "percent", value: (r) => r.share },
      { header: "netRevenue", type: "money", value: (r) => r.revenueMinor },
      { header: "revenueShare", type: "percent", value: (r) => r.revenueShare },
    ]),
  ],
});
