import { lnBeta } from "@/lib/models/specialFunctions";

/*
 * The significance tests behind "is this change real?" (docs/models/findings.md). Windows are
 * whole weeks (28 days) and every comparison window is shifted by a whole number of weeks
 * (28 days back, or 364 days back for "a year ago"), so both windows hold the same weekdays and
 * weekly seasonality cancels in the comparison instead of posing as a change.
 */

/**
 * Regularized incomplete beta I_x(a, b) by Lentz's continued fraction (Press et al., Numerical
 * Recipes, 3rd ed., §6.4, `betacf`), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where the
 * fraction converges slowly.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - lnBeta(a, b)) / a;
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return front * f;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Two-sided p-value of a standard normal z, erfc(|z|/√2), by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). */
export function normalTwoSidedP(z: number): number {
  if (!Number.isFinite(z)) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return Math.min(1, erfc);
}

/** The outcome of one change test. */
export interface ChangeTest {
  /** Test statistic (t or z). */
  statistic: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * Weekday-paired test of a daily series between two windows of equal length (a multiple of 7),
 * aligned so that day i of both windows is the same weekday: d_i = current_i − baseline_i,
 * t = mean(d) / √(V̂/n) with the Newey–West long-run variance (Bartlett weights, lag
 * ⌊4(n/100)^{2/9}⌋; Newey & West 1987, Econometrica 55(3)) so that autocorrelated days do not
 * overstate the evidence; df = n − 1.
 *
 * @throws Error when the windows differ in length or are shorter than 7 days
 */
export function pairedWeekdayTest(current: readonly number[], baseline: readonly number[]): ChangeTest {
  const n = current.length;
  if (n !== baseline.length || n < 7) throw new Error(`pairedWeekdayTest: windows of ${n} and ${baseline.length} days`);
  const d = current.map((v, i) => v - baseline[i]);
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const c = d.map((v) => v - mean);
  const gamma = (k: number) => {
    let s = 0;
    for (let i = k; i < n; i++) s += c[i] * c[i - k];
    return s / n;
  };
  const lag = Math.floor(4 * Math.pow(n / 100, 2 / 9));
  let v = gamma(0);
  for (let k = 1; k <= lag; k++) v += 2 * (1 - k / (lag + 1)) * gamma(k);
  // n/(n−1) small-sample correction, as the ordinary paired t-test's sample variance.
  v *= n / (n - 1);
  if (!(v > 0)) return mean === 0 ? { statistic: 0, p: 1 } : { statistic: Math.sign(mean) * Infinity, p: 0 };
  const t = mean / Math.sqrt(v / n);
  return { statistic: t, p: studentTwoSidedP(t, n - 1) };
}

/** Per-customer totals of one window (the unit of the factor tests). */
export interface CustomerWindowTotals {
  purchases: number;
  grossMinor: number;
}

/** The three factors of revenue for a set of customers in a window, with their sampling variances. */
export interface FactorEstimates {
  customers: number;
  purchases: number;
  grossMinor: number;
  /** purchases / customers (customers with a purchase). */
  frequency: number | null;
  /** gross / purchases. */
  averageCheck: number | null;
  varFrequency: number | null;
  varAverageCheck: number | null;
}

/**
 * Revenue factors of a group of customers over a window: C (customers with a purchase),
 * F = P/C, AC = G/P, and the delta-method variances of F and AC treating customers as the
 * independent sampling units (ratio estimator variance, Cochran 1977, "Sampling Techniques",
 * §6.3): Var(F) = s²(p)/C; Var(AC) = s²(g − AC·p) / (C · p̄²).
 */
export function factorEstimates(rows: readonly CustomerWindowTotals[]): FactorEstimates {
  const buyers = rows.filter((r) => r.purchases > 0);
  const C = buyers.length;
  const P = buyers.reduce((s, r) => s + r.purchases, 0);
  const G = buyers.reduce((s, r) => s + r.grossMinor, 0);
  if (C === 0) return { customers: 0, purchases: 0, grossMinor: 0, frequency: null, averageCheck: null, varFrequency: null, varAverageCheck: null };
  const F = P / C;
  const AC = G / P;
  if (C < 2) return { customers: C, purchases: P, grossMinor: G, frequency: F, averageCheck: AC, varFrequency: null, varAverageCheck: null };
  let sp = 0;
  let sr = 0;
  for (const r of buyers) {
    sp += (r.purchases - F) ** 2;
    sr += (r.grossMinor - AC * r.purchases) ** 2;
  }
  sp /= C - 1;
  sr /= C - 1;
  return { customers: C, purchases: P, grossMinor: G, frequency: F, averageCheck: AC, varFrequency: sp / C, varAverageCheck: sr / (C * F * F) };
}

/** z-test of two independent estimates with known variances. */
export function twoSampleZ(current: number, varCurrent: number, baseline: number, varBaseline: number): ChangeTest {
  const se = Math.sqrt(varCurrent + varBaseline);
  if (!(se > 0)) return current === baseline ? { statistic: 0, p: 1 } : { statistic: Math.sign(current - baseline) * Infinity, p: 0 };
  const z = (current - baseline) / se;
  return { statistic: z, p: normalTwoSidedP(z) };
}

/**
 * Change in the number of customers with a purchase, tested as two Poisson counts
 * (z = (C₁ − C₀)/√(C₁ + C₀), the normal approximation of the conditional binomial test;
 * Przyborowski & Wileński 1940).
 */
export function poissonCountTest(current: number, baseline: number): ChangeTest {
  return twoSampleZ(current, current, baseline, baseline);
}
