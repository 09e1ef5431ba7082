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
import { lnBeta, lnGamma } from "./specialFunctions";
import type { Rng } from "./prng";

const EPS = 1e-15;
const FPMIN = 1e-300;

/**
 * Regularized lower incomplete gamma P(a, x) (series) or upper Q(a, x) (continued fraction),
 * Numerical Recipes 3rd ed. §6.2 (gser, gcf with the modified Lentz method).
 */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPre = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 10_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * Math.exp(lnPre);
  }
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(lnPre) * h;
}

/**
 * Standard normal CDF Φ(x) = ½ erfc(−x/√2), with erfc(z) = Q(½, z²) for z ≥ 0 (A&S 7.1.2,
 * 6.5.17), accurate to about 1e-15 relative including the tails.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const z = Math.abs(x) / Math.SQRT2;
  const erfcZ = gammaQ(0.5, z * z);
  return x >= 0 ? 1 - 0.5 * erfcZ : 0.5 * erfcZ;
}

/** Upper tail 1 − Φ(x) without cancellation for large x. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

/**
 * Standard normal quantile Φ⁻¹(p), 0 < p < 1: Acklam's rational approximation (relative error
 * 1.15e-9) refined by one Halley step against {@link normalCdf}, which brings it to double
 * precision. @throws RangeError outside (0, 1)
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Halley refinement: e = Φ(x) − p, u = e √(2π) e^{x²/2}.
  const e = p < 0.5 ? normalCdf(x) - p : -(normalSf(x) - (1 - p));
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Regularized incomplete beta I_x(a, b) by the continued fraction of Numerical Recipes 3rd ed.
 * §6.4 (betacf, modified Lentz), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) for convergence.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - lnBeta(a, b));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return (front * h) / a;
}

/** Two-sided tail P(|T| ≥ |t|) of Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, ½). */
export function studentTTwoSided(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentT: df must be > 0, got ${df}`);
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Quantile of Student's t (p in (0, 1)) by bisection on {@link studentTTwoSided}, to 1e-13. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  const upper = p > 0.5;
  const tail = upper ? 2 * (1 - p) : 2 * p; // two-sided tail at the answer
  let lo = 0;
  let hi = 1;
  while (studentTTwoSided(hi, df) > tail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSided(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return upper ? t : -t;
}

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

/** Sufficient statistics of a sample: size, mean, unbiased variance (n − 1). */
export interface SampleMoments {
  n: number;
  mean: number;
  variance: number;
}

/** Mean and unbiased variance by Welford's one-pass update (numerically stable). */
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
 * Welch's two-sample comparison of means (treatment a, control b): Δ = x̄₁ − x̄₀, interval
 * Δ ± t_{0.975, ν} SE with the Welch–Satterthwaite ν, two-sided p-value.
 * @throws RangeError when a group has fewer than 2 values
 */
export function welchCompare(a: SampleMoments, b: SampleMoments, level = 0.95): LiftEstimate {
  if (a.n < 2 || b.n < 2) throw new RangeError("welchCompare: each group needs at least 2 values");
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const d = a.mean - b.mean;
  let ci: Interval;
  let pValue: number;
  if (se === 0) {
    ci = { lower: d, upper: d };
    pValue = d === 0 ? 1 : 0;
  } else {
    const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
    const q = studentTQuantile(1 - (1 - level) / 2, df);
    ci = { lower: d - q * se, upper: d + q * se };
    pValue = studentTTwoSided(d / se, df);
  }
  return { treatment: a.mean, control: b.mean, absolute: d, relative: b.mean !== 0 ? d / b.mean : null, ci, pValue, method: "welch" };
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

/** Linear-interpolation quantile of sorted values (numpy's default, "linear"). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
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
export function cohenH(p1: number, p0: number): number {
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
