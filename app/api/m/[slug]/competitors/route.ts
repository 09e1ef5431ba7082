import { withMerchantRoute } from "@/lib/auth/access";
import { getCompetitorReport } from "@/lib/privacy/competitors";
import { competitorQuerySchema } from "@/lib/privacy/periods";
import { privateJson, queryObject } from "../query";

/**
 * GET ?from=YYYY-MM-DD&to=YYYY-MM-DD, one whole calendar month, quarter or year (to exclusive):
 * benchmarks against the peer group, revenue index, cross-shopping, share of wallet and switching,
 * each released by lib/privacy's guard or withheld with its reason. 400 for any other period.
 */
export const GET = withMerchantRoute(async (req, access) => {
  const period = competitorQuerySchema.parse(queryObject(req));
  return privateJson(await getCompetitorReport(access.merchant, period));
}, { feature: "competitors" });
