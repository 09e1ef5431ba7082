import { useQuery } from "@tanstack/react-query";
import type { DataRange } from "@/lib/analytics/getDataRange";
import { apiGet } from "./api";
import { merchantApi, queryKeys } from "./keys";

/** GET /api/m/[slug]/data-range: first and last local day with data. */
export function useDataRange(slug: string) {
  return useQuery({
    queryKey: queryKeys.dataRange(slug),
    queryFn: ({ signal }) => apiGet<DataRange>(merchantApi(slug, "data-range"), {}, signal),
  });
}
