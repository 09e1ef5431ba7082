import { withMerchantRoute } from "@/lib/auth/access";
import { loadForecast } from "@/app/m/[slug]/findings/findings-data";
import { privateJson } from "../query";

/** GET: the latest forecast run (daily and weekly, 80/95 % bands, backtests) and 8 weeks of actual revenue. */
export const GET = withMerchantRoute(async (_req, access) => privateJson(await loadForecast(access)), { feature: "forecasts" });
