/*
 * CART regression trees (Breiman, Friedman, Olshen & Stone, "Classification and Regression
 * Trees", 1984, ch. 8: least-squares regression trees), with the exact semantics of
 * scikit-learn's DecisionTreeRegressor(criterion="squared_error", splitter="best") as of 1.2
 * (sklearn/tree/_splitter.pyx BestSplitter, _criterion.pyx MSE, _tree.pyx DepthFirstTreeBuilder),
 * so that a tree fitted here can be checked split for split against sklearn
 * (tests/fixtures/models/cart-*.json, made once by scripts/fixtures/make_cart_fixture.py).
 *
 * Pure math: no I/O. Node ids are sklearn's: depth first, a node before its children, the left
 * subtree before the right one.
 *
 * What is copied from sklearn, and why it matters for equality:
 * - X is cast to float32 (sklearn's DTYPE) before splitting and predicting; thresholds are
 *   computed in float64 from the float32 values as a/2 + b/2 (not (a+b)/2), falling back to a
 *   when the midpoint rounds to b.
 * - Values within 1e-7 of each other (FEATURE_THRESHOLD) are one value; a feature whose node range
 *   is within 1e-7 is constant and never split.
 * - The split search maximises the proxy sum_left²/n_left + sum_right²/n_right, which orders
 *   splits exactly like the impurity decrease; candidate positions leaving fewer than
 *   min_samples_leaf on either side are skipped, and a candidate must be strictly better than the
 *   best so far.
 * - Stopping: depth >= max_depth, n < min_samples_split, n < 2·min_samples_leaf, node impurity
 *   <= DBL_EPSILON, no valid split, or weighted improvement + DBL_EPSILON < min_impurity_decrease
 *   where improvement = n_node/n_total · (impurity − n_right/n_node·impurity_right −
 *   n_left/n_node·impurity_left).
 * - Impurities are the MSE formula sum(y²)/n − (sum(y)/n)², children's taken from the parent's
 *   split as sklearn stores them.
 *
 * Ties. sklearn visits the features in a random permutation (random_state) and keeps the first
 * strictly better split, so when two splits have exactly the same proxy the winner depends on
 * random_state. Here features are visited in index order and thresholds in increasing order,
 * with the same strict comparison: a tie goes to the lowest feature index, then the lowest
 * threshold. On data without exact ties the best split is unique and both agree; the fixtures
 * are checked to be tie-free (the generator refits with ten random_states). Within one feature
 * sklearn also keeps the lowest threshold, so only ties between features can differ.
 *
 * Rounding. Sums of y are formed in a different order from sklearn's (its sort is not stable),
 * so results are bit-identical only when those sums are exact in float64: integer targets such
 * as money in minor units with |Σy²| < 2^53, or dyadic fractions. Otherwise the two can differ
 * in the last bits, which only matters for splits whose improvements agree to ~1e-15.
 */

/**
 * Values closer than this are the same value for splitting: sklearn's FEATURE_THRESHOLD, a
 * float32 1e-7 added to float32 values in float32 arithmetic (hence the Math.fround below).
 */
const FEATURE_THRESHOLD = Math.fround(1e-7);
/** x + FEATURE_THRESHOLD as sklearn computes it (float32 + float32 → float32). */
const plusThreshold = (x: number) => Math.fround(x + FEATURE_THRESHOLD);
/** sklearn's EPSILON = np.finfo('double').eps. */
const EPSILON = Number.EPSILON;

/**
 * Hyper-parameters, named and defaulted like sklearn's: maxDepth (None = unlimited), minSamplesLeaf
 * 1, minSamplesSplit 2, minImpurityDecrease 0. Counts only (sklearn's float fractions are not
 * supported); best-first growth (`max_leaf_nodes`) is not implemented, hence `never`.
 */
export interface CartOptions {
  maxDepth?: number;
  minSamplesLeaf?: number;
  minSamplesSplit?: number;
  minImpurityDecrease?: number;
  maxLeafNodes?: never;
}

/** One node, as sklearn's tree_ arrays at index `id`; leaves have feature/threshold/children null. */
interface CartNode {
  id: number;
  depth: number;
  /** Training rows reaching the node (tree_.n_node_samples). */
  samples: number;
  /** Mean target of those rows (tree_.value). */
  value: number;
  /** Mean squared error of those rows around `value` (tree_.impurity). */
  impurity: number;
  feature: number | null;
  /** Rows with x[feature] <= threshold go left (float32 x against a float64 threshold, as sklearn). */
  threshold: number | null;
  left: number | null;
  right: number | null;
}

export interface RegressionTree {
  /** nodes[i].id === i; nodes[0] is the root. */
  nodes: CartNode[];
  featureNames: string[];
}

interface ResolvedOptions {
  maxDepth: number;
  minSamplesLeaf: number;
  minSamplesSplit: number;
  minImpurityDecrease: number;
}

function resolveOptions(opts: CartOptions): ResolvedOptions {
  const { maxDepth = Infinity, minSamplesLeaf = 1, minSamplesSplit = 2, minImpurityDecrease = 0 } = opts;
  if ((opts as { maxLeafNodes?: unknown }).maxLeafNodes !== undefined) {
    throw new Error("fitRegressionTree: maxLeafNodes (best-first growth) is not supported");
  }
  if (maxDepth !== Infinity && !(Number.isInteger(maxDepth) && maxDepth >= 1)) {
    throw new Error(`fitRegressionTree: maxDepth must be an integer >= 1, got ${maxDepth}`);
  }
  if (!(Number.isInteger(minSamplesLeaf) && minSamplesLeaf >= 1)) {
    throw new Error(`fitRegressionTree: minSamplesLeaf must be an integer >= 1, got ${minSamplesLeaf}`);
  }
  if (!(Number.isInteger(minSamplesSplit) && minSamplesSplit >= 2)) {
    throw new Error(`fitRegressionTree: minSamplesSplit must be an integer >= 2, got ${minSamplesSplit}`);
  }
  if (!(Number.isFinite(minImpurityDecrease) && minImpurityDecrease >= 0)) {
    throw new Error(`fitRegressionTree: minImpurityDecrease must be a finite number >= 0, got ${minImpurityDecrease}`);
  }
  // sklearn's fit: min_samples_split = max(min_samples_split, 2 * min_samples_leaf).
  return { maxDepth, minSamplesLeaf, minSamplesSplit: Math.max(minSamplesSplit, 2 * minSamplesLeaf), minImpurityDecrease };
}

interface Split {
  feature: number;
  threshold: number;
  /** Rows going left. */
  nLeft: number;
}

/**
 * Fits a least-squares regression tree (CART) with scikit-learn's DecisionTreeRegressor
 * semantics (criterion="squared_error", splitter="best", all features considered, unit sample
 * weights); see the file comment for what is reproduced and how ties are broken.
 *
 * @param X            n rows × p features; finite numbers, cast to float32 as sklearn does
 * @param y            n finite targets (e.g. revenue in minor units)
 * @param featureNames p names, kept on the tree for reading it (leafPaths, profiles)
 * @param opts         maxDepth (default unlimited), minSamplesLeaf (1), minSamplesSplit (2),
 *                     minImpurityDecrease (0, in the units of y²)
 * @returns the nodes in sklearn's order (root 0, depth first, left before right)
 * @throws Error when n = 0, lengths disagree, a value is not finite (or overflows float32), or an
 *         option is out of range; maxLeafNodes is not supported
 */
export function fitRegressionTree(
  X: readonly (readonly number[])[],
  y: readonly number[],
  featureNames: string[],
  opts: CartOptions = {},
): RegressionTree {
  const o = resolveOptions(opts);
  const n = y.length;
  const p = featureNames.length;
  if (n === 0) throw new Error("fitRegressionTree: no rows");
  if (X.length !== n) throw new Error(`fitRegressionTree: X has ${X.length} rows but y has ${n}`);
  const cols: Float64Array[] = Array.from({ length: p }, () => new Float64Array(n));
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = X[i];
    if (row.length !== p) throw new Error(`fitRegressionTree: row ${i} has ${row.length} features, expected ${p}`);
    for (let j = 0; j < p; j++) {
      const v = Math.fround(row[j]);
      if (!Number.isFinite(v)) throw new Error(`fitRegressionTree: X[${i}][${j}] = ${row[j]} is not a finite float32`);
      cols[j][i] = v;
    }
    if (!Number.isFinite(y[i])) throw new Error(`fitRegressionTree: y[${i}] = ${y[i]} is not finite`);
    target[i] = y[i];
  }

  const samples = new Int32Array(n);
  for (let i = 0; i < n; i++) samples[i] = i;
  const nodes: CartNode[] = [];
  // Scratch buffers shared by all nodes (a node only ever uses [start, end)).
  const order = new Int32Array(n);
  const xs = new Float64Array(n);

  type Task = { start: number; end: number; depth: number; parent: number; isLeft: boolean; impurity: number };
  const stack: Task[] = [{ start: 0, end: n, depth: 0, parent: -1, isLeft: false, impurity: NaN }];
  while (stack.length > 0) {
    const task = stack.pop()!;
    const { start, end, depth } = task;
    const count = end - start;
    let sum = 0;
    let sqSum = 0;
    for (let k = start; k < end; k++) {
      const v = target[samples[k]];
      sum += v;
      sqSum += v * v;
    }
    const mean = sum / count;
    const impurity = task.parent < 0 ? sqSum / count - mean * mean : task.impurity;
    let isLeaf = depth >= o.maxDepth || count < o.minSamplesSplit || count < 2 * o.minSamplesLeaf || impurity <= EPSILON;

    let split: Split | null = null;
    let impurityLeft = NaN;
    let impurityRight = NaN;
    if (!isLeaf) {
      split = bestSplit(cols, target, samples, start, end, sum, o.minSamplesLeaf, order, xs);
      if (split === null) {
        isLeaf = true;
      } else {
        // Partition samples[start:end] into x <= threshold | x > threshold (order kept; the sum
        // order does not matter for the exact sums this module is validated on).
        const col = cols[split.feature];
        let w = start;
        for (let k = start; k < end; k++) if (col[samples[k]] <= split.threshold) order[w++] = samples[k];
        for (let k = start; k < end; k++) if (!(col[samples[k]] <= split.threshold)) order[w++] = samples[k];
        samples.set(order.subarray(start, end), start);
        const nl = split.nLeft;
        const nr = count - nl;
        let sumLeft = 0;
        let sqLeft = 0;
        for (let k = start; k < start + nl; k++) {
          const v = target[samples[k]];
          sumLeft += v;
          sqLeft += v * v;
        }
        const sumRight = sum - sumLeft;
        const sqRight = sqSum - sqLeft;
        const meanLeft = sumLeft / nl;
        const meanRight = sumRight / nr;
        impurityLeft = sqLeft / nl - meanLeft * meanLeft;
        impurityRight = sqRight / nr - meanRight * meanRight;
        const improvement = (count / n) * (impurity - (nr / count) * impurityRight - (nl / count) * impurityLeft);
        if (improvement + EPSILON < o.minImpurityDecrease) isLeaf = true;
      }
    }

    const id = nodes.length;
    nodes.push({
      id,
      depth,
      samples: count,
      value: mean,
      impurity,
      feature: isLeaf ? null : split!.feature,
      threshold: isLeaf ? null : split!.threshold,
      left: null,
      right: null,
    });
    if (task.parent >= 0) {
      if (task.isLeft) nodes[task.parent].left = id;
      else nodes[task.parent].right = id;
    }
    if (!isLeaf) {
      const mid = start + split!.nLeft;
      // Right pushed first so the left child is popped (and numbered) first, as in sklearn.
      stack.push({ start: mid, end, depth: depth + 1, parent: id, isLeft: false, impurity: impurityRight });
      stack.push({ start, end: mid, depth: depth + 1, parent: id, isLeft: true, impurity: impurityLeft });
    }
  }
  return { nodes, featureNames: [...featureNames] };
}

/**
 * The best split of samples[start:end] by sklearn's proxy improvement, or null when no feature
 * has a position leaving minSamplesLeaf rows on each side. Features in index order, positions
 * in increasing order, strict improvement: ties go to the lowest feature, then lowest threshold.
 */
function bestSplit(
  cols: Float64Array[],
  target: Float64Array,
  samples: Int32Array,
  start: number,
  end: number,
  sumTotal: number,
  minLeaf: number,
  order: Int32Array,
  xs: Float64Array,
): Split | null {
  const count = end - start;
  let best: Split | null = null;
  let bestProxy = -Infinity;
  const idx = order.subarray(0, count);
  for (let f = 0; f < cols.length; f++) {
    const col = cols[f];
    for (let k = 0; k < count; k++) idx[k] = samples[start + k];
    idx.sort((a, b) => col[a] - col[b]);
    for (let k = 0; k < count; k++) xs[k] = col[idx[k]];
    if (xs[count - 1] <= plusThreshold(xs[0])) continue;
    let sumLeft = 0;
    let k = 0; // rows [0, k) are on the left
    let q = 0;
    while (q < count) {
      while (q + 1 < count && xs[q + 1] <= plusThreshold(xs[q])) q++;
      q++;
      if (q >= count) break;
      // Candidate position q: left = rows [0, q).
      if (q < minLeaf || count - q < minLeaf) continue;
      for (; k < q; k++) sumLeft += target[idx[k]];
      const sumRight = sumTotal - sumLeft;
      const proxy = (sumLeft * sumLeft) / q + (sumRight * sumRight) / (count - q);
      if (proxy > bestProxy) {
        bestProxy = proxy;
        let threshold = xs[q - 1] / 2 + xs[q] / 2;
        if (threshold === xs[q] || !Number.isFinite(threshold)) threshold = xs[q - 1];
        best = { feature: f, threshold, nLeft: q };
      }
    }
  }
  return best;
}

/**
 * The id of the leaf a row falls into (sklearn's `apply`): go left while x[feature] <= threshold,
 * with x cast to float32 first.
 *
 * @param x one row, features in the tree's order
 * @throws Error on an empty tree or a row shorter than the features the tree uses
 */
export function applyTree(tree: RegressionTree, x: ArrayLike<number>): number {
  if (tree.nodes.length === 0) throw new Error("applyTree: empty tree");
  let node = tree.nodes[0];
  while (node.feature !== null) {
    if (node.feature >= x.length) throw new Error(`applyTree: row has ${x.length} features, needs feature ${node.feature}`);
    node = tree.nodes[Math.fround(x[node.feature]) <= node.threshold! ? node.left! : node.right!];
  }
  return node.id;
}

/**
 * The prediction for one row: the mean target of its leaf (sklearn's `predict`).
 *
 * @param x one row, features in the tree's order
 * @throws Error on an empty tree or a too short row
 */
export function predictTree(tree: RegressionTree, x: ArrayLike<number>): number {
  return tree.nodes[applyTree(tree, x)].value;
}

/** The conditions that lead to one leaf, the leaf's size and value. */
export interface LeafPath {
  leafId: number;
  /** Path order (root first), at most one `<=` and one `>` per feature. */
  conditions: Array<{ feature: number; op: "<=" | ">"; threshold: number }>;
  samples: number;
  value: number;
}

/**
 * Every leaf with the conditions on its path, leaves in node-id order (left to right). Repeated
 * conditions with the same feature and direction are merged into the tightest one (age > 23.5
 * then age > 30 → age > 30; age <= 47.5 then age <= 40 → age <= 40), kept at the position where
 * the feature first appeared in that direction, so a leaf reads as an interval per feature.
 *
 * @returns [] for an empty tree; one leaf with no conditions for a single-node tree
 */
export function leafPaths(tree: RegressionTree): LeafPath[] {
  const out: LeafPath[] = [];
  if (tree.nodes.length === 0) return out;
  type Cond = LeafPath["conditions"][number];
  const walk = (id: number, conds: Cond[]) => {
    const node = tree.nodes[id];
    if (node.feature === null) {
      const merged: Cond[] = [];
      const at = new Map<string, number>();
      for (const c of conds) {
        const key = `${c.feature}${c.op}`;
        const i = at.get(key);
        if (i === undefined) {
          at.set(key, merged.length);
          merged.push({ ...c });
        } else if (c.op === "<=" ? c.threshold < merged[i].threshold : c.threshold > merged[i].threshold) {
          merged[i].threshold = c.threshold;
        }
      }
      out.push({ leafId: id, conditions: merged, samples: node.samples, value: node.value });
      return;
    }
    walk(node.left!, [...conds, { feature: node.feature, op: "<=", threshold: node.threshold! }]);
    walk(node.right!, [...conds, { feature: node.feature, op: ">", threshold: node.threshold! }]);
  };
  walk(0, []);
  return out;
}
