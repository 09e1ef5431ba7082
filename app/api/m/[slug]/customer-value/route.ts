import { withMerchantRoute } from "@/lib/auth/access";
import { loadCustomerValue } from "@/app/m/[slug]/value/value-data";
import { privateJson } from "../query";

/** GET: the latest CLV run (BG/NBD + Gamma-Gamma) and the latest attempt; run null before the first. */
export const GET = withMerchantRoute(async (_req, access) => privateJson(await loadCustomerValue(access)), { feature: "value" });
