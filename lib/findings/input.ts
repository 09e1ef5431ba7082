import type { CustomerWindowTotals } from "./stats";
import type { PeerIndexInput } from "./types";

/*
 * What the findings engine reads (docs/models/findings.md): the merchant's own figures as
 * lib/jobs/findings.ts gathers them from the rollups and the stored forecast. Money in minor
 * units; days 'YYYY-MM-DD'; windows half-open [from, to).
 */

/** A half-open window of days [from, to). */
export type FindingsWindow = { from: string; to: string };

/** One local day of the merchant's till (rollup merchant_daily, gap-filled). Money in minor units. */
export interface DailyPoint {
  day: string;
  grossMinor: number;
  netMinor: number;
  purchases: number;
  /** Distinct customers with a purchase that day. */
  customers: number;
}

/** One customer's activity in one window, with its segment values (dimension → value). */
export interface CustomerWindowRow extends CustomerWindowTotals {
  window: "current" | "previous" | "yearAgo";
  refundsMinor: number;
  segments: Record<string, string>;
}

/** The last backtest fold of the daily net-revenue forecast and the forward forecast, for findings. */
interface ForecastFacts {
  /** Held-out days of the last fold (the current window) with the 95 % interval. */
  lastFold: { days: string[]; actual: number[]; point: number[]; lower95: number[]; upper95: number[] } | null;
  /**
   * The next four weeks: Σ of the daily point forecasts and Σ of the daily 80 % bounds. The
   * summed bounds are wider than a true 80 % interval of the total (errors partly cancel); the
   * template says so ("the daily 80 % bands add up to …").
   */
  outlook: { from: string; to: string; pointMinor: number; lower80Minor: number; upper80Minor: number } | null;
}

/** A cohort's first-month retention (customers of the cohort active in month 1 / size). */
export interface CohortFact {
  cohort: string;
  size: number;
  returned: number;
}

export interface FindingsInput {
  asOf: string;
  currency: string;
  windows: { current: FindingsWindow; previous: FindingsWindow; yearAgo: FindingsWindow | null };
  /** Contiguous days up to asOf − 1, at least the windows' days. */
  daily: DailyPoint[];
  customers: CustomerWindowRow[];
  forecast?: ForecastFacts;
  /** Complete cohorts, oldest first, with month-1 retention. */
  cohorts?: CohortFact[];
  peerIndex?: PeerIndexInput;
  /** Changepoint indices (augurs) in `weekly` (complete ISO weeks, oldest first). */
  weekly?: { weeks: string[]; netMinor: number[]; changepoints: number[]; outlyingWeeks: number[] };
}
