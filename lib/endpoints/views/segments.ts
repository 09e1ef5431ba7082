import { customerSegmentsQuerySchema, getCustomerSegments, SEGMENT_DIMENSIONS } from "@/lib/analytics/getCustomerSegments";
import { defineEndpoint, table } from "../define";

/** Customer segments: customers, revenue, average check and share of revenue per demographic segment. */
export const segments = defineEndpoint({
  name: "segments",
  feature: "customers",
  query: customerSegmentsQuerySchema,
  arrays: ["dimensions"],
  summary: "Customer segments",
  description: `Customers, net revenue, purchases, average check and share of revenue per value of each demographic dimension (${SEGMENT_DIMENSIONS.join(", ")}; all by default, or a comma-separated list) over [from, to); segments of fewer than 5 customers are suppressed (null).`,
  load: (access, { from, to, dimensions }) => access.run((ctx) => getCustomerSegments(ctx, { from, to }, { dimensions })),
  tables: (data) => [
    table(
      "customer-segments",
      Object.entries(data.dimensions).flatMap(([dimension, rows]) => (rows ?? []).map((row) => ({ dimension, row }))),
      [
        { header: "dimension", type: "text", value: (r) => r.dimension },
        { header: "segment", type: "text", value: (r) => r.row.value },
        { header: "customers", type: "integer", value: (r) => r.row.customers },
        { header: "netRevenue", type: "money", value: (r) => r.row.revenueMinor },
        { header: "purchases", type: "integer", value: (r) => r.row.purchases },
        { header: "averageCheck", type: "money", value: (r) => r.row.averageCheckMinor },
        { header: "revenueShare", type: "percent", value: (r) => r.row.revenueShare },
      ],
    ),
  ],
});
