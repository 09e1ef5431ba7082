import type { MerchantAccess } from "@/lib/auth/access";
import { loadModelRunPage } from "@/lib/jobs/refit";
import type { CustomerValuePage } from "@/components/hooks/useCustomerValue";

/**
 * The customer-value page's data, for the page's prefetch and the API route alike (same JSON):
 * the latest succeeded CLV run and the latest attempt, in one scoped transaction; a run of an
 * older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
 */
export async function loadCustomerValue(access: MerchantAccess): Promise<CustomerValuePage> {
  return loadModelRunPage(access, "clv");
}
