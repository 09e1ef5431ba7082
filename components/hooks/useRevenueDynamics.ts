import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { RevenueDynamics } from "@/lib/analytics/getRevenueDynamics";
import type { Period } from "@/lib/days";
import { apiGet } from "./api";
import { merchantApi, queryKeys, type RevenueBucketParam } from "./keys";

/** GET /api/m/[slug]/dynamics?from&to&bucket: revenue per bucket with the comparison series. */
export function useRevenueDynamics(slug: string, period: Period, bucket: RevenueBucketParam) {
  return useQuery({
    queryKey: queryKeys.dynamics(slug, period, bucket),
    queryFn: ({ signal }) =>
      apiGet<RevenueDynamics>(merchantApi(slug, "dynamics"), { from: period.from, to: period.to, bucket }, signal),
    // Switching day/week/month keeps the old chart on screen until the new buckets arrive.
    placeholderData: keepPreviousData,
  });
}
