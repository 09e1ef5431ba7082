import { useQuery } from "@tanstack/react-query";
import type { Seasonality } from "@/lib/analytics/getSeasonality";
import type { Period } from "@/lib/days";
import { apiGet } from "./api";
import { merchantApi, queryKeys } from "./keys";

/** GET /api/m/[slug]/seasonality?from&to: weekday × hour heatmap and month-of-year profile. */
export function useSeasonality(slug: string, period: Period) {
  return useQuery({
    queryKey: queryKeys.seasonality(slug, period),
    queryFn: ({ signal }) => apiGet<Seasonality>(merchantApi(slug, "seasonality"), { from: period.from, to: period.to }, signal),
  });
}
