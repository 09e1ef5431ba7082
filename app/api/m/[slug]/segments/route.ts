import { withMerchantRoute } from "@/lib/auth/access";
import { customerSegmentsQuerySchema, getCustomerSegments } from "@/lib/analytics/getCustomerSegments";
import { privateJson, queryObject } from "../query";

/**
 * GET ?from&to[&dimensions=gender,ageBand,maritalStatus,payroll,corporate,premium,region]
 * (default all): customers, revenue, average check and share of revenue per segment value.
 */
export const GET = withMerchantRoute(async (req, access) => {
  const { from, to, dimensions } = customerSegmentsQuerySchema.parse(queryObject(req, ["dimensions"]));
  return privateJson(await access.run((ctx) => getCustomerSegments(ctx, { from, to }, { dimensions })));
}, { feature: "customers" });
