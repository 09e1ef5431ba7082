import { withMerchantRoute } from "@/lib/auth/access";
import { getOverview, overviewQuerySchema } from "@/lib/analytics/getOverview";
import { privateJson, queryObject } from "../query";

/** GET ?from=YYYY-MM-DD&to=YYYY-MM-DD (to exclusive): headline metrics vs the previous period. */
export const GET = withMerchantRoute(async (req, access) => {
  const period = overviewQuerySchema.parse(queryObject(req));
  return privateJson(await access.run((ctx) => getOverview(ctx, period)));
}, { feature: "overview" });
