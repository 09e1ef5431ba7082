import { useQuery } from "@tanstack/react-query";
import type { Period } from "@/lib/days";
import { portfolioKeys, withQuery } from "@/lib/endpoints/keys";
// Type-only: the loaders stay on the server; their return types are the answers.
import type { Portfolio, PortfolioFinding } from "@/lib/endpoints/portfolio";
import { getJson } from "./api";

/** GET /api/portfolio[?from&to]: the actor's merchants with headline KPIs (typed by loadPortfolio). */
export function usePortfolio(period: Period | null) {
  return useQuery({
    queryKey: portfolioKeys.portfolio(period),
    queryFn: async ({ signal }) => (await getJson(withQuery("/api/portfolio", period ?? {}), signal)) as Portfolio,
  });
}

/** GET /api/portfolio/findings: the portfolio's most important findings (typed by loadPortfolioFindings). */
export function usePortfolioFindings() {
  return useQuery({
    queryKey: portfolioKeys.findings(),
    queryFn: async ({ signal }) => (await getJson("/api/portfolio/findings", signal)) as { findings: PortfolioFinding[] },
  });
}
