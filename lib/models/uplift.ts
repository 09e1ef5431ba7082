/*
 * Uplift (heterogeneous treatment effect) models and their evaluation. Pure math, no I/O.
 *
 * Models, both over our gradient-boosted trees (lib/models/gbdt.ts):
 * - T-learner ("two-model approach"): one classifier on the treated, one on the controls;
 *   τ̂(x) = P̂(y=1 | x, T=1) − P̂(y=1 | x, T=0). Künzel, Sekhon, Bickel & Yu (2019),
 *   "Metalearners for estimating heterogeneous treatment effects using machine learning",
 *   PNAS 116(10), eqs. 3–4.
 * - Class transformation: Z = T·Y + (1−T)(1−Y); with P(T=1) = ½, τ(x) = 2 P(Z=1 | x) − 1.
 *   Jaśkowski & Jaroszewicz (2012), "Uplift modeling for clinical trial data", ICML workshop,
 *   eq. 6. The larger group is subsampled (seeded) to the smaller one's size so that P(T=1) = ½.
 *
 * Evaluation follows scikit-uplift's definitions (maks-sh/scikit-uplift, sklift/metrics/
 * metrics.py, version 0.5): customers sorted by predicted uplift, descending; at each distinct
 * score threshold with N_t, N_c treated / control customers above it and Y_t, Y_c responders:
 * - Qini curve: Q(k) = Y_t − Y_c · N_t / N_c (Radcliffe 2007, "Using control groups to target on
 *   predicted lift", DMA Analytics Journal);
 * - uplift curve: U(k) = (Y_t/N_t − Y_c/N_c)(N_t + N_c);
 * - the Qini coefficient (qini_auc_score) and AUUC (uplift_auc_score) are the area between the
 *   model's curve and the random line from (0, 0) to the curve's end, divided by the same area
 *   for the perfect ranking (trapezoidal areas, sklearn.metrics.auc);
 * - uplift@k (uplift_at_k, strategy "overall"): response rate of the treated minus that of the
 *   controls among the top ⌈k·n⌉ customers.
 */
import { fitGradientBoosting, type GbdtOptions } from "./gbdt";
import { stream, type Rng } from "./prng";
import { quantileSorted } from "@/lib/stats";
import { predictProbability, type TreeEnsemble } from "./tree";

/** Points of a gain curve: x = customers targeted (0, …, n), y = the curve's value. */
export interface GainCurve {
  x: number[];
  y: number[];
}

function cumulativeAtThresholds(y: ArrayLike<number>, uplift: ArrayLike<number>, treatment: ArrayLike<number>) {
  const n = y.length;
  if (uplift.length !== n || treatment.length !== n) throw new Error("uplift curve: arrays of different lengths");
  // Descending by score; ties keep numpy's argsort(kind="mergesort")[::-1] order, i.e. the later
  // index first, so that the thresholds (and the trapezoids between them) match sklift exactly.
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => uplift[b] - uplift[a] || b - a);
  const nAll: number[] = [];
  const nT: number[] = [];
  const yT: number[] = [];
  const yC: number[] = [];
  let ct = 0;
  let cyt = 0;
  let cyc = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (treatment[i] === 1) {
      ct += 1;
      cyt += y[i];
    } else cyc += y[i];
    if (k === n - 1 || uplift[order[k + 1]] !== uplift[i]) {
      nAll.push(k + 1);
      nT.push(ct);
      yT.push(cyt);
      yC.push(cyc);
    }
  }
  return { nAll, nT, yT, yC };
}

function startAtOrigin(x: number[], v: number[]): GainCurve {
  if (x.length === 0 || v[0] !== 0 || x[0] !== 0) return { x: [0, ...x], y: [0, ...v] };
  return { x, y: v };
}

/** Qini curve (sklift qini_curve). @param y 0/1 outcomes; treatment 0/1. */
export function qiniCurve(y: ArrayLike<number>, uplift: ArrayLike<number>, treatment: ArrayLike<number>): GainCurve {
  const { nAll, nT, yT, yC } = cumulativeAtThresholds(y, uplift, treatment);
  const v = nAll.map((na, j) => {
    const nc = na - nT[j];
    return yT[j] - (nc !== 0 ? (yC[j] * nT[j]) / nc : 0);
  });
  return startAtOrigin(nAll, v);
}

/** Uplift curve (sklift uplift_curve). */
export function upliftCurve(y: ArrayLike<number>, uplift: ArrayLike<number>, treatment: ArrayLike<number>): GainCurve {
  const { nAll, nT, yT, yC } = cumulativeAtThresholds(y, uplift, treatment);
  const v = nAll.map((na, j) => {
    const nc = na - nT[j];
    return ((nT[j] !== 0 ? yT[j] / nT[j] : 0) - (nc !== 0 ? yC[j] / nc : 0)) * na;
  });
  return startAtOrigin(nAll, v);
}

/** Trapezoidal area under a curve (sklearn.metrics.auc). */
function trapezoidArea(c: GainCurve): number {
  let area = 0;
  for (let i = 1; i < c.x.length; i++) area += ((c.x[i] - c.x[i - 1]) * (c.y[i] + c.y[i - 1])) / 2;
  return area;
}

/** Perfect Qini ranking with negative effects allowed: treated responders first, control responders last (sklift perfect_qini_curve). */
export function perfectQiniCurve(y: ArrayLike<number>, treatment: ArrayLike<number>): GainCurve {
  const score = Array.from({ length: y.length }, (_, i) => y[i] * treatment[i] - y[i] * (1 - treatment[i]));
  return qiniCurve(y, score, treatment);
}

/** Perfect uplift ranking (sklift perfect_uplift_curve). */
function perfectUpliftCurve(y: ArrayLike<number>, treatment: ArrayLike<number>): GainCurve {
  let controlResponders = 0;
  let treatedNonResponders = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1 && treatment[i] === 0) controlResponders += 1;
    if (y[i] === 0 && treatment[i] === 1) treatedNonResponders += 1;
  }
  const summand = controlResponders > treatedNonResponders ? y : treatment;
  const score = Array.from({ length: y.length }, (_, i) => 2 * (y[i] === treatment[i] ? 1 : 0) + summand[i]);
  return upliftCurve(y, score, treatment);
}

function normalisedArea(actual: GainCurve, perfect: GainCurve): number {
  const last = perfect.x.length - 1;
  const baseline = trapezoidArea({ x: [0, perfect.x[last]], y: [0, perfect.y[last]] });
  const denominator = trapezoidArea(perfect) - baseline;
  return denominator === 0 ? 0 : (trapezoidArea(actual) - baseline) / denominator;
}

/** Normalised Qini coefficient (sklift qini_auc_score, negative_effect=True): 1 = perfect ranking, ≈ 0 = random. */
export function qiniCoefficient(y: ArrayLike<number>, uplift: ArrayLike<number>, treatment: ArrayLike<number>): number {
  return normalisedArea(qiniCurve(y, uplift, treatment), perfectQiniCurve(y, treatment));
}

/**
 * A percentile bootstrap interval of the normalised Qini coefficient of a ranking on held-out
 * rows (Efron & Tibshirani 1993, "An Introduction to the Bootstrap", ch. 13; the resampling of
 * Qini measures as in Radcliffe & Surry 2011, "Real-world uplift modelling with significance-based
 * uplift trees", section 6): the rows are resampled with replacement `replicates` times, the
 * coefficient recomputed each time, and the (1 − level)/2 and (1 + level)/2 quantiles taken
 * (Hyndman & Fan type 7). A random ranking has a coefficient of about 0, so a lower bound ≤ 0
 * means the ranking is not clearly better than random.
 *
 * @param rng        a seeded generator (lib/models/prng), so the interval is reproducible
 * @param replicates resamples (default 200)
 * @returns the point estimate on the rows as given and the interval
 * @throws Error when the arrays differ in length or there are fewer than 2 rows
 */
export function qiniBootstrapInterval(
  y: ArrayLike<number>,
  uplift: ArrayLike<number>,
  treatment: ArrayLike<number>,
  rng: Rng,
  replicates = 200,
  level = 0.95,
): { qini: number; lower: number; upper: number; replicates: number; level: number } {
  const n = y.length;
  if (uplift.length !== n || treatment.length !== n) throw new Error("qiniBootstrapInterval: arrays of different lengths");
  if (n < 2) throw new Error(`qiniBootstrapInterval: needs at least 2 rows, got ${n}`);
  // One sort: a resample only changes how often each row counts, and the curves depend on the
  // rows through cumulative counts over the same descending-score groups (ties stay together).
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => uplift[b] - uplift[a] || b - a);
  const groupEnd = new Uint8Array(n);
  for (let k = 0; k < n; k++) groupEnd[k] = k === n - 1 || uplift[order[k + 1]] !== uplift[order[k]] ? 1 : 0;
  const weight = new Int32Array(n);
  const values = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    weight.fill(0);
    for (let i = 0; i < n; i++) weight[rng.int(n)] += 1;
    values[r] = weightedQini(order, groupEnd, y, treatment, weight);
  }
  values.sort();
  const alpha = (1 - level) / 2;
  return { qini: qiniCoefficient(y, uplift, treatment), lower: quantileSorted(values, alpha), upper: quantileSorted(values, 1 - alpha), replicates, level };
}

/**
 * {@link qiniCoefficient} of the rows repeated `weight[i]` times, in O(n) given the rows sorted by
 * descending score (`order`) and the ends of the equal-score groups: the same curve points (a
 * group of weight 0 adds a point of zero width), and the perfect curve from the three group
 * totals (treated responders, non-responders, control responders).
 */
function weightedQini(order: readonly number[], groupEnd: Uint8Array, y: ArrayLike<number>, treatment: ArrayLike<number>, weight: Int32Array): number {
  let na = 0;
  let ct = 0;
  let cyt = 0;
  let cyc = 0;
  let area = 0;
  let px = 0;
  let pv = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const w = weight[i];
    na += w;
    if (treatment[i] === 1) {
      ct += w;
      cyt += w * y[i];
    } else cyc += w * y[i];
    if (groupEnd[k] === 1) {
      const nc = na - ct;
      const v = cyt - (nc !== 0 ? (cyc * ct) / nc : 0);
      area += ((na - px) * (v + pv)) / 2;
      px = na;
      pv = v;
    }
  }
  // The perfect ranking: treated responders (a), then every non-responder (bt treated, bc
  // control), then control responders (c).
  const a = cyt;
  const c = cyc;
  const bt = ct - cyt;
  const bc = na - ct - cyc;
  const p1 = a;
  const p2 = a;
  const p3 = a - (bc + c !== 0 ? (c * (a + bt)) / (bc + c) : 0);
  const perfectArea = (a * p1) / 2 + ((bt + bc) * (p1 + p2)) / 2 + (c * (p2 + p3)) / 2;
  const baseline = (na * p3) / 2;
  const denominator = perfectArea - baseline;
  return denominator === 0 ? 0 : (area - baseline) / denominator;
}

/** Normalised area under the uplift curve (sklift uplift_auc_score). */
export function auuc(y: ArrayLike<number>, uplift: ArrayLike<number>, treatment: ArrayLike<number>): number {
  return normalisedArea(upliftCurve(y, uplift, treatment), perfectUpliftCurve(y, treatment));
}

/**
 * uplift@k (sklift uplift_at_k, strategy "overall"): among the ⌈k·n⌉ highest scores, treated
 * response rate minus control response rate; null when that top holds no treated or no control.
 * Sorting as numpy's argsort(…)[::-1] (quicksort; ties broken by the later index first here).
 */
export function upliftAtK(y: ArrayLike<number>, uplift: ArrayLike<number>, treatment: ArrayLike<number>, k: number): number | null {
  if (!(k > 0 && k < 1)) throw new RangeError(`upliftAtK: k must be in (0, 1), got ${k}`);
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => uplift[b] - uplift[a] || b - a);
  const top = Math.ceil(n * k);
  let nt = 0;
  let yt = 0;
  let nc = 0;
  let yc = 0;
  for (let j = 0; j < top; j++) {
    const i = order[j];
    if (treatment[i] === 1) {
      nt += 1;
      yt += y[i];
    } else {
      nc += 1;
      yc += y[i];
    }
  }
  return nt > 0 && nc > 0 ? yt / nt - yc / nc : null;
}

/** GBDT settings of the uplift models: shallow, few trees, slow learning (uplift is a small signal). */
const UPLIFT_GBDT: GbdtOptions = { nTrees: 60, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, lambda: 1, maxBins: 64 };

/** A fitted T-learner: one classifier per arm. */
export interface TLearner {
  treated: TreeEnsemble;
  control: TreeEnsemble;
}

/**
 * Fits a T-learner (Künzel et al. 2019, eqs. 3–4).
 * @param X rows × features (NaN = missing); y 0/1 outcomes; treatment 0/1 per row
 * @throws Error when an arm is empty (gbdt's errors otherwise)
 */
export function fitTLearner(
  X: readonly (readonly number[])[],
  y: readonly number[],
  treatment: readonly number[],
  featureNames: string[],
  opts: GbdtOptions = UPLIFT_GBDT,
): TLearner {
  const split = (arm: number) => {
    const xs: (readonly number[])[] = [];
    const ys: number[] = [];
    for (let i = 0; i < X.length; i++) if (treatment[i] === arm) {
        xs.push(X[i]);
        ys.push(y[i]);
      }
    if (xs.length === 0) throw new Error(`fitTLearner: no ${arm === 1 ? "treated" : "control"} rows`);
    return fitGradientBoosting(xs, ys, featureNames, opts);
  };
  return { treated: split(1), control: split(0) };
}

/** τ̂(x) = P̂_treated(x) − P̂_control(x), in probability points. */
export function predictTLearner(model: TLearner, x: ArrayLike<number>): number {
  return predictProbability(model.treated, x) - predictProbability(model.control, x);
}

/**
 * Fits the class-transformation model (Jaśkowski & Jaroszewicz 2012). The larger arm is
 * subsampled without replacement (seeded sfc32 stream) to the smaller arm's size.
 */
export function fitClassTransformation(
  X: readonly (readonly number[])[],
  y: readonly number[],
  treatment: readonly number[],
  featureNames: string[],
  seed = 0,
  opts: GbdtOptions = UPLIFT_GBDT,
): TreeEnsemble {
  const treated: number[] = [];
  const control: number[] = [];
  for (let i = 0; i < X.length; i++) (treatment[i] === 1 ? treated : control).push(i);
  if (treated.length === 0 || control.length === 0) throw new Error("fitClassTransformation: an arm is empty");
  const rng = stream(seed, 0x0c7a11);
  const take = (idx: number[], m: number) => {
    // Partial Fisher–Yates: the first m of a seeded shuffle.
    const a = idx.slice();
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(a.length - i);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, m).sort((p, q) => p - q);
  };
  const m = Math.min(treated.length, control.length);
  const rows = [...take(treated, m), ...take(control, m)].sort((p, q) => p - q);
  const xs = rows.map((i) => X[i]);
  const zs = rows.map((i) => (treatment[i] === 1 ? y[i] : 1 - y[i]));
  return fitGradientBoosting(xs, zs, featureNames, opts);
}

/** τ̂(x) = 2 P̂(Z=1 | x) − 1. */
export function predictClassTransformation(model: TreeEnsemble, x: ArrayLike<number>): number {
  return 2 * predictProbability(model, x) - 1;
}
