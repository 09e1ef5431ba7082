/**
 * Loads an XGBoost model into our tree format (lib/models/tree.ts), covers included, so that
 * our predictMargin and treeShap can be checked against XGBoost's own predict and pred_contribs
 * (tests/fixtures/models/xgboost-treeshap.json), or so a model trained elsewhere can be served.
 *
 * Two inputs are understood (XGBoost 1.x–2.x, gbtree or dart, numeric splits, one output):
 * 1. The document written by `Booster.save_model("m.json")` (XGBoost's JSON model schema,
 *    doc/model.schema in the XGBoost repository): per tree the parallel arrays
 *    left_children / right_children (−1 at leaves), split_indices, split_conditions (the leaf
 *    value at leaves), default_left and sum_hessian (the cover). `learner_model_param.base_score`
 *    is a probability for binary:logistic and becomes baseMargin = logit(base_score); for
 *    reg:squarederror it is the margin itself.
 * 2. The dump of `Booster.get_dump(dump_format="json", with_stats=True)`: nested nodes
 *    {nodeid, split, split_condition, yes, no, missing, cover, children} and leaves
 *    {nodeid, leaf, cover}; either the list itself (strings or parsed objects), or
 *    `{ dump, baseScore, objective }`. A dump does not record base_score: a bare list gets
 *    base_score 0.5 (XGBoost 1.x's default; margin 0 for binary:logistic), so pass `baseScore`
 *    for any model trained with another.
 *
 * XGBoost keeps thresholds, leaf values and covers as float32; they are read through
 * Math.fround so that our comparisons `x < threshold` see exactly XGBoost's thresholds (for
 * float32-representable inputs, routing is then identical; sums stay float64 here, float32
 * there, which is why predictions agree to ~1e-6 rather than exactly).
 */
import type { Tree, TreeEnsemble } from "./tree";

type Json = unknown;

function fail(message: string): never {
  throw new Error(`loadXgboostModel: ${message}`);
}

function obj(v: Json, where: string): Record<string, Json> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(`${where} is not an object`);
  return v as Record<string, Json>;
}

function numArray(v: Json, where: string): number[] {
  if (!Array.isArray(v)) fail(`${where} is not an array`);
  return v.map((x, i) => {
    const n = typeof x === "boolean" ? (x ? 1 : 0) : typeof x === "string" ? Number(x) : x;
    if (typeof n !== "number" || Number.isNaN(n)) fail(`${where}[${i}] is not a number`);
    return n;
  });
}

/** Parses XGBoost's base_score string ("3.5E-1", or "[3.5E-1]" in 2.1+ vector form). */
function parseBaseScore(v: Json): number {
  const s = typeof v === "string" ? v.replace(/^\[|\]$/g, "") : v;
  const b = typeof s === "string" ? Number(s) : s;
  if (typeof b !== "number" || !Number.isFinite(b)) fail(`base_score ${String(v)} is not a number`);
  return b;
}

function objectiveOf(name: string): TreeEnsemble["objective"] {
  if (name === "binary:logistic" || name === "reg:logistic") return "binary:logistic";
  if (name === "reg:squarederror" || name === "reg:linear") return "reg:squarederror";
  return fail(`objective ${name} is not supported (binary:logistic, reg:logistic, reg:squarederror)`);
}

/** XGBoost's ProbToMargin for the logistic objectives: logit of the float32 base_score. */
function baseMarginOf(objective: TreeEnsemble["objective"], baseScore: number): number {
  if (objective === "reg:squarederror") return Math.fround(baseScore);
  const b = Math.fround(baseScore);
  if (!(b > 0 && b < 1)) fail(`base_score ${baseScore} must be in (0, 1) for a logistic objective`);
  return Math.log(b / (1 - b));
}

function treeFromArrays(t: Record<string, Json>, index: number, scale: number, nFeatures: number): Tree {
  const where = `trees[${index}]`;
  const left = numArray(t.left_children, `${where}.left_children`);
  const right = numArray(t.right_children, `${where}.right_children`);
  const splitIndex = numArray(t.split_indices, `${where}.split_indices`);
  const cond = numArray(t.split_conditions, `${where}.split_conditions`);
  const defaultLeft = numArray(t.default_left, `${where}.default_left`);
  const cover = numArray(t.sum_hessian, `${where}.sum_hessian`);
  const n = left.length;
  for (const [name, a] of [["right_children", right], ["split_indices", splitIndex], ["split_conditions", cond], ["default_left", defaultLeft], ["sum_hessian", cover]] as const) {
    if (a.length !== n) fail(`${where}.${name} has ${a.length} entries, left_children ${n}`);
  }
  if (t.split_type !== undefined && numArray(t.split_type, `${where}.split_type`).some((s) => s !== 0)) {
    fail(`${where} has categorical splits, which are not supported`);
  }
  const tree: Tree = {
    feature: new Int32Array(n),
    threshold: new Float64Array(n),
    left: new Int32Array(n),
    right: new Int32Array(n),
    defaultLeft: new Uint8Array(n),
    value: new Float64Array(n),
    cover: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    tree.cover[i] = Math.fround(cover[i]);
    if (left[i] === -1) {
      tree.feature[i] = -1;
      tree.left[i] = -1;
      tree.right[i] = -1;
      // At leaves split_conditions holds the leaf value (XGBoost's RegTree node union).
      tree.value[i] = Math.fround(cond[i]) * scale;
      continue;
    }
    if (!(left[i] > 0 && left[i] < n && right[i] > 0 && right[i] < n)) fail(`${where} node ${i} has children ${left[i]}, ${right[i]} outside the tree`);
    if (!(splitIndex[i] >= 0 && splitIndex[i] < nFeatures)) fail(`${where} node ${i} splits on feature ${splitIndex[i]}, but the model has ${nFeatures}`);
    tree.feature[i] = splitIndex[i];
    tree.threshold[i] = Math.fround(cond[i]);
    tree.left[i] = left[i];
    tree.right[i] = right[i];
    tree.defaultLeft[i] = defaultLeft[i] ? 1 : 0;
  }
  return tree;
}

interface DumpNode {
  nodeid: number;
  split?: string | number;
  split_condition?: number;
  yes?: number;
  no?: number;
  missing?: number;
  leaf?: number;
  cover?: number;
  children?: DumpNode[];
}

function treeFromDump(root: DumpNode, index: number, featureIndex: (split: string | number) => number): Tree {
  const where = `dump[${index}]`;
  const nodes: DumpNode[] = [];
  const byId = new Map<number, number>();
  // Pre-order numbering; XGBoost's node ids are kept only as keys to wire yes/no.
  const stack: DumpNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node.nodeid !== "number") fail(`${where} has a node without nodeid`);
    if (byId.has(node.nodeid)) fail(`${where} repeats nodeid ${node.nodeid}`);
    byId.set(node.nodeid, nodes.length);
    nodes.push(node);
    if (node.children) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  const n = nodes.length;
  const tree: Tree = {
    feature: new Int32Array(n),
    threshold: new Float64Array(n),
    left: new Int32Array(n),
    right: new Int32Array(n),
    defaultLeft: new Uint8Array(n),
    value: new Float64Array(n),
    cover: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    if (typeof node.cover !== "number") fail(`${where} node ${node.nodeid} has no cover: dump with with_stats=True`);
    tree.cover[i] = Math.fround(node.cover);
    if (node.leaf !== undefined) {
      tree.feature[i] = -1;
      tree.left[i] = -1;
      tree.right[i] = -1;
      tree.value[i] = Math.fround(node.leaf);
      continue;
    }
    const yes = byId.get(node.yes as number);
    const no = byId.get(node.no as number);
    if (yes === undefined || no === undefined || node.split === undefined || typeof node.split_condition !== "number") {
      fail(`${where} node ${node.nodeid} is neither a leaf nor a numeric split`);
    }
    tree.feature[i] = featureIndex(node.split);
    tree.threshold[i] = Math.fround(node.split_condition);
    tree.left[i] = yes;
    tree.right[i] = no;
    tree.defaultLeft[i] = node.missing === node.yes ? 1 : 0;
  }
  return tree;
}

function loadDump(trees: Json[], baseScore: number, objectiveName: string, featureNames: string[] | undefined): TreeEnsemble {
  const objective = objectiveOf(objectiveName);
  const roots = trees.map((t, i) => obj(typeof t === "string" ? JSON.parse(t) : t, `dump[${i}]`) as unknown as DumpNode);
  const names = featureNames ? [...featureNames] : [];
  const featureIndex = (split: string | number): number => {
    const s = String(split);
    if (featureNames) {
      const k = featureNames.indexOf(s);
      if (k !== -1) return k;
    }
    const m = /^f(\d+)$/.exec(s);
    if (m && !featureNames) {
      const k = Number(m[1]);
      while (names.length <= k) names.push(`f${names.length}`);
      return k;
    }
    return fail(`split feature ${s} is not among the feature names${featureNames ? "" : " (pass featureNames for a dump with named features)"}`);
  };
  const out = roots.map((r, i) => treeFromDump(r, i, featureIndex));
  return { trees: out, baseMargin: baseMarginOf(objective, baseScore), featureNames: names, objective };
}

/**
 * Loads an XGBoost JSON model or JSON dump (see the module comment) into a TreeEnsemble.
 * @param json the parsed save_model document; or a get_dump(dump_format="json",
 *   with_stats=True) list; or { dump, baseScore?, objective? } (defaults 0.5, binary:logistic).
 * @param featureNames column names in feature-index order; defaults to the model's
 *   feature_names, else f0..f{n−1}. Required for a dump whose splits name features.
 * @returns trees with covers = XGBoost's sum_hessian / cover, baseMargin in margin units.
 * @throws Error on multi-class or multi-target models, categorical splits, unsupported
 *   objectives or boosters (gblinear), and malformed documents.
 */
export function loadXgboostModel(json: unknown, featureNames?: string[]): TreeEnsemble {
  if (Array.isArray(json)) return loadDump(json, 0.5, "binary:logistic", featureNames);
  const doc = obj(json, "model");
  if (Array.isArray(doc.dump)) {
    const baseScore = doc.baseScore === undefined ? 0.5 : parseBaseScore(doc.baseScore);
    const objective = typeof doc.objective === "string" ? doc.objective : "binary:logistic";
    return loadDump(doc.dump, baseScore, objective, featureNames);
  }
  const learner = obj(doc.learner, "learner");
  const param = obj(learner.learner_model_param, "learner.learner_model_param");
  const numClass = Number(param.num_class ?? 0);
  if (numClass > 1) fail(`num_class ${numClass}: multi-class models are not supported`);
  if (Number(param.num_target ?? 1) > 1) fail(`num_target ${String(param.num_target)}: multi-target models are not supported`);
  const objective = objectiveOf(String(obj(learner.objective, "learner.objective").name));
  const baseMargin = baseMarginOf(objective, parseBaseScore(param.base_score));
  const nFeatures = Number(param.num_feature);
  if (!(Number.isInteger(nFeatures) && nFeatures > 0)) fail(`num_feature ${String(param.num_feature)} is not a positive integer`);

  const booster = obj(learner.gradient_booster, "learner.gradient_booster");
  let model: Record<string, Json>;
  let weights: number[] | null = null;
  if (booster.name === "gbtree") {
    model = obj(booster.model, "gradient_booster.model");
  } else if (booster.name === "dart") {
    // DART scales each tree's output by its weight_drop at prediction time.
    model = obj(obj(booster.gbtree, "gradient_booster.gbtree").model, "gradient_booster.gbtree.model");
    weights = numArray(booster.weight_drop, "gradient_booster.weight_drop");
  } else {
    return fail(`booster ${String(booster.name)} is not a tree booster`);
  }
  const trees = model.trees;
  if (!Array.isArray(trees)) fail("gradient_booster.model.trees is not an array");
  if (model.tree_info !== undefined && numArray(model.tree_info, "tree_info").some((g) => g !== 0)) fail("trees of several output groups (multi-class) are not supported");

  const modelNames = Array.isArray(learner.feature_names) && learner.feature_names.length === nFeatures ? (learner.feature_names as string[]) : null;
  const names = featureNames ?? modelNames ?? Array.from({ length: nFeatures }, (_, i) => `f${i}`);
  if (names.length !== nFeatures) fail(`${names.length} feature names for a model of ${nFeatures} features`);
  return {
    trees: trees.map((t, i) => treeFromArrays(obj(t, `trees[${i}]`), i, weights ? weights[i] : 1, nFeatures)),
    baseMargin,
    featureNames: [...names],
    objective,
  };
}
