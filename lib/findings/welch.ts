import { studentTwoSidedP, type ChangeTest } from "./stats";

/*
 * The Welch test the change-point detector uses, moved unchanged out of engine.ts (issue 12).
 * lib/stats will hold the one Welch test of the product; this file is then switched to it.
 */

const sum = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0);

/**
 * Welch's t-test of two samples (two-sided), for confirming a changepoint; Student t with the
 * smaller sample's n − 1 degrees of freedom (conservative against Welch–Satterthwaite).
 */
export function welch(a: readonly number[], b: readonly number[]): ChangeTest {
  const m = (x: readonly number[]) => sum(x) / x.length;
  const v = (x: readonly number[]) => sum(x.map((y) => (y - m(x)) ** 2)) / (x.length - 1);
  const se = Math.sqrt(v(a) / a.length + v(b) / b.length);
  if (!(se > 0)) return { statistic: 0, p: 1 };
  const t = (m(a) - m(b)) / se;
  return { statistic: t, p: studentTwoSidedP(t, Math.max(1, Math.min(a.length, b.length) - 1)) };
}
