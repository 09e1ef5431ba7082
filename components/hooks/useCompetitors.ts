import { useQuery } from "@tanstack/react-query";
import type { CompetitorReport } from "@/lib/privacy/competitors";
import type { Period } from "@/lib/days";
import { apiGet } from "./api";
import { merchantApi } from "./keys";

/** The query key of the Competitors report (server prefetch and hook share it). */
export const competitorsKey = (slug: string, period: Period) => ["merchant:competitors", slug, { from: period.from, to: period.to }] as const;

/** GET /api/m/[slug]/competitors?from&to (one whole month, quarter or year): the guarded competitor report. */
export function useCompetitors(slug: string, period: Period) {
  return useQuery({
    queryKey: competitorsKey(slug, period),
    queryFn: ({ signal }) => apiGet<CompetitorReport>(merchantApi(slug, "competitors"), { from: period.from, to: period.to }, signal),
  });
}
