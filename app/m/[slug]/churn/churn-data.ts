import type { MerchantAccess } from "@/lib/auth/access";
import { getChurnResults, getModelRunAttempts } from "@/lib/analytics/getModelResults";
import type { ChurnPage } from "@/components/hooks/useChurn";

/**
 * The churn page's data, for the page's prefetch and the API route alike (same JSON): the latest
 * succeeded churn run and the latest attempt, in one scoped transaction.
 */
export async function loadChurn(access: MerchantAccess): Promise<ChurnPage> {
  return access.run(async (ctx) => {
    const run = await getChurnResults(ctx);
    const attempts = await getModelRunAttempts(ctx);
    return { run, latestAttempt: attempts.churn };
  });
}
