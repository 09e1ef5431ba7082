import { getPurchaseFrequency } from "@/lib/analytics/getPurchaseFrequency";
import { periodSchema } from "@/lib/days";
import { defineEndpoint, table } from "../define";

/** Purchase frequency: the period's buying customers by number of purchases, with their revenue. */
export const purchaseFrequency = defineEndpoint({
  name: "purchase-frequency",
  feature: "customers",
  query: periodSchema,
  cache: "rollups",
  summary: "Purchase frequency",
  description:
    "The customers with at least one purchase in [from, to), grouped by how many purchases they made (1, 2, 3, 4-5, 6-9, 10+), with each band's share of those customers and of their net revenue; bands with fewer than 5 customers are suppressed (null).",
  load: (access, period) => access.run((ctx) => getPurchaseFrequency(ctx, period)),
  tables: (data) => [
    table("purchase-frequency", data.bands, [
      { header: "purchasesBand", type: "text", value: (r) => r.band },
      { header: "customers", type: "integer", value: (r) => r.customers },
      { header: "share", type: "percent", value: (r) => r.customerShare },
      { header: "purchases", type: "integer", value: (r) => r.purchases },
      { header: "netRevenue", type: "money", value: (r) => r.revenueMinor },
      { header: "revenueShare", type: "percent", value: (r) => r.revenueShare },
      { header: "revenuePerCustomer", type: "money", value: (r) => r.revenuePerCustomerMinor },
    ]),
  ],
});
