import { withMerchantRoute } from "@/lib/auth/access";
import { cohortRetentionQuerySchema, getCohortRetention } from "@/lib/analytics/getCohortRetention";
import { privateJson, queryObject } from "../query";

/** GET ?from&to: monthly cohorts of the months in the period and their retention (suppressed under 5). */
export const GET = withMerchantRoute(async (req, access) => {
  const period = cohortRetentionQuerySchema.parse(queryObject(req));
  return privateJson(await access.run((ctx) => getCohortRetention(ctx, period)));
}, { feature: "customers" });
