import { useQuery } from "@tanstack/react-query";
import type { ModelRunAttempt } from "@/lib/analytics/getModelResults";
import type { FindingsResults, ForecastResults } from "@/lib/analytics/getForecastFindings";
import type { Finding } from "@/lib/findings/types";
import { apiGet } from "./api";
import { merchantApi } from "./keys";

/** What GET /api/m/[slug]/findings answers (and the page prefetches). */
export interface FindingsPage {
  run: FindingsResults | null;
  latestAttempt: ModelRunAttempt | null;
}

/** What GET /api/m/[slug]/forecast answers: the run and the daily net revenue before its as-of day. */
export interface ForecastPage {
  run: ForecastResults | null;
  latestAttempt: ModelRunAttempt | null;
  history: Array<{ day: string; value: number }>;
}

/** One finding of the portfolio feed, with its merchant. */
export interface PortfolioFinding {
  slug: string;
  name: string;
  currency: string;
  asOf: string;
  finding: Finding;
}

export const findingsKey = (slug: string) => ["merchant:findings", slug] as const;
export const forecastKey = (slug: string) => ["merchant:forecast", slug] as const;
export const portfolioFindingsKey = () => ["portfolio:findings"] as const;

/** GET /api/m/[slug]/findings: the latest ranked findings. */
export function useFindings(slug: string) {
  return useQuery({
    queryKey: findingsKey(slug),
    queryFn: ({ signal }) => apiGet<FindingsPage>(merchantApi(slug, "findings"), {}, signal),
  });
}

/** GET /api/m/[slug]/forecast: the latest forecast run with 8 weeks of actual revenue. */
export function useForecast(slug: string) {
  return useQuery({
    queryKey: forecastKey(slug),
    queryFn: ({ signal }) => apiGet<ForecastPage>(merchantApi(slug, "forecast"), {}, signal),
  });
}

/** GET /api/portfolio/findings: the portfolio's most important findings. */
export function usePortfolioFindings() {
  return useQuery({
    queryKey: portfolioFindingsKey(),
    queryFn: ({ signal }) => apiGet<{ findings: PortfolioFinding[] }>("/api/portfolio/findings", {}, signal),
  });
}
