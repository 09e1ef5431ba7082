import { useQuery } from "@tanstack/react-query";
import type { CohortRetention } from "@/lib/analytics/getCohortRetention";
import type { Period } from "@/lib/days";
import { apiGet } from "./api";
import { merchantApi, queryKeys } from "./keys";

/** GET /api/m/[slug]/cohorts?from&to: monthly cohorts and their retention. */
export function useCohortRetention(slug: string, period: Period) {
  return useQuery({
    queryKey: queryKeys.cohorts(slug, period),
    queryFn: ({ signal }) => apiGet<CohortRetention>(merchantApi(slug, "cohorts"), { from: period.from, to: period.to }, signal),
  });
}
