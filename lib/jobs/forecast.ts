import type { Database } from "@/db/client";
import { getDailySeries, getWeeklyCustomers, type DailySeriesPoint } from "@/lib/analytics/getDailySeries";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { addDays, bucketStart } from "@/lib/days";
import type { MerchantRef } from "@/lib/tenancy/context";
import { accuracyGrade, backtestSeries, ForecastInputError, forecastSeries, type BacktestResult, type ForecastOptions } from "@/lib/forecast/model";
import type { ComputedRun } from "@/lib/runs/contract";
import {
  FORECAST_METRICS,
  type ForecastMetric,
  type ForecastParams,
  type ForecastRunMetrics,
  type ForecastSummary,
  type SeriesForecasts,
  type forecastContract,
} from "@/lib/runs/forecast";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { ModelInputError } from "./errors";

/*
 * The forecast job (docs/models/forecasts.md): daily (4 weeks ahead) and weekly (13 weeks
 * ahead) forecasts of net revenue, purchases, customers and average check with 80 % / 95 %
 * intervals, each with its rolling-origin backtest, from the merchant's merchant_daily rollup.
 */

const FORECAST_PARAMS: ForecastParams = { dailyHorizon: 28, weeklyHorizon: 13, backtestFolds: 3, maxHistoryDays: 3 * 365 };

const MONEY: ReadonlySet<ForecastMetric> = new Set(["netRevenue", "averageCheck"]);

/** A metric's series from the daily points; average check carries the last known value over days without purchases. */
function metricSeries(points: ReadonlyArray<Pick<DailySeriesPoint, "grossMinor" | "netMinor" | "purchases" | "customers">>, metric: ForecastMetric): number[] {
  if (metric === "netRevenue") return points.map((p) => p.netMinor);
  if (metric === "purchases") return points.map((p) => p.purchases);
  if (metric === "customers") return points.map((p) => p.customers);
  const out: number[] = [];
  let last: number | null = null;
  for (const p of points) {
    if (p.purchases > 0) last = p.grossMinor / p.purchases;
    out.push(last ?? NaN);
  }
  const first = out.find((v) => Number.isFinite(v));
  return out.map((v) => (Number.isFinite(v) ? v : (first ?? 0)));
}

/**
 * Forecasts and backtests every metric of one series (daily or weekly buckets).
 * @param starts bucket start of each observation; the forecast's buckets follow the last one
 * @param lastFolds receives each metric's last backtest fold (origin n − horizon)
 */
function forecastAll(
  starts: readonly string[],
  points: ReadonlyArray<Pick<DailySeriesPoint, "grossMinor" | "netMinor" | "purchases" | "customers">>,
  opts: Omit<ForecastOptions, "nonNegative">,
  step: number,
  folds: number,
  lastFolds: Partial<Record<ForecastMetric, BacktestResult["lastFold"]>> = {},
): SeriesForecasts {
  const out: SeriesForecasts = { horizon: opts.horizon, historyFrom: starts[0], historyPoints: starts.length, metrics: {}, skipped: {} };
  const last = starts[starts.length - 1];
  for (const metric of FORECAST_METRICS) {
    const y = metricSeries(points, metric);
    // Every interval is floored at 0, net revenue's too (issue 19: Online Retail's bands reached
    // −£40K because a few large cancellation days widen the residuals); a day with more refunds
    // than sales is history, not something a forecast band should promise.
    const o: ForecastOptions = { ...opts, nonNegative: true };
    try {
      const fc = forecastSeries(y, o);
      const bt = backtestSeries(y, o, folds);
      lastFolds[metric] = bt.lastFold;
      const r = (v: number) => (MONEY.has(metric) ? Math.round(v) : Math.round(v * 100) / 100);
      out.metrics[metric] = {
        method: fc.method,
        periods: fc.periods,
        forecast: fc.point.map((p, i) => ({
          day: addDays(last, step * (i + 1)),
          point: r(p),
          lower80: r(fc.lower80[i]),
          upper80: r(fc.upper80[i]),
          lower95: r(fc.lower95[i]),
          upper95: r(fc.upper95[i]),
        })),
        backtest: {
          folds: bt.folds,
          horizon: bt.horizon,
          points: bt.points,
          mase: bt.mase,
          relativeMae: bt.relativeMae,
          coverage80: bt.coverage80,
          coverage95: bt.coverage95,
          accuracy: accuracyGrade(bt),
        },
      };
    } catch (err) {
      if (!(err instanceof ForecastInputError)) throw err;
      out.skipped[metric] = err.message;
    }
  }
  return out;
}

/**
 * Complete ISO weeks (Monday starts) of a gap-filled daily series, summed; `customers` comes
 * from `weeklyCustomers` (exact distinct per week), 0 for a week without purchases.
 */
export function weeklyFromDaily(points: readonly DailySeriesPoint[], weeklyCustomers: ReadonlyMap<string, number>): { starts: string[]; points: DailySeriesPoint[] } {
  const starts: string[] = [];
  const out: DailySeriesPoint[] = [];
  let i = points.findIndex((p) => bucketStart("week", p.day) === p.day);
  if (i < 0) return { starts, points: out };
  for (; i + 7 <= points.length; i += 7) {
    const wk = points.slice(i, i + 7);
    starts.push(wk[0].day);
    out.push({
      day: wk[0].day,
      grossMinor: wk.reduce((s, p) => s + p.grossMinor, 0),
      netMinor: wk.reduce((s, p) => s + p.netMinor, 0),
      purchases: wk.reduce((s, p) => s + p.purchases, 0),
      customers: weeklyCustomers.get(wk[0].day) ?? 0,
    });
  }
  return { starts, points: out };
}

/**
 * The stored forecast run as of `asOf` (exclusive end of the data).
 * @throws ModelInputError when the merchant has fewer than 9 days of history
 */
export async function computeForecastRun(database: Database, merchant: MerchantRef, asOf: string): Promise<ComputedRun<typeof forecastContract>> {
  const p = FORECAST_PARAMS;
  const { daily, weeklyCustomers } = await withMerchantScope(database, merchant.id, async (tx) => {
    const range = await getDataRange({ tx, merchant });
    if (range.firstDay === null) throw new ModelInputError("no transactions yet");
    const earliest = addDays(asOf, -p.maxHistoryDays);
    const from = range.firstDay > earliest ? range.firstDay : earliest;
    if (from >= asOf) throw new ModelInputError(`no data before ${asOf}`);
    const ctx = { tx, merchant };
    return { daily: await getDailySeries(ctx, { from, to: asOf }), weeklyCustomers: await getWeeklyCustomers(ctx, { from, to: asOf }) };
  });
  if (daily.length < 9) throw new ModelInputError(`only ${daily.length} days of history; forecasts need at least 9`);
  const days = daily.map((d) => d.day);
  const dailyFolds: Partial<Record<ForecastMetric, BacktestResult["lastFold"]>> = {};
  const dailyF = forecastAll(days, daily, { horizon: p.dailyHorizon, season: 7, yearly: 365 }, 1, p.backtestFolds, dailyFolds);
  const weeks = weeklyFromDaily(daily, weeklyCustomers);
  const weeklyF: SeriesForecasts =
    weeks.starts.length >= 3
      ? forecastAll(weeks.starts, weeks.points, { horizon: p.weeklyHorizon, season: 1, yearly: 52, minMstl: 16 }, 7, p.backtestFolds)
      : { horizon: p.weeklyHorizon, historyFrom: days[0], historyPoints: weeks.starts.length, metrics: {}, skipped: Object.fromEntries(FORECAST_METRICS.map((m) => [m, "fewer than 3 complete weeks"])) };

  // The last fold of the daily net-revenue backtest (fitted on the data before the last 28 days),
  // for the findings' "days outside the band".
  let lastFold: ForecastSummary["lastFold"] = null;
  const f = dailyFolds.netRevenue;
  if (f) {
    lastFold = {
      days: days.slice(f.origin, f.origin + p.dailyHorizon),
      actual: f.actual,
      point: f.forecast.point.map(Math.round),
      lower95: f.forecast.lower95.map(Math.round),
      upper95: f.forecast.upper95.map(Math.round),
    };
  }
  const summary: ForecastSummary = { asOf, currency: merchant.currency, daily: dailyF, weekly: weeklyF, lastFold };
  const revenue = dailyF.metrics.netRevenue?.backtest;
  const metrics: ForecastRunMetrics = { dailyNetRevenue: revenue ?? null, weeklyNetRevenue: weeklyF.metrics.netRevenue?.backtest ?? null };
  return { periodFrom: days[0], periodTo: asOf, params: p, metrics, summary, outputs: [] };
}
