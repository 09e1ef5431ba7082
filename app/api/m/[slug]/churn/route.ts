import { withMerchantRoute } from "@/lib/auth/access";
import { loadChurn } from "@/app/m/[slug]/churn/churn-data";
import { privateJson } from "../query";

/** GET: the latest churn run (horizon, quality, risk, SHAP factors, revenue at risk) and the latest attempt. */
export const GET = withMerchantRoute(async (_req, access) => privateJson(await loadChurn(access)), { feature: "churn" });
