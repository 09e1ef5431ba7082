import { useQuery } from "@tanstack/react-query";
import type { Overview } from "@/lib/analytics/getOverview";
import type { Period } from "@/lib/days";
import { apiGet } from "./api";
import { merchantApi, queryKeys } from "./keys";

/** GET /api/m/[slug]/overview?from&to: headline metrics vs the previous period. */
export function useOverview(slug: string, period: Period) {
  return useQuery({
    queryKey: queryKeys.overview(slug, period),
    queryFn: ({ signal }) => apiGet<Overview>(merchantApi(slug, "overview"), { from: period.from, to: period.to }, signal),
  });
}
