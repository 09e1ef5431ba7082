import { useQuery } from "@tanstack/react-query";
import type { RegularCustomers } from "@/lib/analytics/getRegularCustomers";
import type { Period } from "@/lib/days";
import { apiGet } from "./api";
import { merchantApi, queryKeys } from "./keys";

/** GET /api/m/[slug]/regular-customers?from&to: regular customers and their monthly trend. */
export function useRegularCustomers(slug: string, period: Period) {
  return useQuery({
    queryKey: queryKeys.regularCustomers(slug, period),
    queryFn: ({ signal }) =>
      apiGet<RegularCustomers>(merchantApi(slug, "regular-customers"), { from: period.from, to: period.to }, signal),
  });
}
