import { useQuery } from "@tanstack/react-query";
import type { ChurnResults, ModelRunAttempt } from "@/lib/analytics/getModelResults";
import { apiGet } from "./api";
import { merchantApi } from "./keys";

/** What GET /api/m/[slug]/churn answers (and the page prefetches). */
export interface ChurnPage {
  /** The latest succeeded churn run; null before the first one. */
  run: ChurnResults | null;
  /** The latest churn attempt, succeeded or failed; null when none was ever made. */
  latestAttempt: ModelRunAttempt | null;
}

/** The query key of the churn page (the latest run, not period-bound). */
export const churnKey = (slug: string) => ["merchant:churn", slug] as const;

/** GET /api/m/[slug]/churn: the latest churn run (risk, SHAP factors, revenue at risk). */
export function useChurn(slug: string) {
  return useQuery({
    queryKey: churnKey(slug),
    queryFn: ({ signal }) => apiGet<ChurnPage>(merchantApi(slug, "churn"), {}, signal),
  });
}
