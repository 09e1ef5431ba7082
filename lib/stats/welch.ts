import { studentTQuantile, studentTTwoSidedP } from "./distributions";

/*
 * Two-sample comparison of means (kernel: imports nothing of ours): sample moments and Welch's
 * t-test, the one implementation behind campaign lift (lib/models/upliftStats) and the findings'
 * changepoint confirmation (lib/findings).
 */

/** Sufficient statistics of a sample: size, mean, unbiased variance (divisor n − 1). */
export interface SampleMoments {
  n: number;
  mean: number;
  variance: number;
}

/**
 * Size, mean and unbiased variance by Welford's one-pass update (numerically stable; variance 0
 * for fewer than 2 values).
 * Source: B. P. Welford (1962), Technometrics 4(3):419–420.
 */
export function moments(values: ArrayLike<number>): SampleMoments {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const delta = values[i] - mean;
    mean += delta / (i + 1);
    m2 += delta * (values[i] - mean);
  }
  const n = values.length;
  return { n, mean, variance: n > 1 ? m2 / (n - 1) : 0 };
}

/**
 * Degrees of freedom of the Welch test: "satterthwaite" is the Welch–Satterthwaite approximation
 * (scipy ttest_ind(equal_var=False)); "conservative" is the smaller sample's n − 1, which never
 * overstates the evidence (e.g. Moore, McCabe & Craig, Introduction to the Practice of
 * Statistics, §7.2).
 */
export type WelchDegreesOfFreedom = "satterthwaite" | "conservative";

/** The outcome of a Welch test of a − b. */
export interface WelchTest {
  /** Difference of means x̄_a − x̄_b, in the samples' unit. */
  difference: number;
  /** Standard error √(s_a²/n_a + s_b²/n_b); 0 when both samples are constant. */
  standardError: number;
  /** Degrees of freedom used (NaN when the standard error is 0). */
  df: number;
  /** t = difference / standardError (0 or ±Infinity when the standard error is 0). */
  t: number;
  /** Two-sided p-value (1 for no difference with zero error, 0 for a difference with zero error). */
  p: number;
  /** The `level` confidence interval of the difference: difference ± t_{(1+level)/2, df} · SE. */
  ci: { lower: number; upper: number };
}

/**
 * Welch's unequal-variance t-test of the means of samples a and b (two-sided), with its
 * confidence interval.
 * Source: B. L. Welch (1947), "The generalization of Student's problem when several different
 * population variances are involved", Biometrika 34:28–35; F. E. Satterthwaite (1946),
 * Biometrics Bulletin 2(6):110–114.
 *
 * @param level confidence level of the interval (default 0.95)
 * @throws RangeError when a sample has fewer than 2 values or level is outside (0, 1)
 */
export function welchTest(
  a: SampleMoments,
  b: SampleMoments,
  opts: { degreesOfFreedom?: WelchDegreesOfFreedom; level?: number } = {},
): WelchTest {
  if (a.n < 2 || b.n < 2) throw new RangeError("welchTest: each sample needs at least 2 values");
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`welchTest: level must be in (0, 1), got ${level}`);
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const standardError = Math.sqrt(va + vb);
  const difference = a.mean - b.mean;
  if (standardError === 0) {
    const p = difference === 0 ? 1 : 0;
    return { difference, standardError, df: Number.NaN, t: difference === 0 ? 0 : Math.sign(difference) * Infinity, p, ci: { lower: difference, upper: difference } };
  }
  const df =
    opts.degreesOfFreedom === "conservative" ? Math.min(a.n, b.n) - 1 : (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = difference / standardError;
  const q = studentTQuantile(1 - (1 - level) / 2, df);
  return { difference, standardError, df, t, p: studentTTwoSidedP(t, df), ci: { lower: difference - q * standardError, upper: difference + q * standardError } };
}
