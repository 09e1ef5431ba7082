import type { FindingsResults } from "@/lib/runs/findings";
import type { ForecastResults } from "@/lib/runs/forecast";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { readModelResults } from "./getModelResults";

/*
 * The read side of the forecast and findings runs (lib/jobs/forecast.ts, lib/jobs/findings.ts
 * write them): the latest succeeded run of the merchant, inside its scope, parsed with its
 * contract (lib/runs/forecast.ts, lib/runs/findings.ts).
 */

export type { FindingsResults } from "@/lib/runs/findings";
export type { ForecastResults } from "@/lib/runs/forecast";

/** The latest succeeded forecast run; null when there is none (or it needs a refit). Sources: model_runs. */
export async function getForecastResults(ctx: AnalyticsContext): Promise<ForecastResults | null> {
  return (await readModelResults(ctx, "forecast")).run;
}

/** The latest succeeded findings run; null when there is none (or it needs a refit). Sources: model_runs. */
export async function getFindingsResults(ctx: AnalyticsContext): Promise<FindingsResults | null> {
  return (await readModelResults(ctx, "findings")).run;
}
