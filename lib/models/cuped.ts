/*
 * The difference in means of a randomized test, plain and with CUPED variance reduction. Pure
 * math, no I/O.
 *
 * Source: Deng A, Xu Y, Kohavi R, Walker T (2013), "Improving the sensitivity of online controlled
 * experiments by utilizing pre-experiment data", WSDM '13, §3.2: with a pre-period covariate X
 * unaffected by the treatment, Ŷ_cv = Y − θ(X − E X) with θ = cov(Y, X) / var(X) (their eq. 4, θ
 * pooled over both arms so that the adjustment is the same for each), the difference of the
 * adjusted means is unbiased for the treatment effect and its variance is var(Y)(1 − ρ²) per arm
 * (eq. 5), ρ = corr(Y, X). The interval of either difference is Welch's (Welch 1947; lib/stats).
 */
import { moments, welchTest } from "@/lib/stats";

/** A 95 % (or `level`) interval [lower, upper] of a difference in means, in the outcome's unit. */
export interface DifferenceInterval {
  lower: number;
  upper: number;
}

/** One arm-vs-control comparison of a mean outcome. */
export interface MeanDifference {
  /** Mean outcome of the treatment arm (unit of the outcome: minor units, visits, …). */
  treatment: number;
  /** Mean outcome of the control arm. */
  control: number;
  /** treatment − control: the average effect per treated customer. */
  difference: number;
  /** Welch interval of the difference. */
  ci: DifferenceInterval;
  /** Standard error of the difference. */
  se: number;
  /** Two-sided p-value of "no difference" (Welch). */
  pValue: number;
}

/** CUPED's estimate beside the plain one. */
export interface CupedDifference extends MeanDifference {
  /** θ = cov(Y, X) / var(X), pooled over both arms (0 when X has no variance). */
  theta: number;
  /** 1 − var(adjusted) / var(plain) of the difference: ≈ ρ² (Deng et al. eq. 5). */
  varianceReduction: number;
  /** The plain difference of means of the same units. */
  plain: MeanDifference;
}

function compare(y1: ArrayLike<number>, y0: ArrayLike<number>, level: number): MeanDifference {
  if (y1.length < 2 || y0.length < 2) throw new RangeError("difference of means: each arm needs at least 2 customers");
  const a = moments(y1);
  const b = moments(y0);
  const w = welchTest(a, b, { level });
  return { treatment: a.mean, control: b.mean, difference: w.difference, ci: w.ci, se: w.standardError, pValue: w.p };
}

/**
 * The plain difference of means (treatment − control) with its Welch interval.
 * @param y1 outcomes of the treatment arm
 * @param y0 outcomes of the control arm
 * @throws RangeError when an arm has fewer than 2 values
 */
export function meanDifference(y1: ArrayLike<number>, y0: ArrayLike<number>, level = 0.95): MeanDifference {
  return compare(y1, y0, level);
}

/**
 * CUPED (Deng et al. 2013): the difference of the means of Y − θ(X − X̄), θ pooled over both arms,
 * with its Welch interval, and the plain difference beside it.
 *
 * @param y1 outcome per treated customer; x1 its pre-period covariate (same length)
 * @param y0 outcome per control customer; x0 its pre-period covariate
 * @throws RangeError when lengths differ or an arm has fewer than 2 customers
 */
export function cupedDifference(
  y1: ArrayLike<number>,
  x1: ArrayLike<number>,
  y0: ArrayLike<number>,
  x0: ArrayLike<number>,
  level = 0.95,
): CupedDifference {
  if (y1.length !== x1.length || y0.length !== x0.length) throw new RangeError("cupedDifference: outcome and covariate lengths differ");
  const plain = compare(y1, y0, level);
  const n = y1.length + y0.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < y1.length; i++) {
    sx += x1[i];
    sy += y1[i];
  }
  for (let i = 0; i < y0.length; i++) {
    sx += x0[i];
    sy += y0[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  const acc = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    for (let i = 0; i < x.length; i++) {
      const dx = x[i] - mx;
      sxx += dx * dx;
      sxy += dx * (y[i] - my);
    }
  };
  acc(x1, y1);
  acc(x0, y0);
  const theta = sxx > 0 ? sxy / sxx : 0;
  const adjust = (y: ArrayLike<number>, x: ArrayLike<number>) => {
    const out = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) out[i] = y[i] - theta * (x[i] - mx);
    return out;
  };
  const adjusted = compare(adjust(y1, x1), adjust(y0, x0), level);
  const varianceReduction = plain.se > 0 ? 1 - (adjusted.se / plain.se) ** 2 : 0;
  return { ...adjusted, theta, varianceReduction, plain };
}
