/*
 * When will a customer buy next? The waiting time to the next purchase under a fitted MBG/NBD
 * model (pure math, no I/O).
 *
 * Source: the MBG/NBD model of Batislam, Denizel & Filiztekin (2007), IJRM 24(3) 201–209
 * (lib/models/mbgnbd.ts), and the Poisson–Gamma posterior that every model of the Pareto/NBD
 * family shares (Fader, Hardie & Lee 2005, Marketing Science 24(2), §3 and eq. (10)'s derivation;
 * Schmittlein, Morrison & Colombo 1987): given the customer's (x, t_x, T),
 *
 *   (1) P(alive at T | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))       (BDF 2007)
 *   (2) λ | alive, x, t_x, T ~ Gamma(shape r + x, rate α + T)
 *
 * An MBG/NBD customer drops out only *at* a purchase (after making it), so a customer alive at T
 * makes the next purchase for sure, after an exponential wait with rate λ. Mixing (2) over λ,
 * the wait W from the end of the calibration period is Lomax (Pareto type II) with shape
 * s = r + x and scale β = α + T:
 *
 *   (3) P(W > t | alive) = (β / (β + t))^s
 *
 * and a customer who is not alive never buys again (W = ∞). Hence:
 *
 *   (4) P(next purchase within t) = P(alive) · (1 − (β/(β+t))^s)       (= probabilityPurchaseWithin)
 *   (5) the distribution of W given alive and W ≤ H (a purchase within the horizon H):
 *       F_H(t) = (1 − (β/(β+t))^s) / c_H,  c_H = 1 − (β/(β+H))^s,  0 ≤ t ≤ H,
 *       with the quantile  t_q = β · ((1 − q·c_H)^(−1/s) − 1),
 *       evaluated as β · expm1(−log1p(−q·c_H) / s) and c_H = −expm1(−s · log1p(H/β)), so that
 *       small q, large s or a long silence lose no digits.
 *
 * The dropout *at* the next purchase does not move the date of that purchase; it only lowers the
 * chance of the purchases after it, which E[X(T, T+t)] (lib/models/mbgnbd.ts) counts.
 *
 * Time is in the fit's unit (weeks in the product). Checked against SciPy's `lomax` and a
 * bracketing root finder on the conditional CDF (scripts/fixtures/make_nextpurchase_fixture.py →
 * tests/fixtures/models/nextpurchase.json, tests/unit/models-nextpurchase.test.ts) to 1e-9.
 */

import type { RfmSummary } from "./bgnbd";
import { probabilityAliveMbg, type MbgNbdParams } from "./mbgnbd";

/** The settings of a next-purchase forecast (units: the fit's time unit). */
export interface NextPurchaseOptions {
  /** H: the interval is conditional on a purchase within (T, T + H]; > 0, finite. */
  horizon: number;
  /** Lower, middle and upper probability of the interval, 0 < low < mid < high < 1 (0.1, 0.5, 0.9). */
  quantiles: readonly [number, number, number];
  /**
   * "Not expected" below this P(next purchase within H) = P(alive) · P(W ≤ H | alive), 0..1
   * (0.5: the date is shown only when a purchase in the horizon is more likely than not).
   */
  threshold: number;
}

/** One customer's next purchase: the chance within the horizon and, when expected, the wait's quantiles. */
export interface NextPurchaseForecast {
  /** P(alive at T), eq. (1). */
  pAlive: number;
  /** P(next purchase within H), eq. (4). */
  pWithinHorizon: number;
  /** pWithinHorizon ≥ threshold. */
  expected: boolean;
  /**
   * Quantiles of W given alive and W ≤ H, eq. (5), in the fit's time unit after T (low, median,
   * high); null when not expected.
   */
  wait: { low: number; median: number; high: number } | null;
}

function checkHorizon(h: number, name: string): void {
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`${name}: horizon must be positive and finite, got ${h}`);
}

/**
 * The q-quantile of the wait W to the next purchase given alive and a purchase within H,
 * eq. (5): β · expm1(−log1p(−q c_H)/s), β = α + T, s = r + x, c_H = 1 − (β/(β+H))^s.
 * Does not depend on t_x or on a, b (they enter only through P(alive)).
 *
 * @param q probability in [0, 1]; 0 gives 0 and 1 gives H
 * @param horizon H > 0 in the fit's time unit
 * @returns the wait in the fit's time unit, in [0, H]
 * @throws RangeError for invalid parameters, summary, q or horizon
 */
export function nextPurchaseWaitQuantile(params: MbgNbdParams, c: RfmSummary, q: number, horizon: number): number {
  probabilityAliveMbg(params, c); // validates the parameters and the summary
  checkHorizon(horizon, "nextPurchaseWaitQuantile");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`nextPurchaseWaitQuantile: q must be in [0, 1], got ${q}`);
  if (q === 1) return horizon;
  const beta = params.alpha + c.T;
  const s = params.r + c.x;
  const cH = -Math.expm1(-s * Math.log1p(horizon / beta));
  return Math.min(horizon, beta * Math.expm1(-Math.log1p(-q * cH) / s));
}

/**
 * P(W ≤ t | alive, W ≤ H), the conditional CDF of eq. (5), for t in [0, H] (1 beyond H).
 * @throws RangeError for invalid parameters, summary, t or horizon
 */
export function nextPurchaseConditionalCdf(params: MbgNbdParams, c: RfmSummary, t: number, horizon: number): number {
  probabilityAliveMbg(params, c);
  checkHorizon(horizon, "nextPurchaseConditionalCdf");
  if (!(t >= 0) || Number.isNaN(t)) throw new RangeError(`nextPurchaseConditionalCdf: t must be ≥ 0, got ${t}`);
  if (t >= horizon) return 1;
  const beta = params.alpha + c.T;
  const s = params.r + c.x;
  return Math.expm1(-s * Math.log1p(t / beta)) / Math.expm1(-s * Math.log1p(horizon / beta));
}

/**
 * A customer's next purchase, eqs. (1)–(5): P(alive), P(next purchase within H), and, when that
 * chance is at least `threshold`, the low / median / high quantiles of the wait given alive and a
 * purchase within H (the product: 10th, 50th and 90th percentiles, an 80 % interval, H = 12 months).
 *
 * @throws RangeError for invalid parameters, summary or options
 */
export function nextPurchaseForecast(params: MbgNbdParams, c: RfmSummary, opts: NextPurchaseOptions): NextPurchaseForecast {
  const pAlive = probabilityAliveMbg(params, c);
  checkHorizon(opts.horizon, "nextPurchaseForecast");
  const [lo, mid, hi] = opts.quantiles;
  if (!(lo > 0 && lo < mid && mid < hi && hi < 1)) throw new RangeError(`nextPurchaseForecast: need 0 < low < mid < high < 1, got ${opts.quantiles.join(", ")}`);
  if (!(opts.threshold >= 0 && opts.threshold <= 1)) throw new RangeError(`nextPurchaseForecast: threshold must be in [0, 1], got ${opts.threshold}`);
  const beta = params.alpha + c.T;
  const s = params.r + c.x;
  const pWithinHorizon = -pAlive * Math.expm1(-s * Math.log1p(opts.horizon / beta));
  const expected = pWithinHorizon >= opts.threshold;
  const wait = expected
    ? {
        low: nextPurchaseWaitQuantile(params, c, lo, opts.horizon),
        median: nextPurchaseWaitQuantile(params, c, mid, opts.horizon),
        high: nextPurchaseWaitQuantile(params, c, hi, opts.horizon),
      }
    : null;
  return { pAlive, pWithinHorizon, expected, wait };
}
