import { withMerchantRoute } from "@/lib/auth/access";
import { getRevenueDynamics, revenueDynamicsQuerySchema } from "@/lib/analytics/getRevenueDynamics";
import { resolvePeriod } from "@/lib/analytics/scope";
import { privateJson, queryObject } from "../query";

/**
 * GET ?from&to or ?days=7|30|90|365&to, plus bucket=day|week|month (default day): revenue per
 * bucket with the previous period as an aligned comparison series.
 */
export const GET = withMerchantRoute(async (req, access) => {
  const query = revenueDynamicsQuerySchema.parse(queryObject(req));
  const period = resolvePeriod(query);
  return privateJson(await access.run((ctx) => getRevenueDynamics(ctx, period, { bucket: query.bucket })));
}, { feature: "overview" });
