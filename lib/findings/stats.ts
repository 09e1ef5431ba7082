import { normalTwoSidedP, studentTTwoSidedP } from "@/lib/stats";

/*
 * The significance tests behind "is this change real?" (docs/models/findings.md). Windows are
 * whole weeks (28 days) and every comparison window is shifted by a whole number of weeks
 * (28 days back, or 364 days back for "a year ago"), so both windows hold the same weekdays and
 * weekly seasonality cancels in the comparison instead of posing as a change.
 */

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
  return { statistic: t, p: studentTTwoSidedP(t, n - 1) };
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
