/**
 * Exact path-dependent TreeSHAP: Shapley values of one prediction of a tree ensemble, in
 * margin (log-odds) units, in O(T · L · D²) time for T trees, L leaves and depth D.
 *
 * Source: Lundberg, Erion, Chen, DeGrave, Prutkin, Nair, Katz, Himmelfarb, Bansal & Lee 2020,
 * "From local explanations to global understanding with explainable AI for trees", Nature
 * Machine Intelligence 2, 56–67, Methods, Algorithm 2 ("TreeSHAP"); the same algorithm is
 * Algorithm 2 of Lundberg, Erion & Lee 2018, "Consistent Individualized Feature Attribution for
 * Tree Ensembles", arXiv:1802.03888. The EXTEND / UNWIND / unwound-sum steps follow the
 * reference C++ of the `shap` package (`shap/cext/tree_shap.h`: extend_path, unwind_path,
 * unwound_path_sum, tree_shap_recursive), which is the published implementation of that
 * algorithm and also what XGBoost's `pred_contribs` runs.
 *
 * The value function explained is the "path-dependent" conditional expectation
 *   v(S) = E[f(x) | x_S] ≈ the tree's output when a split on a feature in S follows x, and a
 *   split on a feature outside S follows both branches weighted by cover[child] / cover[node],
 * (Lundberg et al. 2020, Methods, Algorithm 1, "EXPVALUE"). `bruteForceShapley` evaluates that
 * v(S) on every subset, for tests.
 */
import { treeDepth, type Tree, type TreeEnsemble } from "./tree";

export interface ShapExplanation {
  /** E[f(x)] under the cover-weighted path distribution plus the model's base margin
   * (log-odds). The same for every row of one model. */
  baseValue: number;
  /** One SHAP value per feature (log-odds); baseValue + Σ values = predictMargin(model, x). */
  values: Float64Array;
}

/**
 * Expected output of a tree under the cover weights: E(node) = Σ_child cover[child]/cover[node]
 * · E(child). Weighting by the node's own cover (not the children's sum) is what Algorithm 2
 * implicitly uses, so local accuracy holds exactly even when covers are not additive (XGBoost
 * stores them as float32).
 */
function expectedValue(tree: Tree, node: number): number {
  if (tree.left[node] === -1) return tree.value[node];
  const l = tree.left[node];
  const r = tree.right[node];
  return (tree.cover[l] * expectedValue(tree, l) + tree.cover[r] * expectedValue(tree, r)) / tree.cover[node];
}

/**
 * Per-call preparation: the base value and the deepest tree (for the path buffer). Recomputed
 * on every call rather than cached per model object, since it costs O(nodes), far less than the
 * explanation itself, and a cache would go stale if a caller appended trees to a model.
 */
function prepare(model: TreeEnsemble): { baseValue: number; maxDepth: number } {
  let baseValue = model.baseMargin;
  let maxDepth = 0;
  for (const tree of model.trees) {
    for (let i = 0; i < tree.cover.length; i++) {
      if (tree.left[i] !== -1 && !(tree.cover[i] > 0)) throw new Error(`treeShap: node ${i} has cover ${tree.cover[i]}; covers of internal nodes must be > 0`);
    }
    baseValue += expectedValue(tree, 0);
    maxDepth = Math.max(maxDepth, treeDepth(tree));
  }
  return { baseValue, maxDepth };
}

/**
 * The "unique path" of Algorithm 2 as four parallel arrays. Each recursion level owns a slice
 * starting at `offset` (the caller's slice is copied into it, as in the reference code), so a
 * path of depth D needs (D+1)(D+2)/2 elements in all.
 */
class PathBuffer {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  pweight: Float64Array;
  constructor(size: number) {
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.pweight = new Float64Array(size);
  }
}

/** EXTEND (Algorithm 2): grow the path by one feature with fractions (zero, one). */
function extend(p: PathBuffer, o: number, depth: number, zero: number, one: number, feature: number): void {
  const pw = p.pweight;
  p.feature[o + depth] = feature;
  p.zero[o + depth] = zero;
  p.one[o + depth] = one;
  pw[o + depth] = depth === 0 ? 1 : 0;
  const d1 = depth + 1;
  for (let i = depth - 1; i >= 0; i--) {
    pw[o + i + 1] += (one * pw[o + i] * (i + 1)) / d1;
    pw[o + i] = (zero * pw[o + i] * (depth - i)) / d1;
  }
}

/** UNWIND (Algorithm 2): undo the EXTEND of element `index`, shrinking the path by one. */
function unwind(p: PathBuffer, o: number, depth: number, index: number): void {
  const pw = p.pweight;
  const pf = p.feature;
  const pz = p.zero;
  const po = p.one;
  const one = po[o + index];
  const zero = pz[o + index];
  const d1 = depth + 1;
  let next = pw[o + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = pw[o + i];
      pw[o + i] = (next * d1) / ((i + 1) * one);
      next = tmp - (pw[o + i] * zero * (depth - i)) / d1;
    } else {
      pw[o + i] = (pw[o + i] * d1) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    pf[o + i] = pf[o + i + 1];
    pz[o + i] = pz[o + i + 1];
    po[o + i] = po[o + i + 1];
  }
}

/** Σ of the path weights after unwinding element `index`, without modifying the path
 * (shap's unwound_path_sum: the (depth+1) factor is applied once at the end). */
function unwoundSum(p: PathBuffer, o: number, depth: number, index: number): number {
  const pw = p.pweight;
  const one = p.one[o + index];
  const zero = p.zero[o + index];
  let total = 0;
  if (one !== 0) {
    let next = pw[o + depth];
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = next / ((i + 1) * one);
      total += tmp;
      next = pw[o + i] - tmp * zero * (depth - i);
    }
  } else {
    for (let i = depth - 1; i >= 0; i--) total += pw[o + i] / (zero * (depth - i));
  }
  return total * (depth + 1);
}

/**
 * RECURSE (Algorithm 2) over one tree, accumulating into phi. The recursion is a closure over
 * the tree's and the path's arrays so each call passes only what changes (node, depth, slice
 * offset, fractions, feature); copies are plain loops, which beat copyWithin on these short
 * (≤ depth + 1) slices.
 */
function explainTree(tree: Tree, x: ArrayLike<number>, phi: Float64Array, p: PathBuffer, record?: Recording): void {
  const { feature: tFeature, threshold, left: tLeft, right: tRight, defaultLeft, value, cover } = tree;
  const pf = p.feature;
  const pz = p.zero;
  const po = p.one;
  const pw = p.pweight;

  const recurse = (node: number, depth: number, parentOffset: number, parentZero: number, parentOne: number, parentFeature: number): void => {
    // This level's copy of the path begins right after the parent's (depth + 1 elements used).
    const o = parentOffset + depth;
    for (let i = 0; i < depth; i++) {
      pf[o + i] = pf[parentOffset + i];
      pz[o + i] = pz[parentOffset + i];
      po[o + i] = po[parentOffset + i];
      pw[o + i] = pw[parentOffset + i];
    }
    extend(p, o, depth, parentZero, parentOne, parentFeature);

    const left = tLeft[node];
    if (left === -1) {
      const v = value[node];
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(p, o, depth, i);
        const delta = w * (po[o + i] - pz[o + i]) * v;
        phi[pf[o + i]] += delta;
        if (record) {
          record.features.push(pf[o + i]);
          record.deltas.push(delta);
        }
      }
      return;
    }
    const right = tRight[node];
    const f = tFeature[node];
    const xv = x[f];
    const goLeft = xv !== xv ? defaultLeft[node] === 1 : xv < threshold[node];
    const hot = goLeft ? left : right;
    const cold = goLeft ? right : left;
    const c = cover[node];
    const hotZero = cover[hot] / c;
    const coldZero = cover[cold] / c;
    let incomingZero = 1;
    let incomingOne = 1;
    // A feature already on the path is unwound and re-extended with the product of its
    // fractions, so each feature appears once (Algorithm 2, "if d_j ∈ m").
    let k = 1;
    while (k <= depth && pf[o + k] !== f) k++;
    if (k <= depth) {
      incomingZero = pz[o + k];
      incomingOne = po[o + k];
      unwind(p, o, depth, k);
      depth -= 1;
    }
    recurse(hot, depth + 1, o, hotZero * incomingZero, incomingOne, f);
    recurse(cold, depth + 1, o, coldZero * incomingZero, 0, f);
  };
  recurse(0, 0, 0, 1, 1, -1);
}

/** The additions one tree's recursion made to phi, in order: phi[features[k]] += deltas[k]. */
interface Recording {
  features: number[];
  deltas: number[];
}

/**
 * The most internal nodes a tree may have for its explanations to be memoised by the routing of
 * a row (a bit per internal node in one 32-bit mask); deeper trees are explained row by row.
 */
const MAX_MEMO_INTERNAL = 31;

/**
 * Per tree, the explanations already computed, by routing: the recursion of Algorithm 2 visits
 * every node and reads x only through each internal node's decision (left or right, NaN by its
 * default), so two rows that take the same side at every internal node get the same additions to
 * phi, in the same order. Replaying them gives the same floats as recomputing them, to the bit,
 * and a depth-3 tree has at most 2^7 routings however many rows are explained.
 */
interface TreeMemo {
  internal: Int32Array;
  byRouting: Map<number, Recording>;
}

function treeMemo(tree: Tree): TreeMemo | null {
  const internal: number[] = [];
  for (let i = 0; i < tree.left.length; i++) if (tree.left[i] !== -1) internal.push(i);
  return internal.length > MAX_MEMO_INTERNAL ? null : { internal: Int32Array.from(internal), byRouting: new Map() };
}

/** The routing of row x in a tree: bit k set when x goes left at the k-th internal node. */
function routing(tree: Tree, internal: Int32Array, x: ArrayLike<number>): number {
  const { feature, threshold, defaultLeft } = tree;
  let mask = 0;
  for (let k = 0; k < internal.length; k++) {
    const node = internal[k];
    const xv = x[feature[node]];
    const goLeft = xv !== xv ? defaultLeft[node] === 1 : xv < threshold[node];
    if (goLeft) mask |= 1 << k;
  }
  return mask >>> 0;
}

function explainInto(model: TreeEnsemble, x: ArrayLike<number>, phi: Float64Array, p: PathBuffer, memos?: (TreeMemo | null)[]): void {
  model.trees.forEach((tree, t) => {
    if (tree.left[0] === -1) return; // a single leaf only shifts the base value
    const memo = memos?.[t] ?? null;
    if (memo === null) {
      explainTree(tree, x, phi, p);
      return;
    }
    const key = routing(tree, memo.internal, x);
    const known = memo.byRouting.get(key);
    if (known === undefined) {
      const record: Recording = { features: [], deltas: [] };
      explainTree(tree, x, phi, p, record);
      memo.byRouting.set(key, record);
      return;
    }
    const { features, deltas } = known;
    for (let k = 0; k < features.length; k++) phi[features[k]] += deltas[k];
  });
}

function pathSize(maxDepth: number): number {
  // Depth D has D + 1 split levels + the root's dummy element; (D+2)(D+3)/2 bounds all slices.
  return ((maxDepth + 2) * (maxDepth + 3)) / 2;
}

/**
 * SHAP values of one row, exact path-dependent TreeSHAP (Lundberg et al. 2020, Algorithm 2).
 * @param x one row with ≥ featureNames.length entries; NaN = missing (follows defaultLeft).
 * @returns baseValue (log-odds) and one value per feature (log-odds) with
 *   baseValue + Σ values = predictMargin(model, x) up to float rounding (≈1e-12 relative).
 * @throws Error when an internal node has cover ≤ 0 or a tree is malformed.
 */
export function treeShap(model: TreeEnsemble, x: ArrayLike<number>): ShapExplanation {
  return treeShapBatch(model, [x])[0];
}

/**
 * `treeShap` over many rows, sharing the per-model preparation and the path buffer, and each
 * tree's explanation per routing (the side taken at every internal node: rows routed alike get
 * the same additions, replayed in the same order, so every value equals `treeShap`'s to the bit).
 * For the churn model's depth-3 trees that is at most 128 recursions per tree whatever the
 * number of rows.
 * @throws Error as {@link treeShap}
 */
export function treeShapBatch(model: TreeEnsemble, rows: readonly ArrayLike<number>[]): ShapExplanation[] {
  const { baseValue, maxDepth } = prepare(model);
  const p = new PathBuffer(pathSize(maxDepth));
  const nf = model.featureNames.length;
  const memos = rows.length > 1 ? model.trees.map(treeMemo) : undefined;
  const out: ShapExplanation[] = [];
  for (const x of rows) {
    const values = new Float64Array(nf);
    explainInto(model, x, values, p, memos);
    out.push({ baseValue, values });
  }
  return out;
}

/**
 * v(S) of one tree (Lundberg et al. 2020, Algorithm 1 "EXPVALUE"): splits on features in S
 * follow x, others average their children by cover[child] / cover[node].
 */
function conditionalValue(tree: Tree, x: ArrayLike<number>, inS: Uint8Array, node: number): number {
  if (tree.left[node] === -1) return tree.value[node];
  const f = tree.feature[node];
  const l = tree.left[node];
  const r = tree.right[node];
  if (inS[f] === 1) {
    const v = x[f];
    const goLeft = v !== v ? tree.defaultLeft[node] === 1 : v < tree.threshold[node];
    return conditionalValue(tree, x, inS, goLeft ? l : r);
  }
  return (tree.cover[l] * conditionalValue(tree, x, inS, l) + tree.cover[r] * conditionalValue(tree, x, inS, r)) / tree.cover[node];
}

/**
 * Shapley values by the definition φ_i = Σ_{S ⊆ M∖{i}} |S|! (M−|S|−1)! / M! · (v(S∪{i}) − v(S))
 * (Shapley 1953, "A value for n-person games"; Lundberg et al. 2020, Methods, eq. for φ_i) with the path-dependent
 * v(S) above, over all M = featureNames.length features: O(2^M · nodes). For tests only.
 * @returns one value per feature (log-odds), the same quantity `treeShap` computes.
 * @throws Error when M > 20 (2^M subsets would not finish).
 */
export function bruteForceShapley(model: TreeEnsemble, x: ArrayLike<number>): Float64Array {
  const m = model.featureNames.length;
  if (m > 20) throw new Error(`bruteForceShapley: ${m} features is too many for 2^M subsets (max 20)`);
  const nSubsets = 1 << m;
  const v = new Float64Array(nSubsets);
  const inS = new Uint8Array(m);
  for (let s = 0; s < nSubsets; s++) {
    for (let j = 0; j < m; j++) inS[j] = (s >>> j) & 1;
    let total = model.baseMargin;
    for (const tree of model.trees) total += conditionalValue(tree, x, inS, 0);
    v[s] = total;
  }
  // weight[k] = k! (M−k−1)! / M!, from log-factorials-free products to stay exact for small M.
  const factorial = [1];
  for (let k = 1; k <= m; k++) factorial.push(factorial[k - 1] * k);
  const phi = new Float64Array(m);
  for (let s = 0; s < nSubsets; s++) {
    let size = 0;
    for (let j = 0; j < m; j++) size += (s >>> j) & 1;
    if (size === m) continue;
    const weight = (factorial[size] * factorial[m - size - 1]) / factorial[m];
    for (let i = 0; i < m; i++) {
      if ((s >>> i) & 1) continue;
      phi[i] += weight * (v[s | (1 << i)] - v[s]);
    }
  }
  return phi;
}

