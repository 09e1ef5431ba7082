/**
 * Gradient-boosted decision trees for binary classification (logloss), second-order ("Newton")
 * boosting as in Chen & Guestrin 2016, "XGBoost: A Scalable Tree Boosting System" (KDD 2016):
 *
 * - each round fits a tree to the gradients g_i = p_i − y_i and hessians h_i = p_i (1 − p_i) of
 *   the logloss at the current margins (the second-order expansion, eq. 3);
 * - a leaf with gradient sum G and hessian sum H gets the weight w* = −G / (H + λ) (eq. 5),
 *   shrunk by the learning rate η (Section 2.3);
 * - a split is scored by Gain = ½ [G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] (eq. 7), and a child
 *   must keep a hessian sum ≥ minChildWeight;
 * - candidate thresholds are per-feature quantile cut points (the approximate algorithm of
 *   Section 3.2, Algorithm 2, with cuts proposed once globally, as XGBoost's `tree_method="hist"`
 *   does), and split finding scans gradient histograms over those bins;
 * - missing values (NaN) are left out of the bins and, at each candidate split, tried on both
 *   sides: the better side becomes the node's learned default direction (sparsity-aware split
 *   finding, Section 3.4, Algorithm 3).
 *
 * Trees grow depth-first to maxDepth; since splits of different nodes do not interact (no
 * leaf-count limit), that gives the same trees as XGBoost's level-wise growth would with the
 * same cuts. Histograms of the larger child are the parent's minus the smaller child's (the
 * "histogram subtraction" trick of LightGBM, Ke et al. 2017, Section 2), halving the work.
 *
 * Deterministic for a seed: row subsampling and column sampling draw from named sfc32 streams
 * (lib/models/prng.ts), and every sum runs in a fixed order.
 */
import { stream } from "@/lib/models/prng";
import { leafIndex, sigmoid, type Tree, type TreeEnsemble } from "./tree";

export interface GbdtOptions {
  /** Boosting rounds (trees); default 100. */
  nTrees?: number;
  /** Shrinkage η applied to every leaf weight, in (0, 1]; default 0.3 (XGBoost's). */
  learningRate?: number;
  /** Maximum tree depth (root = depth 0); default 6. */
  maxDepth?: number;
  /** Minimum hessian sum in each child of a split; default 1. */
  minChildWeight?: number;
  /** L2 penalty λ on leaf weights (eqs. 2, 5, 7); default 1. */
  lambda?: number;
  /** Fraction of rows drawn (Bernoulli, per tree) to grow each tree; default 1. */
  subsample?: number;
  /** Fraction of features drawn (without replacement, per tree); default 1. */
  colsampleByTree?: number;
  /** Maximum number of bins (cut points + 1) per feature, 2..65536; default 256. */
  maxBins?: number;
  /** Seed of the subsampling streams; default 0. */
  seed?: number;
  /** Stop when the validation logloss has not improved for this many rounds, keeping the best
   * prefix of trees. Requires `validation`. */
  earlyStoppingRounds?: number;
  /** Held-out rows whose logloss is tracked each round (and drives early stopping). */
  validation?: { X: number[][]; y: number[] };
}

export interface GbdtTrainingResult {
  model: TreeEnsemble;
  /** Mean training logloss after 0, 1, …, k trees (index 0 = base margin only). */
  trainLogloss: number[];
  /** Mean validation logloss after 0, 1, …, k trees, when `validation` was given. */
  validLogloss: number[];
  /** Number of trees kept (the best round when early stopping; else all). */
  bestNTrees: number;
}

// Purposes of the random streams (see prng.stream); fixed so old seeds keep their meaning.
const STREAM_SUBSAMPLE = 0x6b7a01;
const STREAM_COLSAMPLE = 0x6b7a02;

/** Splits must gain more than this (eq. 7 units) so that float noise never makes a split. */
const MIN_SPLIT_GAIN = 1e-12;
/** Hessians floor: p(1−p) underflows for confident rows, and H + λ with λ = 0 must stay > 0. */
const MIN_HESSIAN = 1e-16;

/**
 * Fits a GBDT classifier; see the module comment for the algorithm (Chen & Guestrin 2016,
 * eqs. 2–7, Algorithms 2–3).
 * @param X rows × features, NaN = missing; every row has `featureNames.length` entries.
 * @param y labels, 0 or 1, one per row.
 * @param featureNames column names (stored on the model; their count fixes the feature count).
 * @returns an ensemble with objective "binary:logistic", baseMargin = logit(mean y), leaf
 *   values in log-odds, covers = training hessian sums.
 * @throws Error on empty input, ragged rows, labels other than 0/1, or out-of-range options.
 */
export function fitGradientBoosting(
  X: readonly (readonly number[])[],
  y: readonly number[],
  featureNames: string[],
  opts: GbdtOptions = {},
): TreeEnsemble {
  // The per-round training logloss is a report the model does not use: not computed here (one
  // exp and one log1p per row and tree, as much as the gradients), the same trees either way.
  return train(X, y, featureNames, opts, false).model;
}

/** Binned training matrix: for row r and feature f, `slot[r * nf + f]` is the histogram slot
 * (feature offset + bin); the last slot of each feature holds missing values. */
interface Binned {
  nf: number;
  cuts: Float64Array[];
  offset: Int32Array;
  /** Non-missing bins per feature (= cuts + 1); the missing slot is offset + nBins. */
  nBins: Int32Array;
  totalSlots: number;
  slot: Uint32Array;
}

/**
 * Quantile cut points of one feature: every distinct value but the smallest when there are at
 * most maxBins of them (exact splits), else the values at ranks ⌊b·n/maxBins⌋, b = 1..maxBins−1,
 * deduplicated. A cut c sends x < c left, so cuts are data values, as in XGBoost's hist.
 */
export function quantileCuts(values: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const cuts: number[] = [];
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) cuts.push(sorted[i]);
  } else {
    for (let b = 1; b < maxBins; b++) {
      const c = sorted[Math.floor((b * n) / maxBins)];
      if (c > sorted[0] && (cuts.length === 0 || c > cuts[cuts.length - 1])) cuts.push(c);
    }
  }
  return Float64Array.from(cuts);
}

/** Number of cuts ≤ v (the bin of v); cuts ascending. */
function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function binMatrix(X: readonly (readonly number[])[], nf: number, maxBins: number): Binned {
  const n = X.length;
  const cuts: Float64Array[] = [];
  const offset = new Int32Array(nf);
  const nBins = new Int32Array(nf);
  let totalSlots = 0;
  const column = new Float64Array(n);
  for (let f = 0; f < nf; f++) {
    let m = 0;
    for (let r = 0; r < n; r++) {
      const v = X[r][f];
      if (v === v) column[m++] = v;
    }
    const c = quantileCuts(column.subarray(0, m), maxBins);
    cuts.push(c);
    offset[f] = totalSlots;
    nBins[f] = c.length + 1;
    totalSlots += c.length + 2;
  }
  const slot = new Uint32Array(n * nf);
  for (let r = 0; r < n; r++) {
    const row = X[r];
    for (let f = 0; f < nf; f++) {
      const v = row[f];
      slot[r * nf + f] = offset[f] + (v === v ? binOf(cuts[f], v) : nBins[f]);
    }
  }
  return { nf, cuts, offset, nBins, totalSlots, slot };
}

/** Gradient, hessian and row-count histograms over all slots. */
interface Hist {
  g: Float64Array;
  h: Float64Array;
  c: Int32Array;
}

interface SplitChoice {
  gain: number;
  feature: number;
  /** Split after this bin: bins 0..bin go left. */
  bin: number;
  missingLeft: boolean;
  gl: number;
  hl: number;
  cl: number;
}

/** Growable node arrays of one tree. */
class NodeList {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  defaultLeft: number[] = [];
  value: number[] = [];
  cover: number[] = [];
  add(value: number, cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.defaultLeft.push(0);
    this.value.push(value);
    this.cover.push(cover);
    return this.value.length - 1;
  }
  toTree(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      value: Float64Array.from(this.value),
      cover: Float64Array.from(this.cover),
    };
  }
}

/** Grows one tree on the rows rows[0..count) with gradients g and hessians h. */
class TreeGrower {
  private pool: Hist[] = [];
  private nodes = new NodeList();
  private scratch: Int32Array;

  constructor(
    private readonly bins: Binned,
    private readonly g: Float64Array,
    private readonly h: Float64Array,
    private readonly features: Int32Array,
    private readonly o: { eta: number; maxDepth: number; minChildWeight: number; lambda: number },
    private readonly rows: Int32Array,
  ) {
    this.scratch = new Int32Array(rows.length);
  }

  private acquire(): Hist {
    const hist = this.pool.pop();
    if (hist) return hist;
    const s = this.bins.totalSlots;
    return { g: new Float64Array(s), h: new Float64Array(s), c: new Int32Array(s) };
  }

  private build(hist: Hist, start: number, end: number): void {
    const { nf, slot, offset, nBins } = this.bins;
    const { g, h, rows, features } = this;
    const nSel = features.length;
    for (let k = 0; k < nSel; k++) {
      const f = features[k];
      const a = offset[f];
      const b = a + nBins[f] + 1;
      hist.g.fill(0, a, b);
      hist.h.fill(0, a, b);
      hist.c.fill(0, a, b);
    }
    const hg = hist.g;
    const hh = hist.h;
    const hc = hist.c;
    for (let i = start; i < end; i++) {
      const r = rows[i];
      const gr = g[r];
      const hr = h[r];
      const base = r * nf;
      for (let k = 0; k < nSel; k++) {
        const s = slot[base + features[k]];
        hg[s] += gr;
        hh[s] += hr;
        hc[s]++;
      }
    }
  }

  /** parent ← parent − child over the sampled features' slots. */
  private subtract(parent: Hist, child: Hist): void {
    const { offset, nBins } = this.bins;
    for (const f of this.features) {
      const b = offset[f] + nBins[f] + 1;
      for (let s = offset[f]; s < b; s++) {
        parent.g[s] -= child.g[s];
        parent.h[s] -= child.h[s];
        parent.c[s] -= child.c[s];
      }
    }
  }

  private bestSplit(hist: Hist, G: number, H: number, C: number): SplitChoice | null {
    const { offset, nBins } = this.bins;
    const { lambda, minChildWeight } = this.o;
    const parentScore = (G * G) / (H + lambda);
    let best: SplitChoice | null = null;
    let bestGain = MIN_SPLIT_GAIN;
    for (const f of this.features) {
      const o = offset[f];
      const nb = nBins[f];
      const gm = hist.g[o + nb];
      const hm = hist.h[o + nb];
      const cm = hist.c[o + nb];
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let j = 0; j < nb - 1; j++) {
        gl += hist.g[o + j];
        hl += hist.h[o + j];
        cl += hist.c[o + j];
        // Missing values to the right (always tried) …
        {
          const gr = G - gl;
          const hr = H - hl;
          const cr = C - cl;
          if (cl > 0 && cr > 0 && hl >= minChildWeight && hr >= minChildWeight) {
            const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore);
            if (gain > bestGain) {
              bestGain = gain;
              // With no missing rows here, unseen missing values follow the heavier child.
              best = { gain, feature: f, bin: j, missingLeft: cm === 0 && hl >= hr, gl, hl, cl };
            }
          }
        }
        // … and to the left, which differs only when this node has missing rows.
        if (cm > 0) {
          const gL = gl + gm;
          const hL = hl + hm;
          const cL = cl + cm;
          const gr = G - gL;
          const hr = H - hL;
          const cr = C - cL;
          if (cr > 0 && hL >= minChildWeight && hr >= minChildWeight) {
            const gain = 0.5 * ((gL * gL) / (hL + lambda) + (gr * gr) / (hr + lambda) - parentScore);
            if (gain > bestGain) {
              bestGain = gain;
              best = { gain, feature: f, bin: j, missingLeft: true, gl: gL, hl: hL, cl: cL };
            }
          }
        }
      }
    }
    return best;
  }

  /** Moves the rows of [start, end) that go left to the front, keeping order; returns the split index. */
  private partition(start: number, end: number, split: SplitChoice): number {
    const { nf, slot, offset, nBins } = this.bins;
    const f = split.feature;
    const missingSlot = offset[f] + nBins[f];
    const lastLeftSlot = offset[f] + split.bin;
    const rows = this.rows;
    const scratch = this.scratch;
    let l = start;
    let r = 0;
    for (let i = start; i < end; i++) {
      const row = rows[i];
      const s = slot[row * nf + f];
      const goLeft = s === missingSlot ? split.missingLeft : s <= lastLeftSlot;
      if (goLeft) rows[l++] = row;
      else scratch[r++] = row;
    }
    rows.set(scratch.subarray(0, r), l);
    return l;
  }

  private grow(node: number, start: number, end: number, hist: Hist, G: number, H: number, depth: number): void {
    const { eta, lambda, maxDepth, minChildWeight } = this.o;
    const C = end - start;
    const split = depth < maxDepth && C >= 2 && H >= 2 * minChildWeight ? this.bestSplit(hist, G, H, C) : null;
    if (!split) {
      this.pool.push(hist);
      return;
    }
    const f = split.feature;
    const nodes = this.nodes;
    nodes.feature[node] = f;
    nodes.threshold[node] = this.bins.cuts[f][split.bin];
    nodes.defaultLeft[node] = split.missingLeft ? 1 : 0;
    const gr = G - split.gl;
    const hr = H - split.hl;
    const leftNode = nodes.add((-eta * split.gl) / (split.hl + lambda), split.hl);
    const rightNode = nodes.add((-eta * gr) / (hr + lambda), hr);
    nodes.left[node] = leftNode;
    nodes.right[node] = rightNode;
    const mid = this.partition(start, end, split);
    if (depth + 1 >= maxDepth) {
      this.pool.push(hist);
      return;
    }
    // Build the smaller child's histogram; the larger one's is what remains of the parent's.
    const small = this.acquire();
    const leftIsSmall = mid - start <= end - mid;
    if (leftIsSmall) this.build(small, start, mid);
    else this.build(small, mid, end);
    this.subtract(hist, small);
    const leftHist = leftIsSmall ? small : hist;
    const rightHist = leftIsSmall ? hist : small;
    this.grow(leftNode, start, mid, leftHist, split.gl, split.hl, depth + 1);
    this.grow(rightNode, mid, end, rightHist, gr, hr, depth + 1);
  }

  growTree(): Tree {
    const { rows, g, h } = this;
    let G = 0;
    let H = 0;
    for (const r of rows) {
      G += g[r];
      H += h[r];
    }
    const root = this.nodes.add((-this.o.eta * G) / (H + this.o.lambda), H);
    const hist = this.acquire();
    this.build(hist, 0, rows.length);
    this.grow(root, 0, rows.length, hist, G, H, 0);
    return this.nodes.toTree();
  }
}

/** Mean logloss of margins against labels, computed stably: log(1 + e^−|z|) + max(z, 0) − y z. */
function meanLogloss(y: ArrayLike<number>, margin: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const z = margin[i];
    s += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - y[i] * z;
  }
  return s / y.length;
}

function checkData(X: readonly (readonly number[])[], y: readonly number[], nf: number, what: string): void {
  if (X.length === 0) throw new Error(`${what}: no rows`);
  if (X.length !== y.length) throw new Error(`${what}: ${X.length} rows but ${y.length} labels`);
  for (let r = 0; r < X.length; r++) {
    if (X[r].length !== nf) throw new Error(`${what}: row ${r} has ${X[r].length} values, expected ${nf}`);
    if (y[r] !== 0 && y[r] !== 1) throw new Error(`${what}: label ${y[r]} at row ${r} is not 0 or 1`);
  }
}

/**
 * `fitGradientBoosting` with the per-round training and validation logloss (for tests and
 * reports). Same arguments, algorithm and errors.
 */
export function trainGradientBoosting(
  X: readonly (readonly number[])[],
  y: readonly number[],
  featureNames: string[],
  opts: GbdtOptions = {},
): GbdtTrainingResult {
  return train(X, y, featureNames, opts, true);
}

/** The boosting loop of both entry points; `trackTrainLoss` false leaves `trainLogloss` empty. */
function train(
  X: readonly (readonly number[])[],
  y: readonly number[],
  featureNames: string[],
  opts: GbdtOptions,
  trackTrainLoss: boolean,
): GbdtTrainingResult {
  const nTrees = opts.nTrees ?? 100;
  const eta = opts.learningRate ?? 0.3;
  const maxDepth = opts.maxDepth ?? 6;
  const minChildWeight = opts.minChildWeight ?? 1;
  const lambda = opts.lambda ?? 1;
  const subsample = opts.subsample ?? 1;
  const colsample = opts.colsampleByTree ?? 1;
  const maxBins = opts.maxBins ?? 256;
  const seed = opts.seed ?? 0;
  const nf = featureNames.length;
  if (!(Number.isInteger(nTrees) && nTrees >= 0)) throw new Error(`gbdt: nTrees ${nTrees} must be an integer ≥ 0`);
  if (!(eta > 0 && eta <= 1)) throw new Error(`gbdt: learningRate ${eta} must be in (0, 1]`);
  if (!(Number.isInteger(maxDepth) && maxDepth >= 0)) throw new Error(`gbdt: maxDepth ${maxDepth} must be an integer ≥ 0`);
  if (!(minChildWeight >= 0)) throw new Error(`gbdt: minChildWeight ${minChildWeight} must be ≥ 0`);
  if (!(lambda >= 0)) throw new Error(`gbdt: lambda ${lambda} must be ≥ 0`);
  if (!(subsample > 0 && subsample <= 1)) throw new Error(`gbdt: subsample ${subsample} must be in (0, 1]`);
  if (!(colsample > 0 && colsample <= 1)) throw new Error(`gbdt: colsampleByTree ${colsample} must be in (0, 1]`);
  if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= 65536)) throw new Error(`gbdt: maxBins ${maxBins} must be an integer in 2..65536`);
  if (nf === 0) throw new Error("gbdt: no features");
  checkData(X, y, nf, "gbdt");
  const validation = opts.validation;
  if (validation) checkData(validation.X, validation.y, nf, "gbdt validation");
  const esRounds = opts.earlyStoppingRounds;
  if (esRounds !== undefined) {
    if (!validation) throw new Error("gbdt: earlyStoppingRounds needs validation data");
    if (!(Number.isInteger(esRounds) && esRounds >= 1)) throw new Error(`gbdt: earlyStoppingRounds ${esRounds} must be an integer ≥ 1`);
  }

  const n = X.length;
  let positives = 0;
  for (const v of y) positives += v;
  // The optimal constant margin for logloss is the log-odds of the base rate; clamp so a
  // one-class sample still gets a finite start.
  const rate = Math.min(Math.max(positives / n, 1e-6), 1 - 1e-6);
  const baseMargin = Math.log(rate / (1 - rate));

  const bins = binMatrix(X, nf, maxBins);
  const margin = new Float64Array(n).fill(baseMargin);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const validMargin = validation ? new Float64Array(validation.y.length).fill(baseMargin) : null;
  const trees: Tree[] = [];
  const trainLogloss = trackTrainLoss ? [meanLogloss(y, margin)] : [];
  const validLogloss = validation && validMargin ? [meanLogloss(validation.y, validMargin)] : [];
  let bestNTrees = 0;
  let bestValid = validLogloss.length > 0 ? validLogloss[0] : Infinity;
  const allRows = new Int32Array(n);
  for (let r = 0; r < n; r++) allRows[r] = r;
  const nSel = Math.max(1, Math.round(colsample * nf));

  for (let t = 0; t < nTrees; t++) {
    for (let r = 0; r < n; r++) {
      const p = sigmoid(margin[r]);
      g[r] = p - y[r];
      h[r] = Math.max(p * (1 - p), MIN_HESSIAN);
    }
    let rows = allRows;
    if (subsample < 1) {
      const rng = stream(seed, STREAM_SUBSAMPLE, t);
      const picked: number[] = [];
      for (let r = 0; r < n; r++) if (rng.next() < subsample) picked.push(r);
      if (picked.length === 0) picked.push(rng.int(n));
      rows = Int32Array.from(picked);
    } else {
      rows = Int32Array.from(allRows);
    }
    let features: Int32Array;
    if (nSel < nf) {
      // Partial Fisher–Yates: the first nSel entries are a uniform draw without replacement.
      const rng = stream(seed, STREAM_COLSAMPLE, t);
      const perm = Int32Array.from({ length: nf }, (_, i) => i);
      for (let i = 0; i < nSel; i++) {
        const j = i + rng.int(nf - i);
        const tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      features = perm.slice(0, nSel).sort();
    } else {
      features = Int32Array.from({ length: nf }, (_, i) => i);
    }
    const tree = new TreeGrower(bins, g, h, features, { eta, maxDepth, minChildWeight, lambda }, rows).growTree();
    trees.push(tree);
    for (let r = 0; r < n; r++) margin[r] += tree.value[leafIndex(tree, X[r])];
    if (trackTrainLoss) trainLogloss.push(meanLogloss(y, margin));
    if (validation && validMargin) {
      for (let r = 0; r < validMargin.length; r++) validMargin[r] += tree.value[leafIndex(tree, validation.X[r])];
      const loss = meanLogloss(validation.y, validMargin);
      validLogloss.push(loss);
      if (loss < bestValid) {
        bestValid = loss;
        bestNTrees = t + 1;
      }
      if (esRounds !== undefined && t + 1 - bestNTrees >= esRounds) break;
    }
  }
  if (esRounds === undefined) bestNTrees = trees.length;
  return {
    model: { trees: trees.slice(0, bestNTrees), baseMargin, featureNames: [...featureNames], objective: "binary:logistic" },
    trainLogloss,
    validLogloss,
    bestNTrees,
  };
}
