import { withMerchantRoute } from "@/lib/auth/access";
import { getRegularCustomers, regularCustomersQuerySchema } from "@/lib/analytics/getRegularCustomers";
import { privateJson, queryObject } from "../query";

/** GET ?from&to: regular customers (3 of the last 6 months) now and per month of the period. */
export const GET = withMerchantRoute(async (req, access) => {
  const period = regularCustomersQuerySchema.parse(queryObject(req));
  return privateJson(await access.run((ctx) => getRegularCustomers(ctx, period)));
}, { feature: "customers" });
