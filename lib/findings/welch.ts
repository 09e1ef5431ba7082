import { moments, welchTest } from "@/lib/stats";
import type { ChangeTest } from "./stats";

/**
 * Welch's t-test of two samples (two-sided) for confirming a changepoint, as a ChangeTest: the
 * lib/stats test with the conservative degrees of freedom (the smaller sample's n − 1, safer
 * than Welch–Satterthwaite on the short windows a changepoint leaves). A sample of fewer than
 * two values, or two constant samples, is no evidence: { statistic: 0, p: 1 }.
 */
export function welch(a: readonly number[], b: readonly number[]): ChangeTest {
  if (a.length < 2 || b.length < 2) return { statistic: 0, p: 1 };
  const test = welchTest(moments(a), moments(b), { degreesOfFreedom: "conservative" });
  return test.standardError > 0 ? { statistic: test.t, p: test.p } : { statistic: 0, p: 1 };
}
