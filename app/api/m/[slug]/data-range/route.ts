import { withMerchantRoute } from "@/lib/auth/access";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { privateJson } from "../query";

/** GET (no parameters): { firstDay, lastDay } with data, for the period picker's default. */
export const GET = withMerchantRoute(async (_req, access) => privateJson(await access.run((ctx) => getDataRange(ctx))));
