import type { MerchantAccess } from "@/lib/auth/access";
import { loadModelRunPage } from "@/lib/jobs/refit";
import type { ChurnPage } from "@/components/hooks/useChurn";

/**
 * The churn page's data, for the page's prefetch and the API route alike (same JSON): the latest
 * succeeded churn run (factors in words) and the latest attempt, in one scoped transaction; a run
 * of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
 */
export async function loadChurn(access: MerchantAccess): Promise<ChurnPage> {
  return loadModelRunPage(access, "churn");
}
