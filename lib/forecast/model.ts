import { augursEts, augursMstl } from "./augurs";
import { quantileSorted } from "@/lib/stats";
import { AppError } from "@/lib/errors";

/*
 * Point forecasts with 80 % and 95 % prediction intervals for one series, and their rolling-origin
 * backtest (docs/models/forecasts.md).
 *
 * Model: MSTL (Bandara, Hyndman & Bergmeir 2021, "MSTL: A Seasonal-Trend Decomposition Algorithm
 * for Time Series with Multiple Seasonal Patterns", arXiv:2107.13462) with an AutoETS model of the
 * seasonally adjusted series (Hyndman et al. 2008, "Forecasting with Exponential Smoothing"), as
 * implemented by grafana/augurs (`MSTL.ets`). Daily series use weekly (7) and, from two full
 * years on, yearly (365) seasonality; weekly series use yearly (52) seasonality from two years on
 * and, before that, a non-seasonal AutoETS (augurs `AutoETS(1, "ZZN")`).
 *
 * Fallback for short histories (fewer than `minMstl` points): the seasonal-naive forecast
 * ŷ_{T+h} = y_{T+h−m(k+1)}, k = ⌊(h−1)/m⌋, with intervals from the empirical quantiles of its
 * in-sample residuals e_t = y_t − y_{t−m}, widened by √(k+1) as for a random walk in seasons
 * (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., §5.5, seasonal
 * naive σ_h = σ√(k+1)). Nothing here draws random numbers: the same input gives the same output.
 */

type ForecastMethod = "mstl-ets" | "ets" | "seasonal-naive";

/** A forecast of `horizon` steps after the last observation. */
export interface IntervalForecast {
  method: ForecastMethod;
  /** Seasonal periods the model used (e.g. [7, 365]). */
  periods: number[];
  point: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

/** How to forecast a series. */
export interface ForecastOptions {
  horizon: number;
  /** The short season: 7 for daily series, 1 (none) for weekly ones. */
  season: number;
  /** The long season: 365 for daily, 52 for weekly; used from two full cycles of history on. */
  yearly: number;
  /** Clip point and bounds at 0 (counts, money). */
  nonNegative: boolean;
  /** Fewest points for MSTL; shorter histories use the seasonal-naive fallback. Default 8 seasons (≥ 16). */
  minMstl?: number;
}

/** Thrown when a series is too short for any forecast (fewer than one season plus two points): 422, code "forecast_input". */
export class ForecastInputError extends AppError {
  constructor(message: string) {
    super("forecast_input", 422, message);
  }
}

const minMstlOf = (o: ForecastOptions) => o.minMstl ?? Math.max(16, 8 * o.season);

/**
 * Seasonal-naive forecast with empirical-quantile intervals (the short-history fallback).
 * @throws ForecastInputError with fewer than season + 2 points
 */
function seasonalNaiveForecast(y: readonly number[], opts: ForecastOptions): IntervalForecast {
  const m = Math.max(1, opts.season);
  if (y.length < m + 2) throw new ForecastInputError(`series of ${y.length} points is too short to forecast (needs ${m + 2})`);
  const resid: number[] = [];
  for (let t = m; t < y.length; t++) resid.push(y[t] - y[t - m]);
  resid.sort((a, b) => a - b);
  const q = (p: number) => quantileSorted(resid, p);
  const [q025, q10, q90, q975] = [q(0.025), q(0.1), q(0.9), q(0.975)];
  const n = y.length;
  const out: IntervalForecast = { method: "seasonal-naive", periods: [m], point: [], lower80: [], upper80: [], lower95: [], upper95: [] };
  for (let h = 1; h <= opts.horizon; h++) {
    const k = Math.floor((h - 1) / m);
    const base = y[n - m + ((h - 1) % m)];
    const w = Math.sqrt(k + 1);
    out.point.push(base);
    out.lower80.push(base + q10 * w);
    out.upper80.push(base + q90 * w);
    out.lower95.push(base + q025 * w);
    out.upper95.push(base + q975 * w);
  }
  return clip(out, opts.nonNegative);
}

function clip(f: IntervalForecast, nonNegative: boolean): IntervalForecast {
  if (!nonNegative) return f;
  const c = (a: number[]) => a.map((v) => (v < 0 ? 0 : v));
  return { ...f, point: c(f.point), lower80: c(f.lower80), upper80: c(f.upper80), lower95: c(f.lower95), upper95: c(f.upper95) };
}

/** The seasonal periods MSTL uses for a series of `n` points. */
function mstlPeriods(n: number, opts: ForecastOptions): number[] {
  const periods: number[] = [];
  if (opts.season > 1) periods.push(opts.season);
  if (n >= 2 * opts.yearly + opts.season) periods.push(opts.yearly);
  return periods;
}

/**
 * Forecasts `horizon` steps after the last value of `y` (equally spaced, gap-filled) with 80 %
 * and 95 % intervals: MSTL + AutoETS when the history has at least `minMstl` points, otherwise
 * the seasonal-naive fallback.
 *
 * @param y observations, oldest first; finite numbers (days without sales are 0, not missing)
 * @throws ForecastInputError when the series is too short or not finite
 */
export function forecastSeries(y: readonly number[], opts: ForecastOptions): IntervalForecast {
  if (!Number.isInteger(opts.horizon) || opts.horizon < 1) throw new Error(`forecastSeries: horizon must be a positive integer, got ${opts.horizon}`);
  if (y.some((v) => !Number.isFinite(v))) throw new ForecastInputError("series has non-finite values");
  if (y.length < minMstlOf(opts)) return seasonalNaiveForecast(y, opts);
  const periods = mstlPeriods(y.length, opts);
  // No season to remove (a weekly series under two years): AutoETS alone, non-seasonal ("ZZN").
  const model = periods.length === 0 ? new (augursEts().AutoETS)(1, "ZZN") : augursMstl().MSTL.ets(periods);
  try {
    model.fit(Float64Array.from(y));
    const p80 = model.predict(opts.horizon, 0.8);
    const p95 = model.predict(opts.horizon, 0.95);
    if (!p80.intervals || !p95.intervals) throw new Error("augurs returned no intervals");
    return clip(
      {
        method: periods.length === 0 ? "ets" : "mstl-ets",
        periods,
        point: [...p80.point],
        lower80: [...p80.intervals.lower],
        upper80: [...p80.intervals.upper],
        lower95: [...p95.intervals.lower],
        upper95: [...p95.intervals.upper],
      },
      opts.nonNegative,
    );
  } finally {
    model.free();
  }
}

/** Rolling-origin accuracy of a forecasting set-up on one series. */
export interface BacktestResult {
  /** Origins actually evaluated (each with a full horizon of held-out points). */
  folds: number;
  horizon: number;
  /** Held-out points scored (folds × horizon). */
  points: number;
  /**
   * Mean absolute scaled error (Hyndman & Koehler 2006, "Another look at measures of forecast
   * accuracy", IJF 22(4)): |e| / (in-sample MAE of the seasonal-naive one-season-ahead
   * forecast on the fold's training data), averaged; < 1 beats that naive benchmark.
   */
  mase: number | null;
  /** Σ|e_model| / Σ|e_seasonal-naive| over the same held-out points (relative MAE, < 1 is better). */
  relativeMae: number | null;
  /** Share of held-out points inside the 80 % / 95 % intervals. */
  coverage80: number | null;
  coverage95: number | null;
  /** The last fold (origin = n − horizon), for "days outside the interval". */
  lastFold: { origin: number; actual: number[]; forecast: IntervalForecast } | null;
}

/**
 * Rolling-origin evaluation (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF
 * 16(4)): origins n − f·horizon for f = folds … 1, each fitted on the data before it and scored
 * on the next `horizon` points, against the seasonal-naive forecast from the same origin.
 * Folds whose training part is shorter than one season + 2 points are skipped.
 */
export function backtestSeries(y: readonly number[], opts: ForecastOptions, folds = 3): BacktestResult {
  const h = opts.horizon;
  const m = Math.max(1, opts.season);
  let absModel = 0;
  let absNaive = 0;
  let scaled = 0;
  let scaledPoints = 0;
  let in80 = 0;
  let in95 = 0;
  let points = 0;
  let used = 0;
  let lastFold: BacktestResult["lastFold"] = null;
  for (let f = folds; f >= 1; f--) {
    const origin = y.length - f * h;
    if (origin < m + 2) continue;
    const train = y.slice(0, origin);
    const actual = y.slice(origin, origin + h);
    const fc = forecastSeries(train, opts);
    const naive = seasonalNaiveForecast(train, { ...opts, minMstl: Infinity });
    let scale = 0;
    for (let t = m; t < train.length; t++) scale += Math.abs(train[t] - train[t - m]);
    scale /= train.length - m;
    used++;
    for (let i = 0; i < h; i++) {
      const e = Math.abs(actual[i] - fc.point[i]);
      absModel += e;
      absNaive += Math.abs(actual[i] - naive.point[i]);
      if (scale > 0) {
        scaled += e / scale;
        scaledPoints++;
      }
      if (actual[i] >= fc.lower80[i] && actual[i] <= fc.upper80[i]) in80++;
      if (actual[i] >= fc.lower95[i] && actual[i] <= fc.upper95[i]) in95++;
      points++;
    }
    if (f === 1) lastFold = { origin, actual, forecast: fc };
  }
  return {
    folds: used,
    horizon: h,
    points,
    mase: scaledPoints > 0 ? scaled / scaledPoints : null,
    relativeMae: absNaive > 0 ? absModel / absNaive : null,
    coverage80: points > 0 ? in80 / points : null,
    coverage95: points > 0 ? in95 / points : null,
    lastFold,
  };
}

/** Accuracy in words (the UI's wording keys). */
export type AccuracyGrade = "good" | "fair" | "poor" | "unknown";

/**
 * The words say "better than repeating last week", so the grade is the backtest's relative MAE
 * against the seasonal-naive forecast from the same origins: good < 0.8 (clearly better), fair
 * < 1.0, poor otherwise (no better). MASE is reported beside it; it scales by the in-sample
 * naive error and can disagree when the held-out weeks are harder than the history (Online
 * Retail's November peak). Unknown without a backtest.
 */
export function accuracyGrade(b: Pick<BacktestResult, "relativeMae">): AccuracyGrade {
  if (b.relativeMae === null) return "unknown";
  if (b.relativeMae < 0.8) return "good";
  if (b.relativeMae < 1) return "fair";
  return "poor";
}
