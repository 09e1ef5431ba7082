import { withMerchantRoute } from "@/lib/auth/access";
import { loadFindings } from "@/app/m/[slug]/findings/findings-data";
import { privateJson } from "../query";

/** GET: the latest findings run (ranked findings with their numbers) and the latest attempt. */
export const GET = withMerchantRoute(async (_req, access) => privateJson(await loadFindings(access)), { feature: "findings" });
