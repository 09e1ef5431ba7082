/*
 * Statistics of a randomized campaign (treatment vs control): rates and means, absolute and
 * relative lift, 95 % confidence intervals, p-values, the minimum detectable effect and the
 * pre-campaign planner. Pure math, no I/O. Checked against scipy / statsmodels values produced
 * once by scripts/fixtures/make_uplift_stats_fixture.py (tests/fixtures/models/uplift-stats.json).
 *
 * Sources:
 * - Newcombe RG (1998), "Interval estimation for the difference between independent
 *   proportions: comparison of eleven methods", Statistics in Medicine 17:873–890, method 10
 *   (hybrid score interval built from the two Wilson intervals; Wilson 1927 for each).
 *   statsmodels: confint_proportions_2indep(method="newcomb").
 * - Welch BL (1947), "The generalization of Student's problem…", Biometrika 34:28–35:
 *   t = Δ / √(s₁²/n₁ + s₀²/n₀) with the Welch–Satterthwaite degrees of freedom.
 *   scipy: ttest_ind(equal_var=False).
 * - Two-proportion z-test with the pooled variance (statsmodels proportions_ztest).
 * - Power of a two-sample z-test and the sample size / detectable effect it implies, with Cohen's
 *   h = 2 asin √p₁ − 2 asin √p₀ for proportions (Cohen 1988, ch. 6); statsmodels
 *   NormalIndPower and proportion_effectsize.
 * - Efron B, Tibshirani R (1993), An Introduction to the Bootstrap, ch. 13: percentile interval.
 */
import { moments, normalCdf, normalQuantile, normalSf, quantileSorted, welchTest, type SampleMoments } from "@/lib/stats";
import type { Rng } from "./prng";

/** An interval [lower, upper]. */
export interface Interval {
  lower: number;
  upper: number;
}

/**
 * Wilson (1927) score interval for a proportion x/n at z (1.959964… for 95 %).
 * @throws RangeError when n ≤ 0 or x outside [0, n]
 */
export function wilsonInterval(x: number, n: number, z = normalQuantile(0.975)): Interval {
  if (!(n > 0) || x < 0 || x > n) throw new RangeError(`wilsonInterval: need 0 ≤ x ≤ n, n > 0 (x=${x}, n=${n})`);
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = ((z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n)));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** The comparison of one outcome between treatment (1) and control (0). */
export interface LiftEstimate {
  /** Treatment rate (share) or mean. */
  treatment: number;
  /** Control rate or mean. */
  control: number;
  /** treatment − control (absolute lift, ATE), in the outcome's unit. */
  absolute: number;
  /** (treatment − control) / control; null when the control value is 0. */
  relative: number | null;
  /** 95 % interval of the absolute lift (method named in `method`). */
  ci: Interval;
  /** Two-sided p-value of "no difference". */
  pValue: number;
  method: "newcombe" | "welch" | "bootstrap";
}

/**
 * Difference of two proportions x₁/n₁ − x₀/n₀: Newcombe's hybrid score interval (method 10) and
 * the pooled two-proportion z-test p-value.
 * @throws RangeError on empty groups or counts outside [0, n]
 */
export function compareProportions(x1: number, n1: number, x0: number, n0: number, level = 0.95): LiftEstimate {
  const z = normalQuantile(1 - (1 - level) / 2);
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const w1 = wilsonInterval(x1, n1, z);
  const w0 = wilsonInterval(x0, n0, z);
  const d = p1 - p0;
  const lower = d - Math.sqrt((p1 - w1.lower) ** 2 + (w0.upper - p0) ** 2);
  const upper = d + Math.sqrt((w1.upper - p1) ** 2 + (p0 - w0.lower) ** 2);
  const pooled = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  const pValue = se > 0 ? 2 * normalSf(Math.abs(d) / se) : d === 0 ? 1 : 0;
  return { treatment: p1, control: p0, absolute: d, relative: p0 > 0 ? d / p0 : null, ci: { lower, upper }, pValue, method: "newcombe" };
}

/**
 * Welch's two-sample comparison of means (treatment a, control b): Δ = x̄₁ − x̄₀, interval
 * Δ ± t_{(1+level)/2, ν} SE with the Welch–Satterthwaite ν, two-sided p-value (lib/stats welchTest).
 * @throws RangeError when a group has fewer than 2 values
 */
export function welchCompare(a: SampleMoments, b: SampleMoments, level = 0.95): LiftEstimate {
  if (a.n < 2 || b.n < 2) throw new RangeError("welchCompare: each group needs at least 2 values");
  const w = welchTest(a, b, { level });
  return { treatment: a.mean, control: b.mean, absolute: w.difference, relative: b.mean !== 0 ? w.difference / b.mean : null, ci: w.ci, pValue: w.p, method: "welch" };
}

/**
 * Percentile bootstrap interval of the difference of means (Efron & Tibshirani 1993, §13.3):
 * `replicates` resamples with replacement of each group, seeded, so the same data give the same
 * interval. The p-value is Welch's (a bootstrap p-value would need far more replicates).
 * Cost O(replicates × (n₁ + n₀)).
 */
export function bootstrapMeanDifference(
  treatment: ArrayLike<number>,
  control: ArrayLike<number>,
  rng: Rng,
  replicates = 1000,
  level = 0.95,
): LiftEstimate {
  const welch = welchCompare(moments(treatment), moments(control), level);
  const diffs = new Float64Array(replicates);
  const resampledMean = (v: ArrayLike<number>) => {
    let s = 0;
    const n = v.length;
    for (let i = 0; i < n; i++) s += v[rng.int(n)];
    return s / n;
  };
  for (let r = 0; r < replicates; r++) diffs[r] = resampledMean(treatment) - resampledMean(control);
  diffs.sort();
  const alpha = (1 - level) / 2;
  return { ...welch, ci: { lower: quantileSorted(diffs, alpha), upper: quantileSorted(diffs, 1 - alpha) }, method: "bootstrap" };
}

/**
 * Power of the two-sided two-sample z-test for a standardized effect `es` with n₁ treatment and
 * n₀ = ratio·n₁ control units (statsmodels NormalIndPower.power): with n = 1/(1/n₁ + 1/n₀),
 * power = Φ(es√n − z_{1−α/2}) + Φ(−es√n − z_{1−α/2}).
 */
export function twoSamplePower(es: number, n1: number, ratio = 1, alpha = 0.05): number {
  const n = 1 / (1 / n1 + 1 / (n1 * ratio));
  const crit = normalQuantile(1 - alpha / 2);
  const s = Math.abs(es) * Math.sqrt(n);
  return normalCdf(s - crit) + normalCdf(-s - crit);
}

function solveIncreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  while (f(hi) < target) hi *= 2;
  for (let i = 0; i < 300 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The standardized effect detectable with `power` (statsmodels NormalIndPower.solve_power(effect_size=None)). */
export function detectableEffectSize(n1: number, ratio = 1, alpha = 0.05, power = 0.8): number {
  if (!(n1 > 0 && ratio > 0)) throw new RangeError("detectableEffectSize: group sizes must be positive");
  return solveIncreasing((es) => twoSamplePower(es, n1, ratio, alpha), power, 0, 1);
}

/** Cohen's h = 2 asin √p₁ − 2 asin √p₀ (statsmodels proportion_effectsize). */
function cohenH(p1: number, p0: number): number {
  return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p0));
}

/**
 * Minimum detectable absolute lift of a proportion with baseline `p0` (the control rate) for
 * the given group sizes: the upward lift whose Cohen's h equals the detectable effect size.
 * Returns null when even p₁ = 1 is not detectable.
 */
export function minimumDetectableLiftProportion(p0: number, nTreatment: number, nControl: number, alpha = 0.05, power = 0.8): number | null {
  const h = detectableEffectSize(nTreatment, nControl / nTreatment, alpha, power);
  const angle = Math.asin(Math.sqrt(p0)) + h / 2;
  if (angle > Math.PI / 2) return null;
  return Math.sin(angle) ** 2 - p0;
}

/** Minimum detectable difference of means: the detectable effect size times the pooled standard deviation `sd`. */
export function minimumDetectableLiftMean(sd: number, nTreatment: number, nControl: number, alpha = 0.05, power = 0.8): number {
  return detectableEffectSize(nTreatment, nControl / nTreatment, alpha, power) * sd;
}

/**
 * Pre-campaign planner: the treatment group size n₁ (control = ratio·n₁, both rounded up) needed
 * to detect the lift p₀ → p₀ + lift of a proportion with the given power (statsmodels
 * NormalIndPower.solve_power(effect_size=proportion_effectsize(p₁, p₀), nobs1=None)).
 * @throws RangeError when p₀ + lift is outside (0, 1) or the lift is 0
 */
export function planGroupSizes(
  p0: number,
  lift: number,
  opts: { alpha?: number; power?: number; ratio?: number } = {},
): { treatment: number; control: number; effectSize: number } {
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  const ratio = opts.ratio ?? 1;
  const p1 = p0 + lift;
  if (!(p0 > 0 && p0 < 1 && p1 > 0 && p1 < 1) || lift === 0) {
    throw new RangeError(`planGroupSizes: need 0 < p0, p0 + lift < 1 and lift ≠ 0 (p0=${p0}, lift=${lift})`);
  }
  const es = Math.abs(cohenH(p1, p0));
  const n1 = solveIncreasing((n) => twoSamplePower(es, n, ratio, alpha), power, 1e-9, 16);
  return { treatment: Math.ceil(n1 - 1e-9), control: Math.ceil(n1 * ratio - 1e-9), effectSize: es };
}
