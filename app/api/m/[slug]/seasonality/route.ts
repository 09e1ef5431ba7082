import { withMerchantRoute } from "@/lib/auth/access";
import { getSeasonality, seasonalityQuerySchema } from "@/lib/analytics/getSeasonality";
import { privateJson, queryObject } from "../query";

/** GET ?from&to: weekday × hour heatmap (168 cells) and the month-of-year profile, suppressed under 5. */
export const GET = withMerchantRoute(async (req, access) => {
  const period = seasonalityQuerySchema.parse(queryObject(req));
  return privateJson(await access.run((ctx) => getSeasonality(ctx, period)));
}, { feature: "seasonality" });
