import { useQuery } from "@tanstack/react-query";
import type { Portfolio } from "../portfolio/types";
import type { Period } from "@/lib/days";
import { apiGet } from "./api";
import { queryKeys } from "./keys";

/** GET /api/portfolio[?from&to]: the actor's merchants with headline KPIs. */
export function usePortfolio(period: Period | null) {
  return useQuery({
    queryKey: queryKeys.portfolio(period),
    queryFn: ({ signal }) => apiGet<Portfolio>("/api/portfolio", period ? { from: period.from, to: period.to } : {}, signal),
  });
}
