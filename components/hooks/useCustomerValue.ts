import { useQuery } from "@tanstack/react-query";
import type { CustomerValueResults, ModelRunAttempt } from "@/lib/analytics/getModelResults";
import { apiGet } from "./api";
import { merchantApi } from "./keys";

/** What GET /api/m/[slug]/customer-value answers (and the page prefetches). */
export interface CustomerValuePage {
  /** The latest succeeded CLV run; null before the first one. */
  run: CustomerValueResults | null;
  /** The latest CLV attempt, succeeded or failed; null when none was ever made. */
  latestAttempt: ModelRunAttempt | null;
}

/** The query key of the customer-value page (models are not period-bound: the latest run). */
export const customerValueKey = (slug: string) => ["merchant:customer-value", slug] as const;

/** GET /api/m/[slug]/customer-value: the latest CLV run (BG/NBD + Gamma-Gamma) of the merchant. */
export function useCustomerValue(slug: string) {
  return useQuery({
    queryKey: customerValueKey(slug),
    queryFn: ({ signal }) => apiGet<CustomerValuePage>(merchantApi(slug, "customer-value"), {}, signal),
  });
}
