/**
 * Our tree format: one regression tree per `Tree`, stored as parallel typed arrays over nodes
 * (structure of arrays), so a whole ensemble is a handful of contiguous buffers that predict and
 * TreeSHAP walk without allocating, and that serialise to JSON trivially.
 *
 * Conventions follow XGBoost (Chen & Guestrin 2016, "XGBoost: A Scalable Tree Boosting System",
 * KDD), so a model loaded from XGBoost's JSON keeps its meaning node for node:
 * - node 0 is the root; node i is a leaf when `left[i] === -1` (then `right[i] === -1` too);
 * - an internal node sends `x` left when `x[feature[i]] < threshold[i]` (strict), right otherwise;
 * - a missing value (NaN) goes left when `defaultLeft[i] === 1`, right otherwise (the learned
 *   "default direction" of the paper's sparsity-aware split finding, Algorithm 3);
 * - `value[i]` is the leaf's output in margin space (already multiplied by the learning rate);
 *   internal nodes may carry the node's would-be weight, which prediction ignores;
 * - `cover[i]` is the sum of the training hessians that reached node i (for logloss,
 *   Σ p(1−p); for squared error, the sample count). Path-dependent TreeSHAP uses the ratios
 *   cover[child] / cover[node] as the probability of following a branch when the split's
 *   feature is "unknown" (Lundberg et al. 2020, Methods, Algorithm 2).
 */

export interface Tree {
  /** Feature index split on at each node; -1 at leaves. */
  feature: Int32Array;
  /** Split threshold at each node: go left when x[feature] < threshold. Unused at leaves. */
  threshold: Float64Array;
  /** Left child index, -1 at leaves. */
  left: Int32Array;
  /** Right child index, -1 at leaves. */
  right: Int32Array;
  /** 1 when a missing (NaN) value goes left, 0 when it goes right. */
  defaultLeft: Uint8Array;
  /** Leaf output (margin units, learning rate applied). */
  value: Float64Array;
  /** Hessian sum (or sample count) of the training rows that reached the node; > 0. */
  cover: Float64Array;
}

export interface TreeEnsemble {
  trees: Tree[];
  /** The margin every prediction starts from (log-odds for binary:logistic). */
  baseMargin: number;
  /** Column names, in the order of the feature indices the trees use. */
  featureNames: string[];
  objective: "binary:logistic" | "reg:squarederror";
}

/** Index of the leaf that row `x` reaches in `tree` (missing values follow defaultLeft). */
export function leafIndex(tree: Tree, x: ArrayLike<number>): number {
  const { feature, threshold, left, right, defaultLeft } = tree;
  let node = 0;
  while (left[node] !== -1) {
    const v = x[feature[node]];
    // NaN fails every comparison, so test it first rather than relying on `<` to route it.
    if (v !== v) node = defaultLeft[node] === 1 ? left[node] : right[node];
    else node = v < threshold[node] ? left[node] : right[node];
  }
  return node;
}

/**
 * The raw score: baseMargin + Σ_trees leaf value (Chen & Guestrin 2016, eq. 1).
 * @param x one row, length ≥ the number of features; NaN = missing.
 * @returns margin (log-odds for binary:logistic, the prediction itself for reg:squarederror).
 */
export function predictMargin(model: TreeEnsemble, x: ArrayLike<number>): number {
  let margin = model.baseMargin;
  for (const tree of model.trees) margin += tree.value[leafIndex(tree, x)];
  return margin;
}

/** The logistic function 1 / (1 + e^−z), written to stay finite for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * The model's prediction on the response scale: sigmoid(margin) ∈ (0, 1) for binary:logistic
 * (the probability of the positive class), the margin itself for reg:squarederror.
 */
export function predictProbability(model: TreeEnsemble, x: ArrayLike<number>): number {
  const margin = predictMargin(model, x);
  return model.objective === "binary:logistic" ? sigmoid(margin) : margin;
}

/** Depth of the deepest leaf (root alone = 0). Throws on a cycle or a dangling child index. */
export function treeDepth(tree: Tree): number {
  const n = tree.left.length;
  let maxDepth = 0;
  const stack: number[] = [0, 0];
  let visited = 0;
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const node = stack.pop()!;
    if (node < 0 || node >= n) throw new Error(`tree: child index ${node} outside 0..${n - 1}`);
    if (++visited > n) throw new Error("tree: a node is reachable twice (not a tree)");
    if (depth > maxDepth) maxDepth = depth;
    if (tree.left[node] !== -1) stack.push(tree.left[node], depth + 1, tree.right[node], depth + 1);
  }
  return maxDepth;
}

/** Builds a Tree from plain arrays (tests, loaders); every array must have one entry per node. */
export function makeTree(nodes: {
  feature: ArrayLike<number>;
  threshold: ArrayLike<number>;
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  defaultLeft: ArrayLike<number | boolean>;
  value: ArrayLike<number>;
  cover: ArrayLike<number>;
}): Tree {
  const n = nodes.left.length;
  for (const key of ["feature", "threshold", "right", "defaultLeft", "value", "cover"] as const) {
    if (nodes[key].length !== n) throw new Error(`makeTree: ${key} has ${nodes[key].length} entries, left has ${n}`);
  }
  const defaultLeft = new Uint8Array(n);
  for (let i = 0; i < n; i++) defaultLeft[i] = nodes.defaultLeft[i] ? 1 : 0;
  return {
    feature: Int32Array.from(nodes.feature),
    threshold: Float64Array.from(nodes.threshold),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    defaultLeft,
    value: Float64Array.from(nodes.value),
    cover: Float64Array.from(nodes.cover),
  };
}
