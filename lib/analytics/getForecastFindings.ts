import type { FindingsSummary } from "@/lib/findings/types";
import type { ForecastParams, ForecastSummary } from "@/lib/forecast/types";
import type { StoredBacktest } from "@/lib/forecast/types";
import { getLatestModelRun, type StoredModelRun } from "./getModelResults";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/*
 * The read side of the forecast and findings runs (lib/jobs/forecast.ts, lib/jobs/findings.ts
 * write them): the latest succeeded run of the merchant, inside its scope.
 */

export interface FindingsParams {
  windowDays: number;
  windows: Record<"current" | "previous" | "yearAgo", { from: string; to: string }>;
  peerIndex: "released" | "withheld" | "absent";
  forecastRunId: number | null;
}

export type ForecastResults = StoredModelRun<ForecastParams, { dailyNetRevenue: StoredBacktest | null; weeklyNetRevenue: StoredBacktest | null }, ForecastSummary>;
export type FindingsResults = StoredModelRun<FindingsParams, { findings: number; tests: FindingsSummary["tests"] }, FindingsSummary>;

/** The latest succeeded forecast run; null when there is none. Sources: model_runs. */
export async function getForecastResults(ctx: AnalyticsContext): Promise<ForecastResults | null> {
  return (await getLatestModelRun(ctx, "forecast")) as ForecastResults | null;
}

/** The latest succeeded findings run; null when there is none. Sources: model_runs. */
export async function getFindingsResults(ctx: AnalyticsContext): Promise<FindingsResults | null> {
  return (await getLatestModelRun(ctx, "findings")) as FindingsResults | null;
}
