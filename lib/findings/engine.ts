import { decomposeByGroup, decomposeRevenueChange, FACTORS, type Factor, type GroupEffect, type RevenueTotals } from "./decompose";
import { splitMarketEffect } from "./market";
import {
  factorEstimates,
  pairedWeekdayTest,
  poissonCountTest,
  studentTwoSidedP,
  twoSampleZ,
  type ChangeTest,
  type CustomerWindowTotals,
} from "./stats";
import type { Comparison, Confidence, Finding, FindingMetric, FindingsSummary, FindingValue, PeerIndexInput } from "./types";

/*
 * The findings engine (docs/models/findings.md): pure, deterministic, from the merchant's own
 * figures to a ranked, deduplicated list of findings. lib/jobs/findings.ts gathers the inputs
 * from rollups and the stored forecast; nothing here touches the database.
 *
 * Significance: each family of tests runs at a family-wise level of 5 % (Bonferroni): the
 * 5 headline metrics × 2 comparisons at 0.05 / 10 each; the segment cells at 0.05 / (cells
 * tested). A change must also be material (≥ 3 % for a metric, ≥ 2 % of the baseline revenue
 * for a segment's effect) to be told: a significant 0.5 % move is not news to a shop owner.
 */

export const FAMILY_ALPHA = 0.05;
export const MIN_METRIC_CHANGE = 0.03;
export const MIN_SEGMENT_SHARE = 0.02;
/** Privacy: a segment is named only when it describes at least this many customers in both windows. */
export const MIN_SEGMENT_CUSTOMERS = 5;
export const WINDOW_DAYS = 28;
/** Dimensions whose values have words in the messages (labels.segment.<dimension>.<value>); others (region) are shown as stored. */
export const LABELLED_DIMENSIONS = ["customerType", "gender", "ageBand", "maritalStatus", "payroll", "corporate", "premium"];

/** One local day of the merchant's till (rollup merchant_daily, gap-filled). Money in minor units. */
export interface DailyPoint {
  day: string;
  grossMinor: number;
  netMinor: number;
  purchases: number;
  /** Distinct customers with a purchase that day. */
  customers: number;
}

/** One customer's activity in one window, with its segment values (dimension → value). */
export interface CustomerWindowRow extends CustomerWindowTotals {
  window: "current" | "previous" | "yearAgo";
  refundsMinor: number;
  segments: Record<string, string>;
}

/** The last backtest fold of the daily net-revenue forecast and the forward forecast, for findings. */
export interface ForecastFacts {
  /** Held-out days of the last fold (the current window) with the 95 % interval. */
  lastFold: { days: string[]; actual: number[]; point: number[]; lower95: number[]; upper95: number[] } | null;
  /**
   * The next four weeks: Σ of the daily point forecasts and Σ of the daily 80 % bounds. The
   * summed bounds are wider than a true 80 % interval of the total (errors partly cancel); the
   * template says so ("the daily 80 % bands add up to …").
   */
  outlook: { from: string; to: string; pointMinor: number; lower80Minor: number; upper80Minor: number } | null;
}

/** A cohort's first-month retention (customers of the cohort active in month 1 / size). */
export interface CohortFact {
  cohort: string;
  size: number;
  returned: number;
}

export interface FindingsInput {
  asOf: string;
  currency: string;
  windows: { current: Window; previous: Window; yearAgo: Window | null };
  /** Contiguous days up to asOf − 1, at least the windows' days. */
  daily: DailyPoint[];
  customers: CustomerWindowRow[];
  forecast?: ForecastFacts;
  /** Complete cohorts, oldest first, with month-1 retention. */
  cohorts?: CohortFact[];
  peerIndex?: PeerIndexInput;
  /** Changepoint indices (augurs) in `weekly` (complete ISO weeks, oldest first). */
  weekly?: { weeks: string[]; netMinor: number[]; changepoints: number[]; outlyingWeeks: number[] };
}

type Window = { from: string; to: string };

const money = (v: number): FindingValue => ({ t: "money", v: Math.round(v) });
const pct = (v: number): FindingValue => ({ t: "percent", v });
const num = (v: number): FindingValue => ({ t: "number", v });
const label = (v: string): FindingValue => ({ t: "label", v });
const dayV = (v: string): FindingValue => ({ t: "day", v });
const sum = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0);

function confidenceOf(p: number, alpha: number): Confidence {
  return p < alpha / 10 ? "high" : "medium";
}

function windowDaily(daily: readonly DailyPoint[], w: Window): DailyPoint[] {
  return daily.filter((d) => d.day >= w.from && d.day < w.to);
}

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

/** The per-segment decomposition cells of one comparison, tested (see docs). */
export interface SegmentCell {
  dimension: string;
  value: string;
  factor: Factor;
  effectMinor: number;
  /** Relative change of the factor in the segment. */
  change: number;
  p: number;
  before: RevenueTotals;
  after: RevenueTotals;
}

/**
 * Mix decomposition of the gross-sales change over every segment dimension: for each dimension,
 * each of its values (every customer has exactly one per dimension) with its own exact LMDI
 * split, so Σ over a dimension's groups and factors = the merchant's change exactly. Small
 * groups are included here (they are part of the total); they are never named (segmentCells).
 */
export function segmentMix(
  current: readonly CustomerWindowRow[],
  baseline: readonly CustomerWindowRow[],
): Array<{ dimension: string; groups: GroupEffect[] }> {
  const dims = new Set<string>();
  for (const r of [...current, ...baseline]) for (const d of Object.keys(r.segments)) dims.add(d);
  return [...dims].sort().map((dimension) => {
    const values = new Set<string>();
    for (const r of [...current, ...baseline]) values.add(r.segments[dimension]);
    const totals = (rows: readonly CustomerWindowRow[], value: string) => {
      const e = factorEstimates(rows.filter((r) => r.segments[dimension] === value));
      return { customers: e.customers, purchases: e.purchases, grossMinor: e.grossMinor };
    };
    return {
      dimension,
      groups: decomposeByGroup([...values].sort().map((value) => ({ group: value, before: totals(baseline, value), after: totals(current, value) }))),
    };
  });
}

/**
 * Every (dimension, value, factor) cell of the revenue change between two windows: the
 * segment's LMDI effect (exact) and the test of the factor's change (Poisson for customers,
 * delta-method z for frequency and average check). Segments under {@link MIN_SEGMENT_CUSTOMERS}
 * customers in either window are left out (never named).
 */
export function segmentCells(current: readonly CustomerWindowRow[], baseline: readonly CustomerWindowRow[]): SegmentCell[] {
  const cells: SegmentCell[] = [];
  for (const { dimension, groups } of segmentMix(current, baseline)) {
    for (const g of groups) {
      const value = g.group;
      const a = factorEstimates(current.filter((r) => r.segments[dimension] === value));
      const b = factorEstimates(baseline.filter((r) => r.segments[dimension] === value));
      if (a.customers < MIN_SEGMENT_CUSTOMERS || b.customers < MIN_SEGMENT_CUSTOMERS) continue;
      const d = g.decomposition;
      const tests: Record<Factor, { t: ChangeTest; change: number } | null> = {
        customers: { t: poissonCountTest(a.customers, b.customers), change: a.customers / b.customers - 1 },
        frequency:
          a.varFrequency === null || b.varFrequency === null
            ? null
            : { t: twoSampleZ(a.frequency!, a.varFrequency, b.frequency!, b.varFrequency), change: a.frequency! / b.frequency! - 1 },
        averageCheck:
          a.varAverageCheck === null || b.varAverageCheck === null
            ? null
            : { t: twoSampleZ(a.averageCheck!, a.varAverageCheck, b.averageCheck!, b.varAverageCheck), change: a.averageCheck! / b.averageCheck! - 1 },
      };
      for (const factor of FACTORS) {
        const t = tests[factor];
        if (!t) continue;
        cells.push({ dimension, value, factor, effectMinor: d.parts[factor], change: t.change, p: t.t.p, before: b, after: a });
      }
    }
  }
  return cells;
}

function segmentFindings(input: FindingsInput, comparison: Comparison): { findings: Finding[]; cells: number } {
  const w = input.windows;
  const baseW = comparison === "previous" ? w.previous : w.yearAgo;
  if (!baseW) return { findings: [], cells: 0 };
  const cur = input.customers.filter((r) => r.window === "current");
  const base = input.customers.filter((r) => r.window === (comparison === "previous" ? "previous" : "yearAgo"));
  const baseGross = sum(base.filter((r) => r.purchases > 0).map((r) => r.grossMinor));
  const totalChange = sum(cur.filter((r) => r.purchases > 0).map((r) => r.grossMinor)) - baseGross;
  if (baseGross <= 0) return { findings: [], cells: 0 };
  const cells = segmentCells(cur, base);
  const alpha = FAMILY_ALPHA / Math.max(1, cells.length);
  const significant = cells
    .filter((c) => c.p < alpha && Math.abs(c.effectMinor) >= MIN_SEGMENT_SHARE * baseGross && Math.abs(c.change) >= MIN_METRIC_CHANGE)
    .sort((a, b) => Math.abs(b.effectMinor) - Math.abs(a.effectMinor) || a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value));
  // Attribution: one finding per (factor, direction). Among the significant cells of a group, the
  // ones carrying at least half the largest effect are candidates, and the most concentrated
  // (largest relative change of the factor) is named: a 15 % drop among premium customers also
  // shows, diluted, among "returning customers" or "women", and those are not what drove it. A
  // segment holding over 90 % of the customers is no segment story (the metric change tells it).
  const totalCustomers = cur.filter((r) => r.purchases > 0).length;
  const groups = new Map<string, SegmentCell[]>();
  for (const c of significant) {
    const key = `${c.factor}:${Math.sign(c.effectMinor)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const chosen: SegmentCell[] = [];
  for (const cellsOf of groups.values()) {
    const top = Math.abs(cellsOf[0].effectMinor);
    const pick = cellsOf
      .filter((c) => Math.abs(c.effectMinor) >= 0.5 * top && c.after.customers <= 0.9 * totalCustomers)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || Math.abs(b.effectMinor) - Math.abs(a.effectMinor))[0];
    if (pick) chosen.push(pick);
  }
  chosen.sort((a, b) => Math.abs(b.effectMinor) - Math.abs(a.effectMinor));
  const findings: Finding[] = [];
  for (const c of chosen.slice(0, 3)) {
    const known = LABELLED_DIMENSIONS.includes(c.dimension);
    findings.push({
      id: `segmentDriver:${c.dimension}:${c.value}:${c.factor}:${comparison}`,
      kind: "segmentDriver",
      tier: "alert",
      impactMinor: Math.abs(c.effectMinor),
      direction: c.effectMinor > 0 ? "up" : "down",
      confidence: confidenceOf(c.p, alpha),
      p: c.p,
      variant: c.factor,
      values: {
        dimension: label(`dimension.${c.dimension}`),
        segment: known ? label(`segment.${c.dimension}.${c.value}`) : { t: "text", v: c.value },
        factor: label(`factor.${c.factor}`),
        comparison: label(`comparison.${comparison}`),
        change: pct(c.change),
        effect: money(c.effectMinor),
        totalChange: money(totalChange),
      },
      chart: "/customers",
      period: w.current,
    });
  }
  return { findings, cells: cells.length };
}

function marketFindings(input: FindingsInput, revenueChanged: boolean): Finding[] {
  if (!input.peerIndex || !revenueChanged) return [];
  const split = splitMarketEffect(
    input.daily.map((d) => ({ day: d.day, revenueMinor: d.netMinor })),
    input.peerIndex,
    { current: input.windows.current, baseline: input.windows.previous },
  );
  if (!split.available) return [];
  return [
    {
      id: "marketEffect:previous",
      kind: "marketEffect",
      tier: "alert",
      impactMinor: Math.abs(split.totalMinor),
      direction: split.ownMinor > 0 ? "up" : split.ownMinor < 0 ? "down" : "none",
      confidence: "medium",
      p: null,
      variant: Math.abs(split.marketMinor) > Math.abs(split.ownMinor) ? "market" : "own",
      values: {
        totalChange: money(split.totalMinor),
        market: money(split.marketMinor),
        own: money(split.ownMinor),
        marketGrowth: pct(split.marketGrowth - 1),
        merchantGrowth: pct(split.merchantGrowth - 1),
      },
      chart: "",
      period: input.windows.current,
    },
  ];
}

function forecastFindings(input: FindingsInput): Finding[] {
  const out: Finding[] = [];
  const f = input.forecast?.lastFold;
  if (f) {
    const outside = f.days
      .map((day, i) => ({ day, actual: f.actual[i], lo: f.lower95[i], hi: f.upper95[i], point: f.point[i] }))
      .filter((d) => d.actual < d.lo || d.actual > d.hi);
    const excess = sum(outside.map((d) => (d.actual > d.hi ? d.actual - d.hi : d.lo - d.actual)));
    const windowRevenue = sum(f.actual);
    if (outside.length > 0 && excess >= 0.01 * Math.abs(windowRevenue)) {
      const worst = [...outside].sort((a, b) => Math.abs(b.actual - b.point) - Math.abs(a.actual - a.point))[0];
      const above = outside.filter((d) => d.actual > d.hi).length;
      out.push({
        id: "forecastMiss:current",
        kind: "forecastMiss",
        tier: "alert",
        impactMinor: Math.round(excess),
        direction: above * 2 >= outside.length ? "up" : "down",
        // 95 % intervals miss ~1.4 of 28 days by design; four or more is unusual (binomial P ≈ 0.05).
        confidence: outside.length >= 4 ? "medium" : "low",
        p: null,
        variant: outside.length === 1 ? "one" : "many",
        values: {
          days: num(outside.length),
          worstDay: dayV(worst.day),
          worstActual: money(worst.actual),
          worstExpected: money(worst.point),
          excess: money(excess),
        },
        chart: "",
        period: { from: f.days[0], to: input.asOf },
      });
    }
  }
  const o = input.forecast?.outlook;
  const cur = windowDaily(input.daily, input.windows.current);
  if (o && cur.length === WINDOW_DAYS) {
    const last = sum(cur.map((d) => d.netMinor));
    if (last > 0) {
      const change = o.pointMinor / last - 1;
      out.push({
        id: "forecastOutlook:next",
        kind: "forecastOutlook",
        tier: "note",
        impactMinor: Math.abs(Math.round(o.pointMinor - last)),
        direction: change > 0.01 ? "up" : change < -0.01 ? "down" : "none",
        confidence: "medium",
        p: null,
        variant: "plain",
        values: { forecast: money(o.pointMinor), lower: money(o.lower80Minor), upper: money(o.upper80Minor), change: pct(change), from: dayV(o.from) },
        chart: "",
        period: { from: o.from, to: o.to },
      });
    }
  }
  return out;
}

/**
 * Welch's t-test of two samples (two-sided), for confirming a changepoint; Student t with the
 * smaller sample's n − 1 degrees of freedom (conservative against Welch–Satterthwaite).
 */
function welch(a: readonly number[], b: readonly number[]): ChangeTest {
  const m = (x: readonly number[]) => sum(x) / x.length;
  const v = (x: readonly number[]) => sum(x.map((y) => (y - m(x)) ** 2)) / (x.length - 1);
  const se = Math.sqrt(v(a) / a.length + v(b) / b.length);
  if (!(se > 0)) return { statistic: 0, p: 1 };
  const t = (m(a) - m(b)) / se;
  return { statistic: t, p: studentTwoSidedP(t, Math.max(1, Math.min(a.length, b.length) - 1)) };
}

function weeklyFindings(input: FindingsInput): Finding[] {
  const w = input.weekly;
  if (!w || w.weeks.length < 12) return [];
  const out: Finding[] = [];
  const n = w.weeks.length;
  // Changepoints in the last 12 weeks, confirmed by Welch's t on up to 8 weeks either side at 1 %.
  const recent = w.changepoints.filter((i) => i >= n - 12 && i > 0 && i < n - 1).sort((a, b) => b - a)[0];
  if (recent !== undefined) {
    const before = w.netMinor.slice(Math.max(0, recent - 8), recent);
    const after = w.netMinor.slice(recent, Math.min(n, recent + 8));
    if (before.length >= 3 && after.length >= 2) {
      const t = welch(after, before);
      const mb = sum(before) / before.length;
      const ma = sum(after) / after.length;
      if (t.p < 0.01 && mb > 0 && Math.abs(ma / mb - 1) >= 0.05) {
        out.push({
          id: "changePoint:netRevenue",
          kind: "changePoint",
          tier: "alert",
          impactMinor: Math.round(Math.abs(ma - mb) * after.length),
          direction: ma > mb ? "up" : "down",
          confidence: confidenceOf(t.p, 0.01),
          p: t.p,
          variant: "plain",
          values: { week: dayV(w.weeks[recent]), before: money(mb), after: money(ma), change: pct(ma / mb - 1) },
          chart: "",
          period: { from: w.weeks[recent], to: input.asOf },
        });
      }
    }
  }
  // Anomalies are isolated weeks: when 3 or 4 of the last 4 weeks are "outlying", the level moved
  // (a change point or a metric change tells that), so none is reported as an anomaly.
  const recentOutlying = w.outlyingWeeks.filter((i) => i >= n - 4);
  for (const i of recentOutlying.length <= 2 ? recentOutlying : []) {
    const others = w.netMinor.filter((_, j) => j !== i && j >= n - 12);
    const typical = sum(others) / Math.max(1, others.length);
    out.push({
      id: `anomalousWeek:${w.weeks[i]}`,
      kind: "anomalousWeek",
      tier: "alert",
      impactMinor: Math.round(Math.abs(w.netMinor[i] - typical)),
      direction: w.netMinor[i] > typical ? "up" : "down",
      confidence: "low",
      p: null,
      variant: "plain",
      values: { week: dayV(w.weeks[i]), revenue: money(w.netMinor[i]), typical: money(typical) },
      chart: "",
      period: { from: w.weeks[i], to: i + 1 < n ? w.weeks[i + 1] : input.asOf },
    });
  }
  return out;
}

function seasonalityFindings(input: FindingsInput): Finding[] {
  // Weekday profile over the last 12 weeks (84 days, 12 of each weekday).
  const days = input.daily.slice(-84);
  if (days.length < 84) return [];
  const byDow = Array.from({ length: 7 }, () => 0);
  for (const d of days) byDow[new Date(`${d.day}T00:00:00Z`).getUTCDay()] += d.netMinor / 12;
  const avg = sum(byDow) / 7;
  if (!(avg > 0)) return [];
  const best = byDow.indexOf(Math.max(...byDow));
  const worst = byDow.indexOf(Math.min(...byDow));
  if (byDow[best] / avg < 1.15) return [];
  return [
    {
      id: "seasonality:weekday",
      kind: "seasonality",
      tier: "note",
      impactMinor: Math.round((byDow[best] - byDow[worst]) * 4),
      direction: "none",
      confidence: "high",
      p: null,
      variant: "weekday",
      values: {
        best: label(`weekday.${best}`),
        worst: label(`weekday.${worst}`),
        bestRatio: num(byDow[best] / avg),
        bestRevenue: money(byDow[best]),
        worstRevenue: money(byDow[worst]),
      },
      chart: "/seasonality",
      period: { from: days[0].day, to: input.asOf },
    },
  ];
}

function cohortFindings(input: FindingsInput): Finding[] {
  const c = input.cohorts;
  if (!c || c.length < 4) return [];
  const last = c[c.length - 1];
  const earlier = c.slice(-7, -1);
  const size0 = sum(earlier.map((x) => x.size));
  const ret0 = sum(earlier.map((x) => x.returned));
  if (last.size < 20 || size0 < 20) return [];
  const p1 = last.returned / last.size;
  const p0 = ret0 / size0;
  const pooled = (last.returned + ret0) / (last.size + size0);
  const t = twoSampleZ(p1, (pooled * (1 - pooled)) / last.size, p0, (pooled * (1 - pooled)) / size0);
  if (!(t.p < 0.01) || Math.abs(p1 - p0) < 0.03) return [];
  return [
    {
      id: `cohort:${last.cohort}`,
      kind: "cohort",
      tier: "note",
      // Money at stake: the customers who returned more or less than earlier cohorts would have.
      impactMinor: 0,
      direction: p1 > p0 ? "up" : "down",
      confidence: confidenceOf(t.p, 0.01),
      p: t.p,
      variant: "plain",
      values: { cohort: { t: "month", v: last.cohort }, retention: pct(p1), earlier: pct(p0), customers: num(last.size) },
      chart: "/customers",
      period: { from: last.cohort, to: input.asOf },
    },
  ];
}

/**
 * Ranks findings: alerts before notes, then by money impact (largest first), then by id for a
 * stable order; drops duplicates by id (keeping the larger impact), and a change point or an
 * anomalous week already told by a significant revenue change of the current window.
 */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of findings) {
    const had = byId.get(f.id);
    if (!had || f.impactMinor > had.impactMinor) byId.set(f.id, f);
  }
  let list = [...byId.values()];
  const revenueMoved = list.find((f) => f.id === "metricChange:netRevenue:previous");
  if (revenueMoved) list = list.filter((f) => !(f.kind === "changePoint" && f.direction === revenueMoved.direction));
  return list.sort(
    (a, b) => (a.tier === b.tier ? 0 : a.tier === "alert" ? -1 : 1) || b.impactMinor - a.impactMinor || a.id.localeCompare(b.id),
  );
}

/**
 * The findings of one merchant as of `input.asOf` (pure and deterministic).
 * @returns the stored summary: ranked findings and the test counts
 */
export function buildFindings(input: FindingsInput): FindingsSummary {
  const metricTests = 5 * 2;
  const alpha = FAMILY_ALPHA / metricTests;
  const metric = [...metricFindings(input, "previous", alpha), ...metricFindings(input, "yearAgo", alpha)];
  const segPrev = segmentFindings(input, "previous");
  const segYear = segmentFindings(input, "yearAgo");
  const revenueChanged = metric.some((f) => f.id === "metricChange:netRevenue:previous");
  const all = [
    ...metric,
    ...segPrev.findings,
    ...segYear.findings,
    ...marketFindings(input, revenueChanged),
    ...forecastFindings(input),
    ...weeklyFindings(input),
    ...seasonalityFindings(input),
    ...cohortFindings(input),
  ];
  return {
    asOf: input.asOf,
    currency: input.currency,
    findings: rankFindings(all),
    tests: { metricChanges: metricTests, segmentCells: segPrev.cells + segYear.cells },
    market: !input.peerIndex
      ? { available: false, reason: "no peer index" }
      : input.peerIndex.released
        ? { available: true }
        : { available: false, reason: input.peerIndex.reason },
  };
}
