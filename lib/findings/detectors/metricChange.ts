import { decomposeRevenueChange, FACTORS, type RevenueTotals } from "../decompose";
import type { Detector } from "../detector";
import type { CustomerWindowRow, FindingsInput } from "../input";
import { factorEstimates, pairedWeekdayTest, poissonCountTest, twoSampleZ, type ChangeTest } from "../stats";
import { FAMILY_ALPHA, MIN_METRIC_CHANGE, WINDOW_DAYS } from "../thresholds";
import type { Comparison, Finding, FindingMetric, FindingValue } from "../types";
import { confidenceOf, label, money, num, pct, sum, windowDaily } from "./shared";

/*
 * metricChange: a headline metric (net revenue, purchases, customers, frequency, average check)
 * moved significantly and materially against the previous four weeks or a year ago; for net
 * revenue, with its LMDI split into customers, frequency and average check (../decompose.ts).
 */

/** The metric tests of one run: 5 headline metrics × 2 comparisons (the Bonferroni family). */
const METRIC_TESTS = 5 * 2;

/** Headline figures of one window from the per-customer rows (exact distinct customers). */
function windowTotals(rows: readonly CustomerWindowRow[]) {
  const est = factorEstimates(rows);
  const net = sum(rows.map((r) => r.grossMinor - r.refundsMinor));
  return { ...est, netMinor: net };
}

/** Metric changes and the revenue decomposition for one comparison. */
function metricFindings(input: FindingsInput, comparison: Comparison, alpha: number): Finding[] {
  const w = input.windows;
  const baseW = comparison === "previous" ? w.previous : w.yearAgo;
  if (!baseW) return [];
  const curDays = windowDaily(input.daily, w.current);
  const baseDays = windowDaily(input.daily, baseW);
  if (curDays.length !== WINDOW_DAYS || baseDays.length !== WINDOW_DAYS) return [];
  const cur = windowTotals(input.customers.filter((r) => r.window === "current"));
  const base = windowTotals(input.customers.filter((r) => r.window === (comparison === "previous" ? "previous" : "yearAgo")));
  if (base.purchases === 0 || cur.purchases === 0) return [];

  const tests: Record<FindingMetric, { test: ChangeTest; before: number; after: number; impact: number } | null> = {
    netRevenue: {
      test: pairedWeekdayTest(curDays.map((d) => d.netMinor), baseDays.map((d) => d.netMinor)),
      before: base.netMinor,
      after: cur.netMinor,
      impact: Math.abs(cur.netMinor - base.netMinor),
    },
    purchases: {
      test: pairedWeekdayTest(curDays.map((d) => d.purchases), baseDays.map((d) => d.purchases)),
      before: base.purchases,
      after: cur.purchases,
      impact: Math.abs(cur.purchases - base.purchases) * base.averageCheck!,
    },
    customers: {
      test: poissonCountTest(cur.customers, base.customers),
      before: base.customers,
      after: cur.customers,
      impact: (Math.abs(cur.customers - base.customers) * base.grossMinor) / base.customers,
    },
    frequency:
      cur.varFrequency === null || base.varFrequency === null
        ? null
        : {
            test: twoSampleZ(cur.frequency!, cur.varFrequency, base.frequency!, base.varFrequency),
            before: base.frequency!,
            after: cur.frequency!,
            impact: Math.abs(cur.frequency! - base.frequency!) * cur.customers * base.averageCheck!,
          },
    averageCheck:
      cur.varAverageCheck === null || base.varAverageCheck === null
        ? null
        : {
            test: twoSampleZ(cur.averageCheck!, cur.varAverageCheck, base.averageCheck!, base.varAverageCheck),
            before: base.averageCheck!,
            after: cur.averageCheck!,
            impact: Math.abs(cur.averageCheck! - base.averageCheck!) * cur.purchases,
          },
  };
  const decomposition = decomposeRevenueChange(base as RevenueTotals, cur as RevenueTotals);
  const out: Finding[] = [];
  for (const metric of Object.keys(tests) as FindingMetric[]) {
    const t = tests[metric];
    if (!t || t.before === 0) continue;
    const change = t.after / t.before - 1;
    if (!(t.test.p < alpha) || Math.abs(change) < MIN_METRIC_CHANGE) continue;
    const isMoney = metric === "netRevenue" || metric === "averageCheck";
    const values: Record<string, FindingValue> = {
      metric: label(`metric.${metric}`),
      comparison: label(`comparison.${comparison}`),
      change: pct(change),
      before: isMoney ? money(t.before) : num(t.before),
      after: isMoney ? money(t.after) : num(t.after),
    };
    let variant = "plain";
    if (metric === "netRevenue") {
      // Name the factor that moved revenue most (same direction as the change when there is one).
      const main = [...FACTORS].sort((a, b) => Math.abs(decomposition.parts[b]) - Math.abs(decomposition.parts[a]))[0];
      variant = "drivers";
      values.grossChange = money(decomposition.totalMinor);
      values.mainFactor = label(`factor.${main}`);
      for (const f of FACTORS) values[`${f}Effect`] = money(decomposition.parts[f]);
    }
    out.push({
      id: `metricChange:${metric}:${comparison}`,
      kind: "metricChange",
      tier: "alert",
      impactMinor: Math.round(t.impact),
      direction: change > 0 ? "up" : "down",
      confidence: confidenceOf(t.test.p, alpha),
      p: t.test.p,
      variant,
      values,
      chart: metric === "customers" || metric === "frequency" ? "/customers" : "",
      period: w.current,
    });
  }
  return out;
}

export const metricChangeDetector: Detector = {
  kind: "metricChange",
  detect(input) {
    const alpha = FAMILY_ALPHA / METRIC_TESTS;
    return {
      findings: [...metricFindings(input, "previous", alpha), ...metricFindings(input, "yearAgo", alpha)],
      tests: { metricChanges: METRIC_TESTS },
    };
  },
};
