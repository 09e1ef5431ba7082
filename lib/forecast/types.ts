/*
 * The stored forecast run (model_runs kind 'forecast', summary typed here; lib/jobs/forecast.ts
 * writes it, pages and the CLI read it). Pure types: client components may import them.
 * Money metrics are integer minor units (rounded); counts and frequency are plain numbers.
 */

export const FORECAST_METRICS = ["netRevenue", "purchases", "customers", "averageCheck"] as const;
export type ForecastMetric = (typeof FORECAST_METRICS)[number];

/** One forecast step: the bucket start (a day, or the Monday of an ISO week) and the bands. */
export interface ForecastPoint {
  day: string;
  point: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

/** A metric's backtest figures (see lib/forecast/model.ts backtestSeries). */
export interface StoredBacktest {
  folds: number;
  horizon: number;
  points: number;
  mase: number | null;
  relativeMae: number | null;
  coverage80: number | null;
  coverage95: number | null;
  accuracy: "good" | "fair" | "poor" | "unknown";
}

export interface MetricForecast {
  method: "mstl-ets" | "ets" | "seasonal-naive";
  periods: number[];
  forecast: ForecastPoint[];
  backtest: StoredBacktest;
}

export interface SeriesForecasts {
  /** Steps ahead (days or weeks). */
  horizon: number;
  /** Observations used, oldest first: the first bucket's start. */
  historyFrom: string;
  historyPoints: number;
  metrics: Partial<Record<ForecastMetric, MetricForecast>>;
  /** Metrics that could not be forecast, with the reason. */
  skipped: Partial<Record<ForecastMetric, string>>;
}

/** The last held-out fold of the daily net-revenue backtest (the four weeks before as-of). */
export interface ForecastLastFold {
  days: string[];
  actual: number[];
  point: number[];
  lower95: number[];
  upper95: number[];
}

export interface ForecastSummary {
  asOf: string;
  currency: string;
  daily: SeriesForecasts;
  weekly: SeriesForecasts;
  lastFold: ForecastLastFold | null;
}

export interface ForecastParams {
  dailyHorizon: number;
  weeklyHorizon: number;
  backtestFolds: number;
  maxHistoryDays: number;
}
