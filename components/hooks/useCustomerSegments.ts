import { useQuery } from "@tanstack/react-query";
import type { CustomerSegments } from "@/lib/analytics/getCustomerSegments";
import type { Period } from "@/lib/days";
import { apiGet } from "./api";
import { merchantApi, queryKeys } from "./keys";

/** GET /api/m/[slug]/segments?from&to: every demographic dimension at once. */
export function useCustomerSegments(slug: string, period: Period) {
  return useQuery({
    queryKey: queryKeys.segments(slug, period),
    queryFn: ({ signal }) => apiGet<CustomerSegments>(merchantApi(slug, "segments"), { from: period.from, to: period.to }, signal),
  });
}
