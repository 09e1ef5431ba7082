/*
 * Pure helpers that turn per-customer model outputs into the precomputed figures a page charts
 * (histograms, the P(alive) grid, rankings). No I/O; unit-tested in tests/unit/jobs-summaries.
 */
import type { HistogramBin, PAliveCell } from "@/lib/analytics/getModelResults";
import { sigmoid } from "@/lib/models/tree";
import { MIN_CELL_CUSTOMERS } from "@/lib/privacy/suppression";

/**
 * Counts of `values` in `bins` equal bins over [0, 1]: [k/bins, (k+1)/bins), the last bin
 * closed at 1. Values outside [0, 1] are clamped into the end bins.
 * @throws Error when bins is not an integer ≥ 1
 */
export function unitHistogram(values: readonly number[], bins = 10): HistogramBin[] {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`unitHistogram: bins must be an integer ≥ 1, got ${bins}`);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const k = Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
    counts[k] += 1;
  }
  // Edges as k / bins rounded to 12 digits, so 0.30000000000000004 reads 0.3.
  const edge = (k: number) => Math.round((k / bins) * 1e12) / 1e12;
  return counts.map((customers, k) => ({ from: edge(k), to: edge(k + 1), customers }));
}

/** The smallest "nice" step (1, 2, 2.5 or 5 × 10^k, at least 1) ≥ raw. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const step = m * power;
    if (step >= raw - 1e-9 * power) return Math.max(1, step);
  }
  return Math.max(1, 10 * power);
}

/**
 * A histogram of non-negative money values (minor units) for a chart: equal bins of a nice
 * step from 0 that cover the 99th percentile (nearest rank) in at most `maxBins` bars, then one
 * open-ended bar [last edge, ∞) for the rest, present only when some value reaches it. Negative
 * values count in the first bin.
 * @throws Error when maxBins is not an integer ≥ 1
 */
export function moneyHistogram(values: readonly number[], maxBins = 10): HistogramBin[] {
  if (!(Number.isInteger(maxBins) && maxBins >= 1)) throw new Error(`moneyHistogram: maxBins must be an integer ≥ 1, got ${maxBins}`);
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const p99 = sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)];
  const step = niceStep(Math.max(p99, 1) / maxBins);
  const bins = Math.max(1, Math.min(maxBins, Math.ceil(Math.max(p99, 1) / step)));
  const counts = new Array<number>(bins + 1).fill(0);
  for (const v of values) {
    const k = v < 0 ? 0 : Math.floor(v / step);
    counts[Math.min(k, bins)] += 1;
  }
  const out: HistogramBin[] = [];
  for (let k = 0; k < bins; k++) out.push({ from: k * step, to: (k + 1) * step, customers: counts[k] });
  if (counts[bins] > 0) out.push({ from: bins * step, to: null, customers: counts[bins] });
  return out;
}

/** Repeat-purchase buckets of the P(alive) grid: [label, lowest x, highest x]. */
const FREQUENCY_BUCKETS: ReadonlyArray<readonly [string, number, number]> = [
  ["0", 0, 0],
  ["1", 1, 1],
  ["2", 2, 2],
  ["3-4", 3, 4],
  ["5-9", 5, 9],
  ["10+", 10, Infinity],
];
/** Weeks since the last purchase (T − t_x) buckets of the P(alive) grid: [label, from, to). */
const RECENCY_BUCKETS: ReadonlyArray<readonly [string, number, number]> = [
  ["0-3", 0, 4],
  ["4-12", 4, 13],
  ["13-25", 13, 26],
  ["26-51", 26, 52],
  ["52+", 52, Infinity],
];

/**
 * The P(alive) heatmap: customers by repeat purchases x (FREQUENCY_BUCKETS) × weeks since
 * their last purchase T − t_x (RECENCY_BUCKETS), each cell with its customer count and mean
 * P(alive); cells describing fewer than 5 customers are suppressed (both figures null). Every
 * cell of the grid is listed, frequency-major.
 */
export function pAliveGrid(customers: ReadonlyArray<{ x: number; tx: number; T: number; pAlive: number }>): {
  frequencyBuckets: string[];
  recencyBuckets: string[];
  cells: PAliveCell[];
} {
  const nf = FREQUENCY_BUCKETS.length;
  const nr = RECENCY_BUCKETS.length;
  const count = new Array<number>(nf * nr).fill(0);
  const sum = new Array<number>(nf * nr).fill(0);
  for (const c of customers) {
    const f = FREQUENCY_BUCKETS.findIndex(([, lo, hi]) => c.x >= lo && c.x <= hi);
    const weeks = c.T - c.tx;
    const r = RECENCY_BUCKETS.findIndex(([, lo, hi]) => weeks >= lo && weeks < hi);
    if (f < 0 || r < 0) continue;
    count[f * nr + r] += 1;
    sum[f * nr + r] += c.pAlive;
  }
  const cells: PAliveCell[] = [];
  for (let f = 0; f < nf; f++) {
    for (let r = 0; r < nr; r++) {
      const n = count[f * nr + r];
      const suppressed = n < MIN_CELL_CUSTOMERS;
      cells.push({
        frequency: FREQUENCY_BUCKETS[f][0],
        recency: RECENCY_BUCKETS[r][0],
        customers: suppressed ? null : n,
        meanPAlive: suppressed ? null : sum[f * nr + r] / n,
        suppressed,
      });
    }
  }
  return { frequencyBuckets: FREQUENCY_BUCKETS.map((b) => b[0]), recencyBuckets: RECENCY_BUCKETS.map((b) => b[0]), cells };
}

/** The median of a non-empty list (mean of the two middle values for an even count); 0 when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Age bands of the factor effects, as getCustomerSegments' AGE_BANDS. */
export function ageBand(age: number | null): string {
  if (age === null) return "unknown";
  if (age < 18) return "<18";
  if (age <= 24) return "18-24";
  if (age <= 34) return "25-34";
  if (age <= 44) return "35-44";
  if (age <= 54) return "45-54";
  if (age <= 64) return "55-64";
  return "65+";
}

/**
 * Factor effects in points of risk and money (issue 17, "speak in money"): a factor's effect on
 * one customer is P(x) − P(x without the factor), "without" removing its TreeSHAP value from the
 * log-odds (SHAP values add up to the margin: Lundberg & Lee 2017, local accuracy). `points` is
 * the mean |effect| × 100 over the customers (percentage points), `revenueAtRiskMinor` the sum of
 * its positive part × the customer's value (minor units), `direction` "raises" when the effects
 * sum to more risk than they remove. Sorted by points, descending (ties in feature order).
 * @param margins log-odds per customer; shap[i][j] the TreeSHAP value of feature j; value[i] minor units
 */
export function factorEffects<F extends string>(
  features: readonly F[],
  margins: readonly number[],
  shap: readonly ArrayLike<number>[],
  value: readonly number[],
): { feature: F; points: number; revenueAtRiskMinor: number; direction: "raises" | "lowers" }[] {
  const n = margins.length;
  const out = features.map((feature, j) => {
    let abs = 0;
    let money = 0;
    let signed = 0;
    for (let i = 0; i < n; i++) {
      const d = sigmoid(margins[i]) - sigmoid(margins[i] - shap[i][j]);
      abs += Math.abs(d);
      signed += d;
      if (d > 0) money += d * value[i];
    }
    return {
      feature,
      points: n > 0 ? Math.round(((100 * abs) / n) * 1e4) / 1e4 : 0,
      revenueAtRiskMinor: Math.round(money),
      direction: signed > 0 ? ("raises" as const) : ("lowers" as const),
    };
  });
  return out.sort((a, b) => b.points - a.points || features.indexOf(a.feature) - features.indexOf(b.feature));
}
