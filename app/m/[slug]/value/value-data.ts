import type { MerchantAccess } from "@/lib/auth/access";
import { getCustomerValueResults, getModelRunAttempts } from "@/lib/analytics/getModelResults";
import type { CustomerValuePage } from "@/components/hooks/useCustomerValue";

/**
 * The customer-value page's data, for the page's prefetch and the API route alike (same JSON):
 * the latest succeeded CLV run and the latest attempt, in one scoped transaction.
 */
export async function loadCustomerValue(access: MerchantAccess): Promise<CustomerValuePage> {
  return access.run(async (ctx) => {
    const run = await getCustomerValueResults(ctx);
    const attempts = await getModelRunAttempts(ctx);
    return { run, latestAttempt: attempts.clv };
  });
}
