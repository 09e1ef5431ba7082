import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fitGradientBoosting } from "@/lib/models/gbdt";
import { makeTree, predictMargin, predictProbability, type Tree, type TreeEnsemble } from "@/lib/models/tree";
import { bruteForceShapley, treeShap, treeShapBatch } from "@/lib/models/treeshap";
import { loadXgboostModel } from "@/lib/models/xgboostJson";
import { Rng } from "@/lib/models/prng";

const FIXTURE = path.resolve(__dirname, "../fixtures/models/xgboost-treeshap.json");

function ensemble(trees: Tree[], nFeatures: number, baseMargin = 0): TreeEnsemble {
  return { trees, baseMargin, featureNames: Array.from({ length: nFeatures }, (_, i) => `x${i}`), objective: "binary:logistic" };
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/**
 * A random tree of depth ≤ maxDepth over `nFeatures` features, drawn so that features repeat
 * on paths (few features, many splits), defaults vary, and covers are positive. With
 * `additive`, an internal cover is its children's sum (as in our GBDT); without, each node's
 * cover is perturbed, as float32 rounding does to XGBoost's.
 */
function randomTree(rng: Rng, maxDepth: number, nFeatures: number, additive: boolean): Tree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const defaultLeft: number[] = [];
  const value: number[] = [];
  const cover: number[] = [];
  const grow = (depth: number): number => {
    const id = feature.length;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    defaultLeft.push(0);
    value.push(0);
    cover.push(0);
    if (depth < maxDepth && (depth === 0 || rng.chance(0.75))) {
      feature[id] = rng.int(nFeatures);
      threshold[id] = Math.round((rng.next() * 2 - 1) * 4) / 4;
      defaultLeft[id] = rng.chance(0.5) ? 1 : 0;
      const l = grow(depth + 1);
      const r = grow(depth + 1);
      left[id] = l;
      right[id] = r;
      cover[id] = cover[l] + cover[r];
      if (!additive) cover[id] *= 1 + (rng.next() - 0.5) * 1e-3;
    } else {
      value[id] = (rng.next() * 2 - 1) * 2;
      cover[id] = 0.5 + rng.next() * 10;
    }
    return id;
  };
  grow(0);
  return makeTree({ feature, threshold, left, right, defaultLeft, value, cover });
}

/** True when some root-to-leaf path splits twice on the same feature. */
function repeatsOnAPath(tree: Tree, node = 0, seen: number[] = []): boolean {
  if (tree.left[node] === -1) return false;
  const f = tree.feature[node];
  if (seen.includes(f)) return true;
  return repeatsOnAPath(tree, tree.left[node], [...seen, f]) || repeatsOnAPath(tree, tree.right[node], [...seen, f]);
}

function randomRow(rng: Rng, nFeatures: number, missingRate: number): number[] {
  return Array.from({ length: nFeatures }, () => (rng.chance(missingRate) ? Number.NaN : Math.round((rng.next() * 2 - 1) * 4) / 4));
}

describe("treeShap on hand-computed trees", () => {
  it("a stump: φ = f(x) − E[f], E weighted by cover; missing follows the default side", () => {
    // x0 < 0.5 → leaf 1 (cover 3), else leaf −1 (cover 1): E = (3·1 + 1·(−1)) / 4 = 0.5.
    const stump = makeTree({ feature: [0, -1, -1], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], defaultLeft: [0, 0, 0], value: [0, 1, -1], cover: [4, 3, 1] });
    const model = ensemble([stump], 2, 0.25);
    const a = treeShap(model, [0, 7]);
    expect(a.baseValue).toBe(0.75);
    expect(Array.from(a.values)).toEqual([0.5, 0]);
    const b = treeShap(model, [Number.NaN, 7]);
    expect(Array.from(b.values)).toEqual([-1.5, 0]);
    expect(predictMargin(model, [Number.NaN, 7])).toBe(-0.75);
  });

  it("an AND tree splits the credit equally (0.375 each), as the Shapley formula gives", () => {
    // x0 < 0.5 → 0 (cover 50); else x1 < 0.5 → 0 (cover 25), else 1 (cover 25). E = 0.25,
    // v({0}) = 0.5, v({1}) = 0.5, v({0,1}) = 1, so φ0 = φ1 = ½(0.25 + 0.5) = 0.375.
    const and = makeTree({ feature: [0, -1, 1, -1, -1], threshold: [0.5, 0, 0.5, 0, 0], left: [1, -1, 3, -1, -1], right: [2, -1, 4, -1, -1], defaultLeft: [1, 0, 1, 0, 0], value: [0, 0, 0, 0, 1], cover: [100, 50, 50, 25, 25] });
    const model = ensemble([and], 3);
    const e = treeShap(model, [1, 1, 0]);
    expect(e.baseValue).toBe(0.25);
    expect(Array.from(e.values)).toEqual([0.375, 0.375, 0]);
    expect(Array.from(bruteForceShapley(model, [1, 1, 0]))).toEqual([0.375, 0.375, 0]);
  });
});

describe("treeShap equals brute-force Shapley values of the path-dependent value function", () => {
  for (const additive of [true, false]) {
    it(`on 300 random ensembles of depth ≤ 3 over ≤ 6 features, repeated features and missing values (${additive ? "additive" : "perturbed"} covers)`, () => {
      const rng = new Rng(additive ? 11 : 12);
      let worst = 0;
      let repeatedPaths = 0;
      for (let m = 0; m < 300; m++) {
        const nFeatures = 2 + rng.int(5);
        const nTrees = 1 + rng.int(3);
        const trees = Array.from({ length: nTrees }, () => randomTree(rng, 1 + rng.int(3), nFeatures, additive));
        for (const t of trees) if (repeatsOnAPath(t)) repeatedPaths++;
        const model = ensemble(trees, nFeatures, rng.next() - 0.5);
        for (let r = 0; r < 3; r++) {
          const x = randomRow(rng, nFeatures, 0.2);
          const shap = treeShap(model, x);
          const brute = bruteForceShapley(model, x);
          for (let j = 0; j < nFeatures; j++) worst = Math.max(worst, Math.abs(shap.values[j] - brute[j]));
          expect(Math.abs(shap.baseValue + sum(shap.values) - predictMargin(model, x))).toBeLessThan(1e-9);
        }
      }
      expect(worst).toBeLessThan(1e-9);
      // The draw must actually exercise the "feature already on the path" branch of Algorithm 2.
      expect(repeatedPaths).toBeGreaterThan(50);
    });
  }

  it("on GBDT models of depth 3 over 5 features with missing values", () => {
    const rng = new Rng(21);
    const X = Array.from({ length: 300 }, () => randomRow(rng, 5, 0.15).map((v) => (Number.isNaN(v) ? v : v + rng.next())));
    const y = X.map((x) => (((x[0] || 0) + (x[1] || 0) * (x[2] || 0) + rng.next() - 0.5 > 0 ? 1 : 0)));
    const model = fitGradientBoosting(X, y, ["a", "b", "c", "d", "e"], { nTrees: 15, maxDepth: 3, seed: 3 });
    let worst = 0;
    for (const x of X.slice(0, 40)) {
      const shap = treeShap(model, x);
      const brute = bruteForceShapley(model, x);
      for (let j = 0; j < 5; j++) worst = Math.max(worst, Math.abs(shap.values[j] - brute[j]));
    }
    expect(worst).toBeLessThan(1e-9);
  });
});

describe("treeShap local accuracy on GBDT models", () => {
  it("baseValue + Σ φ = predictMargin to 1e-9 on deep random models (depth 6, 12 features, NaNs)", () => {
    const rng = new Rng(31);
    const nf = 12;
    const X = Array.from({ length: 500 }, () => Array.from({ length: nf }, () => (rng.chance(0.1) ? Number.NaN : rng.next() * 10 - 5)));
    const y = X.map((x) => (rng.next() < 1 / (1 + Math.exp(-((x[0] || 0) - (x[3] || 0) * 0.5 + Math.sin(x[7] || 0)))) ? 1 : 0));
    const names = Array.from({ length: nf }, (_, i) => `f${i}`);
    for (const seed of [1, 2]) {
      const model = fitGradientBoosting(X, y, names, { nTrees: 25, maxDepth: 6, subsample: 0.8, colsampleByTree: 0.7, seed });
      const rows = X.slice(0, 100);
      const explanations = treeShapBatch(model, rows);
      let worst = 0;
      rows.forEach((x, i) => {
        worst = Math.max(worst, Math.abs(explanations[i].baseValue + sum(explanations[i].values) - predictMargin(model, x)));
      });
      expect(worst).toBeLessThan(1e-9);
      // The base value is the cover-weighted mean margin, the same for every row.
      expect(new Set(explanations.map((e) => e.baseValue)).size).toBe(1);
    }
  });
});

describe("treeShapBatch's memo by routing", () => {
  it("gives every row treeShap's values to the bit: depth 3 (memoised), depth 6 with > 31 internal nodes (row by row), NaNs and repeated rows", () => {
    const rng = new Rng(41);
    const nf = 6;
    // Values on a coarse grid, so that many rows share a routing in each tree.
    const X = Array.from({ length: 600 }, () => Array.from({ length: nf }, () => (rng.chance(0.15) ? Number.NaN : Math.round(rng.next() * 8) / 2)));
    const y = X.map((x) => (rng.next() < 1 / (1 + Math.exp(-((x[0] || 0) - (x[2] || 0) * 0.7 + (Number.isNaN(x[4]) ? 1 : 0)))) ? 1 : 0));
    const names = Array.from({ length: nf }, (_, i) => `f${i}`);
    for (const maxDepth of [3, 6]) {
      const model = fitGradientBoosting(X, y, names, { nTrees: 30, maxDepth, minChildWeight: 0, seed: 5 });
      if (maxDepth === 6) expect(model.trees.some((t) => t.left.filter((l) => l !== -1).length > 31)).toBe(true);
      const batch = treeShapBatch(model, X);
      X.forEach((x, i) => {
        const one = treeShap(model, x);
        expect(batch[i].baseValue).toBe(one.baseValue);
        expect(Array.from(batch[i].values), `row ${i}, depth ${maxDepth}`).toEqual(Array.from(one.values));
      });
    }
  });
});

interface XgbFixture {
  featureNames: string[];
  params: { base_score: number };
  model: unknown;
  dump: unknown[];
  rows: (number | null)[][];
  margin: number[];
  predContribs: number[][];
}

describe("against XGBoost 1.7 (fixture from scripts/fixtures/make_xgboost_fixture.py)", () => {
  const fixture = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as XgbFixture;
  const rows = fixture.rows.map((r) => r.map((v) => (v === null ? Number.NaN : v)));
  const model = loadXgboostModel(fixture.model);
  const nf = fixture.featureNames.length;

  it("loads the save_model JSON: 20 trees, names, base_score 0.35 as logit, covers", () => {
    expect(model.trees).toHaveLength(20);
    expect(model.featureNames).toEqual(fixture.featureNames);
    expect(model.objective).toBe("binary:logistic");
    expect(model.baseMargin).toBeCloseTo(Math.log(0.35 / 0.65), 7);
    expect(model.trees[0].cover[0]).toBe(136.5);
    expect(rows.some((r) => r.some(Number.isNaN))).toBe(true);
  });

  it("predictMargin equals XGBoost's output_margin to 1e-5 on 50 rows with missing values", () => {
    let worst = 0;
    rows.forEach((x, i) => (worst = Math.max(worst, Math.abs(predictMargin(model, x) - fixture.margin[i]))));
    expect(worst).toBeLessThan(1e-5);
    expect(predictProbability(model, rows[0])).toBeCloseTo(1 / (1 + Math.exp(-fixture.margin[0])), 6);
  });

  it("treeShap equals XGBoost's pred_contribs to 1e-5 (XGBoost runs TreeSHAP in float32)", () => {
    let worstValue = 0;
    let worstBias = 0;
    rows.forEach((x, i) => {
      const e = treeShap(model, x);
      for (let j = 0; j < nf; j++) worstValue = Math.max(worstValue, Math.abs(e.values[j] - fixture.predContribs[i][j]));
      worstBias = Math.max(worstBias, Math.abs(e.baseValue - fixture.predContribs[i][nf]));
    });
    expect(worstValue).toBeLessThan(1e-5);
    expect(worstBias).toBeLessThan(1e-5);
  });

  it("the get_dump(json, with_stats) form loads to the same model", () => {
    const fromDump = loadXgboostModel({ dump: fixture.dump, baseScore: fixture.params.base_score, objective: "binary:logistic" }, fixture.featureNames);
    expect(fromDump.trees).toHaveLength(20);
    expect(fromDump.baseMargin).toBe(model.baseMargin);
    for (const x of rows) {
      expect(predictMargin(fromDump, x)).toBe(predictMargin(model, x));
      const a = treeShap(fromDump, x).values;
      const b = treeShap(model, x).values;
      for (let j = 0; j < nf; j++) expect(Math.abs(a[j] - b[j])).toBeLessThan(1e-12);
    }
  });

  it("refuses what it cannot represent", () => {
    const doc = JSON.parse(JSON.stringify(fixture.model)) as { learner: { learner_model_param: { num_class: string }; objective: { name: string } } };
    doc.learner.learner_model_param.num_class = "3";
    expect(() => loadXgboostModel(doc)).toThrow(/multi-class/);
    const other = JSON.parse(JSON.stringify(fixture.model)) as typeof doc;
    other.learner.objective.name = "rank:pairwise";
    expect(() => loadXgboostModel(other)).toThrow(/objective rank:pairwise/);
    expect(() => loadXgboostModel({ dump: fixture.dump }, ["a", "b"])).toThrow(/not among the feature names/);
  });
});
