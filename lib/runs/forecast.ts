import { z } from "zod";
import { count, day, defineRunContract, num, unit, type StoredModelRun } from "./contract";

/*
 * The forecast run (kind 'forecast'): daily (4 weeks ahead) and weekly (13 weeks ahead)
 * forecasts of net revenue, purchases, customers and average check with 80 % / 95 % intervals,
 * each with its rolling-origin backtest, written by lib/jobs/forecast.ts
 * (docs/models/forecasts.md). Money metrics are integer minor units (rounded); counts and
 * frequency are plain numbers. Pure schemas: client components may import them.
 *
 * Format 1: the shape of the runs stored before contracts existed (it holds no words).
 */

export const FORECAST_METRICS = ["netRevenue", "purchases", "customers", "averageCheck"] as const;
export type ForecastMetric = (typeof FORECAST_METRICS)[number];
const metric = z.enum(FORECAST_METRICS);

/** One forecast step: the bucket start (a day, or the Monday of an ISO week) and the bands. */
const forecastPointSchema = z.strictObject({ day, point: num, lower80: num, upper80: num, lower95: num, upper95: num });

/** A metric's backtest figures (see lib/forecast/model.ts backtestSeries). */
const storedBacktestSchema = z.strictObject({
  folds: count,
  horizon: count,
  points: count,
  mase: num.nullable(),
  relativeMae: num.nullable(),
  coverage80: unit.nullable(),
  coverage95: unit.nullable(),
  accuracy: z.enum(["good", "fair", "poor", "unknown"]),
});

const metricForecastSchema = z.strictObject({
  method: z.enum(["mstl-ets", "ets", "seasonal-naive"]),
  periods: z.array(num),
  forecast: z.array(forecastPointSchema),
  backtest: storedBacktestSchema,
});

const seriesForecastsSchema = z.strictObject({
  /** Steps ahead (days or weeks). */
  horizon: count,
  /** Observations used, oldest first: the first bucket's start. */
  historyFrom: day,
  historyPoints: count,
  metrics: z.partialRecord(metric, metricForecastSchema),
  /** Metrics that could not be forecast, with the reason (operator's words). */
  skipped: z.partialRecord(metric, z.string()),
});

/** The last held-out fold of the daily net-revenue backtest (the four weeks before as-of). */
const forecastLastFoldSchema = z.strictObject({
  days: z.array(day),
  actual: z.array(num),
  point: z.array(num),
  lower95: z.array(num),
  upper95: z.array(num),
});

const forecastSummarySchema = z.strictObject({
  asOf: day,
  currency: z.string().regex(/^[A-Z]{3}$/),
  daily: seriesForecastsSchema,
  weekly: seriesForecastsSchema,
  lastFold: forecastLastFoldSchema.nullable(),
});

const forecastParamsSchema = z.strictObject({
  dailyHorizon: count,
  weeklyHorizon: count,
  backtestFolds: count,
  maxHistoryDays: count,
});

/** The net-revenue backtests, daily and weekly; null when that series could not be forecast. */
const forecastMetricsSchema = z.strictObject({
  dailyNetRevenue: storedBacktestSchema.nullable(),
  weeklyNetRevenue: storedBacktestSchema.nullable(),
});

/** 2: net revenue's intervals are floored at 0 like the other metrics' (issue 19). */
const FORECAST_FORMAT = 2;

export const forecastContract = defineRunContract({
  kind: "forecast",
  format: FORECAST_FORMAT,
  params: forecastParamsSchema,
  metrics: forecastMetricsSchema,
  summary: forecastSummarySchema,
  output: z.never(),
});

export type StoredBacktest = z.infer<typeof storedBacktestSchema>;
export type SeriesForecasts = z.infer<typeof seriesForecastsSchema>;
export type ForecastSummary = z.infer<typeof forecastSummarySchema>;
export type ForecastParams = z.infer<typeof forecastParamsSchema>;
export type ForecastRunMetrics = z.infer<typeof forecastMetricsSchema>;
export type ForecastResults = StoredModelRun<ForecastParams, ForecastRunMetrics, ForecastSummary>;
