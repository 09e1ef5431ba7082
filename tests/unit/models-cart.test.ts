import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeSegmentTreeRows, type SegmentFeature, type SegmentTreeRow } from "@/lib/analytics/getSegmentTreeData";
import { buildSegmentTree, minLeafSize, segmentConditions, type AgeUnknown } from "@/lib/jobs/segmentTree";
import { renderSegmentCondition, renderSegmentProfile, segmentProfileText } from "@/lib/runs/render/segments";
import { runsTranslator } from "@/lib/runs/render/translator";
import { toSegmentCondition } from "@/lib/runs/segments";
import { applyTree, fitRegressionTree, leafPaths, predictTree, type RegressionTree } from "@/lib/models/cart";

/** A fixture of scripts/fixtures/make_cart_fixture.py (sklearn 1.2 DecisionTreeRegressor). */
interface SklearnTree {
  node_count: number;
  max_depth: number;
  feature: number[];
  threshold: number[];
  children_left: number[];
  children_right: number[];
  value: number[];
  n_node_samples: number[];
  impurity: number[];
}
interface Fixture {
  sklearn: string;
  featureNames: string[];
  X: number[][];
  y: number[];
  fits: Array<{
    params: { max_depth: number | null; min_samples_leaf: number; min_samples_split?: number; min_impurity_decrease?: number };
    tree: SklearnTree;
    predict?: { X: number[][]; y: number[] };
  }>;
}
const load = (name: string): Fixture =>
  JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/models", name), "utf8")) as Fixture;
const synthetic = load("cart-synthetic.json");
const customers = load("cart-customers.json");

const optionsOf = (p: Fixture["fits"][number]["params"]) => ({
  maxDepth: p.max_depth ?? undefined,
  minSamplesLeaf: p.min_samples_leaf,
  minSamplesSplit: p.min_samples_split,
  minImpurityDecrease: p.min_impurity_decrease,
});

/** |a − b| ≤ tol·max(1, |b|): absolute for small numbers, relative for money-sized ones. */
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** Our tree against sklearn's tree_ arrays: same structure, thresholds 1e-12, values 1e-9. */
function expectSklearnTree(tree: RegressionTree, ref: SklearnTree) {
  expect(tree.nodes.length).toBe(ref.node_count);
  expect(tree.nodes.map((n) => n.id)).toEqual(ref.feature.map((_, i) => i));
  expect(tree.nodes.map((n) => n.feature ?? -2)).toEqual(ref.feature);
  expect(tree.nodes.map((n) => n.left ?? -1)).toEqual(ref.children_left);
  expect(tree.nodes.map((n) => n.right ?? -1)).toEqual(ref.children_right);
  expect(tree.nodes.map((n) => n.samples)).toEqual(ref.n_node_samples);
  expect(Math.max(...tree.nodes.map((n) => n.depth))).toBe(ref.max_depth);
  tree.nodes.forEach((n, i) => {
    if (ref.feature[i] < 0) expect(n.threshold).toBeNull();
    else expect(Math.abs(n.threshold! - ref.threshold[i]), `threshold of node ${i}`).toBeLessThanOrEqual(1e-12);
    expect(close(n.value, ref.value[i], 1e-9), `value of node ${i}: ${n.value} vs ${ref.value[i]}`).toBe(true);
    expect(close(n.impurity, ref.impurity[i], 1e-9), `impurity of node ${i}: ${n.impurity} vs ${ref.impurity[i]}`).toBe(true);
  });
}

describe("fitRegressionTree against scikit-learn 1.2 DecisionTreeRegressor", () => {
  it("fixtures were made by sklearn 1.2", () => {
    expect(synthetic.sklearn.startsWith("1.2.")).toBe(true);
    expect(customers.sklearn.startsWith("1.2.")).toBe(true);
    expect(synthetic.X).toHaveLength(200);
    expect(customers.X).toHaveLength(1000);
  });

  synthetic.fits.forEach((fit, k) => {
    it(`synthetic data, fit ${k} ${JSON.stringify(fit.params)}: same splits, leaf values and predictions`, () => {
      const tree = fitRegressionTree(synthetic.X, synthetic.y, synthetic.featureNames, optionsOf(fit.params));
      expectSklearnTree(tree, fit.tree);
      fit.predict!.X.forEach((x, i) => {
        expect(close(predictTree(tree, x), fit.predict!.y[i], 1e-9), `prediction ${i}`).toBe(true);
      });
    });
  });

  customers.fits.forEach((fit, k) => {
    it(`1,000 customers, fit ${k} ${JSON.stringify(fit.params)}: same tree, leaf means bit-identical`, () => {
      const tree = fitRegressionTree(customers.X, customers.y, customers.featureNames, optionsOf(fit.params));
      expectSklearnTree(tree, fit.tree);
      // Integer targets (kopecks): every sum is exact in float64, so the means are the same double.
      expect(tree.nodes.map((n) => n.value)).toEqual(fit.tree.value);
    });
  });

  it("buildSegmentTree with its defaults (depth 4, leaf ≥ 2 % = 20) is sklearn's depth-4, min_samples_leaf=20 tree", () => {
    const data = { featureNames: customers.featureNames, rows: fixtureRows(customers) };
    const { tree, table } = buildSegmentTree(data);
    const ref = customers.fits.find((f) => f.params.min_samples_leaf === 20 && f.params.max_depth === 4)!;
    expectSklearnTree(tree, ref.tree);
    const leaves = ref.tree.feature.flatMap((f, i) => (f < 0 ? [i] : []));
    expect(table.map((r) => r.leafId).sort((a, b) => a - b)).toEqual(leaves);
    expect(table.every((r) => r.customers >= 20)).toBe(true);
    expect(table.reduce((s, r) => s + r.revenueMinor, 0)).toBe(customers.y.reduce((s, v) => s + v, 0));
    for (let i = 1; i < table.length; i++) expect(table[i - 1].revenueMinor).toBeGreaterThanOrEqual(table[i].revenueMinor);
    // sklearn's leaf 24: regular, corporate, female (the planted "corporate women" segment).
    const leaf24 = table.find((r) => r.leafId === 24)!;
    expect(segmentProfileText(leaf24)).toEqual({
      en: "Regular client; corporate client; Female",
      ru: "Постоянный клиент; корпоративный клиент; Женщина",
    });
    expect(leaf24.customers).toBe(27);
    expect(leaf24.meanRevenuePerCustomerMinor).toBe(Math.round(ref.tree.value[24]));
  });
});

/** The customers fixture as getSegmentTreeData rows (purchases = 1 each, gross = revenue). */
function fixtureRows(f: Fixture): SegmentTreeRow[] {
  return f.X.map((x, i) => ({
    customerId: i + 1,
    revenueMinor: f.y[i],
    purchases: 1,
    grossSalesMinor: f.y[i],
    features: Object.fromEntries(f.featureNames.map((name, j) => [name, x[j]])) as Record<SegmentFeature, number>,
  }));
}

describe("fitRegressionTree rules", () => {
  it("splits four points at the midpoint, with exact means and MSE", () => {
    const tree = fitRegressionTree([[1], [2], [3], [4]], [1, 1, 3, 5], ["x"]);
    expect(tree.nodes).toEqual([
      { id: 0, depth: 0, samples: 4, value: 2.5, impurity: 2.75, feature: 0, threshold: 2.5, left: 1, right: 2 },
      { id: 1, depth: 1, samples: 2, value: 1, impurity: 0, feature: null, threshold: null, left: null, right: null },
      { id: 2, depth: 1, samples: 2, value: 4, impurity: 1, feature: 0, threshold: 3.5, left: 3, right: 4 },
      { id: 3, depth: 2, samples: 1, value: 3, impurity: 0, feature: null, threshold: null, left: null, right: null },
      { id: 4, depth: 2, samples: 1, value: 5, impurity: 0, feature: null, threshold: null, left: null, right: null },
    ]);
    expect(tree.featureNames).toEqual(["x"]);
  });

  it("breaks exact ties by the lowest feature index, then the lowest threshold", () => {
    // male = 1 − female: the two splits are the same partition with the same proxy.
    const X = [[1, 0], [1, 0], [0, 1], [0, 1]];
    expect(fitRegressionTree(X, [5, 5, 1, 1], ["female", "male"]).nodes[0].feature).toBe(0);
    expect(fitRegressionTree(X.map(([a, b]) => [b, a]), [5, 5, 1, 1], ["male", "female"]).nodes[0].feature).toBe(0);
    // y symmetric around the middle: x <= 1.5 and x <= 3.5 tie; the lower threshold wins.
    const t = fitRegressionTree([[1], [2], [3], [4], [5]], [0, 10, 10, 10, 0], ["x"], { maxDepth: 1 });
    expect(t.nodes[0].threshold).toBe(1.5);
  });

  it("casts X to float32 like sklearn: thresholds are midpoints of the float32 values", () => {
    const tree = fitRegressionTree([[0.1], [0.2]], [0, 1], ["x"]);
    expect(tree.nodes[0].threshold).toBe(Math.fround(0.1) / 2 + Math.fround(0.2) / 2);
    expect(tree.nodes[0].threshold).not.toBe(0.15000000000000002);
    // A float64 value between the float32 neighbours goes where its float32 goes.
    expect(predictTree(tree, [0.1])).toBe(0);
    expect(predictTree(tree, [0.2])).toBe(1);
  });

  it("treats values within 1e-7 as one value and such a feature as constant", () => {
    // Without the rule the best split would isolate the 0 at x = 0.001 (5e-8 below its neighbour).
    const tree = fitRegressionTree([[0.001], [0.001 + 5e-8], [0.002], [0.002 + 5e-8]], [0, 1, 1, 1], ["x"]);
    expect(tree.nodes[0].threshold).toBe(Math.fround(0.001 + 5e-8) / 2 + Math.fround(0.002) / 2);
    expect(tree.nodes.map((n) => n.samples)).toEqual([4, 2, 2]);
    const constant = fitRegressionTree([[0.001], [0.001 + 5e-8]], [0, 1], ["x"]);
    expect(constant.nodes).toHaveLength(1);
  });

  it("never makes a leaf smaller than minSamplesLeaf, and the leaves partition the rows (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: -50, max: 50 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 6 }),
        (data, minLeaf) => {
          const X = data.map(([a, b]) => [a, b]);
          const y = data.map(([, , v]) => v);
          const tree = fitRegressionTree(X, y, ["a", "b"], { minSamplesLeaf: minLeaf, maxDepth: 5 });
          const leaves = tree.nodes.filter((n) => n.feature === null);
          if (tree.nodes.length > 1) expect(leaves.every((l) => l.samples >= minLeaf)).toBe(true);
          expect(leaves.reduce((s, l) => s + l.samples, 0)).toBe(data.length);
          const sums = new Map<number, { s: number; n: number }>();
          X.forEach((x, i) => {
            const id = applyTree(tree, x);
            const e = sums.get(id) ?? { s: 0, n: 0 };
            sums.set(id, { s: e.s + y[i], n: e.n + 1 });
          });
          for (const [id, { s, n }] of sums) {
            expect(tree.nodes[id].samples).toBe(n);
            expect(tree.nodes[id].value).toBe(s / n);
          }
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it("stops on maxDepth, minSamplesSplit, and minImpurityDecrease (weighted by the node's share)", () => {
    const X = [[1], [2], [3], [4]];
    const y = [1, 1, 3, 5];
    expect(fitRegressionTree(X, y, ["x"], { maxDepth: 1 }).nodes).toHaveLength(3);
    expect(fitRegressionTree(X, y, ["x"], { minSamplesSplit: 5 }).nodes).toHaveLength(1);
    expect(fitRegressionTree(X, y, ["x"], { minSamplesLeaf: 2 }).nodes).toHaveLength(3);
    // Root improvement 2.75 − 0.5·0 − 0.5·1 = 2.25; the right child's 2/4·(1 − 0) = 0.5.
    expect(fitRegressionTree(X, y, ["x"], { minImpurityDecrease: 0.5 }).nodes).toHaveLength(5);
    expect(fitRegressionTree(X, y, ["x"], { minImpurityDecrease: 0.51 }).nodes).toHaveLength(3);
    expect(fitRegressionTree(X, y, ["x"], { minImpurityDecrease: 2.26 }).nodes).toHaveLength(1);
  });

  it("rejects bad input", () => {
    expect(() => fitRegressionTree([], [], ["x"])).toThrow(/no rows/);
    expect(() => fitRegressionTree([[1]], [1, 2], ["x"])).toThrow(/1 rows but y has 2/);
    expect(() => fitRegressionTree([[1, 2]], [1], ["x"])).toThrow(/row 0 has 2 features/);
    expect(() => fitRegressionTree([[NaN]], [1], ["x"])).toThrow(/not a finite float32/);
    expect(() => fitRegressionTree([[1e39]], [1], ["x"])).toThrow(/not a finite float32/);
    expect(() => fitRegressionTree([[1]], [Infinity], ["x"])).toThrow(/y\[0\]/);
    expect(() => fitRegressionTree([[1]], [1], ["x"], { minSamplesLeaf: 0 })).toThrow(/minSamplesLeaf/);
    expect(() => fitRegressionTree([[1]], [1], ["x"], { maxDepth: 0 })).toThrow(/maxDepth/);
    expect(() => fitRegressionTree([[1]], [1], ["x"], { minSamplesSplit: 1 })).toThrow(/minSamplesSplit/);
    expect(() => fitRegressionTree([[1]], [1], ["x"], { minImpurityDecrease: -1 })).toThrow(/minImpurityDecrease/);
    expect(() => fitRegressionTree([[1]], [1], ["x"], { maxLeafNodes: 3 as never })).toThrow(/maxLeafNodes/);
    expect(() => predictTree({ nodes: [], featureNames: [] }, [1])).toThrow(/empty tree/);
  });
});

describe("leafPaths", () => {
  // age > 23.5 → corporate > 0.5 → age > 30 → age <= 47.5 (leaf 6), hand-built.
  const leaf = (id: number, depth: number, samples: number, value: number) => ({
    id, depth, samples, value, impurity: 0, feature: null, threshold: null, left: null, right: null,
  });
  const tree: RegressionTree = {
    featureNames: ["age", "corporate"],
    nodes: [
      { id: 0, depth: 0, samples: 40, value: 10, impurity: 1, feature: 0, threshold: 23.5, left: 1, right: 2 },
      leaf(1, 1, 10, 1),
      { id: 2, depth: 1, samples: 30, value: 13, impurity: 1, feature: 1, threshold: 0.5, left: 3, right: 4 },
      leaf(3, 2, 10, 2),
      { id: 4, depth: 2, samples: 20, value: 18.5, impurity: 1, feature: 0, threshold: 30, left: 5, right: 6 },
      leaf(5, 3, 5, 3),
      { id: 6, depth: 3, samples: 15, value: 24, impurity: 1, feature: 0, threshold: 47.5, left: 7, right: 8 },
      leaf(7, 4, 10, 20),
      leaf(8, 4, 5, 32),
    ],
  };

  it("lists leaves left to right and merges same-direction conditions into the tightest", () => {
    expect(leafPaths(tree)).toEqual([
      { leafId: 1, conditions: [{ feature: 0, op: "<=", threshold: 23.5 }], samples: 10, value: 1 },
      {
        leafId: 3,
        conditions: [
          { feature: 0, op: ">", threshold: 23.5 },
          { feature: 1, op: "<=", threshold: 0.5 },
        ],
        samples: 10,
        value: 2,
      },
      {
        leafId: 5,
        conditions: [
          { feature: 0, op: ">", threshold: 23.5 },
          { feature: 1, op: ">", threshold: 0.5 },
          { feature: 0, op: "<=", threshold: 30 },
        ],
        samples: 5,
        value: 3,
      },
      {
        leafId: 7,
        conditions: [
          { feature: 0, op: ">", threshold: 30 },
          { feature: 1, op: ">", threshold: 0.5 },
          { feature: 0, op: "<=", threshold: 47.5 },
        ],
        samples: 10,
        value: 20,
      },
      {
        leafId: 8,
        conditions: [
          { feature: 0, op: ">", threshold: 47.5 },
          { feature: 1, op: ">", threshold: 0.5 },
        ],
        samples: 5,
        value: 32,
      },
    ]);
    expect(leafPaths({ nodes: [], featureNames: [] })).toEqual([]);
  });

  it("profiles read like the seed's Fixprice table", () => {
    // Stored as conditions (facts), rendered through messages/<locale>/segments.json.
    const segmentProfile = (conditions: Parameters<typeof segmentConditions>[0], names: string[], lang: "en" | "ru") =>
      renderSegmentProfile({ conditions: segmentConditions(conditions, names), ageUnknown: "none" }, lang, runsTranslator("segments", lang));
    const conditionLabel = (name: string, op: "<=" | ">", threshold: number, lang: "en" | "ru", ageUnknown: AgeUnknown = "none") =>
      renderSegmentCondition(toSegmentCondition(name, op, threshold), runsTranslator("segments", lang), ageUnknown);
    const names = ["female", "age", "corporate"];
    const fixprice = [
      { feature: 0, op: ">" as const, threshold: 0.5 },
      { feature: 1, op: ">" as const, threshold: 23.5 },
      { feature: 2, op: ">" as const, threshold: 0.5 },
      { feature: 1, op: "<=" as const, threshold: 47.5 },
    ];
    expect(segmentProfile(fixprice, names, "ru")).toBe("Женщина; возраст > 23.5; корпоративный клиент; возраст <= 47.5");
    expect(segmentProfile(fixprice, names, "en")).toBe("Female; age > 23.5; corporate client; age <= 47.5");
    expect(segmentProfile([], names, "en")).toBe("All customers");
    expect(segmentProfile([], names, "ru")).toBe("Все клиенты");
    expect(conditionLabel("corporate", "<=", 0.5, "ru")).toBe("не корпоративный клиент");
    expect(conditionLabel("corporate", "<=", 0.5, "en")).toBe("not corporate client");
    expect(conditionLabel("single", ">", 0.5, "ru")).toBe("неженат/незамужем");
    expect(conditionLabel("regular", ">", 0.5, "en")).toBe("regular client");
    expect(conditionLabel("region:Moscow", ">", 0.5, "ru")).toBe("регион: Москва");
    expect(conditionLabel("region:Moscow", ">", 0.5, "en")).toBe("region: Moscow");
    expect(conditionLabel("region:Moscow", "<=", 0.5, "ru")).toBe("регион не Москва");
    expect(conditionLabel("region:Tver Oblast", ">", 0.5, "ru")).toBe("регион: Tver Oblast");
    expect(conditionLabel("age", "<=", 30.5, "ru", "some")).toBe("возраст <= 30.5 или неизвестен");
    expect(conditionLabel("age", "<=", 8.5, "en", "all")).toBe("age unknown");
    expect(conditionLabel("age", ">", 30.5, "en", "some")).toBe("age > 30.5");
    expect(conditionLabel("visits", ">", 2.5, "en")).toBe("visits > 2.5");
  });
});

describe("segment tree encoding and table", () => {
  const base = { purchases: 1, gross: 1000, refunds: 0, active_months: 0 };
  const queried = [
    { ...base, customer_id: 7, gender: "female", birth_year: 1990, marital_status: "married", is_payroll: true, is_corporate: true, is_premium: false, region: "Moscow", active_months: 3 },
    { ...base, customer_id: 8, gender: null, birth_year: null, marital_status: null, is_payroll: null, is_corporate: null, is_premium: null, region: null, refunds: 300 },
    { ...base, customer_id: 9, gender: "male", birth_year: 2030, marital_status: "widowed", is_payroll: false, is_corporate: false, is_premium: true, region: "Kazan", active_months: 2 },
  ];

  it("encodes every attribute without NaN: indicators 0 for unknown, age −1", () => {
    const data = encodeSegmentTreeRows(queried, 2024);
    expect(data.featureNames).toEqual([
      "female", "male", "age", "married", "single", "divorced", "widowed", "payroll", "corporate", "premium", "regular",
      "region:Kazan", "region:Moscow",
    ]);
    expect(data.rows[0]).toEqual({
      customerId: 7,
      revenueMinor: 1000,
      purchases: 1,
      grossSalesMinor: 1000,
      features: {
        female: 1, male: 0, age: 34, married: 1, single: 0, divorced: 0, widowed: 0, payroll: 1, corporate: 1, premium: 0,
        regular: 1, "region:Kazan": 0, "region:Moscow": 1,
      },
    });
    expect(data.rows[1].revenueMinor).toBe(700);
    expect(data.rows[1].features).toEqual({
      female: 0, male: 0, age: -1, married: 0, single: 0, divorced: 0, widowed: 0, payroll: 0, corporate: 0, premium: 0,
      regular: 0, "region:Kazan": 0, "region:Moscow": 0,
    });
    // Born after the reference year: not an age, so unknown.
    expect(data.rows[2].features).toMatchObject({ male: 1, age: -1, widowed: 1, premium: 1, regular: 0, "region:Kazan": 1 });
  });

  it("raises the leaf size to at least 5 and 2 % of the customers", () => {
    expect(minLeafSize(40)).toBe(5);
    expect(minLeafSize(1000)).toBe(20);
    expect(minLeafSize(1001)).toBe(21);
    expect(minLeafSize(1000, 1)).toBe(5);
    expect(minLeafSize(1000, 8)).toBe(8);
    expect(() => minLeafSize(10, 0)).toThrow(/positive integer/);
  });

  it("builds an exact table: 12 customers, two planted segments, leaves of ≥ 5 even when asked for 1", () => {
    // Six corporate customers spend 5000 (one has an unknown age), six others 1000..1005.
    const rows = Array.from({ length: 12 }, (_, i) => ({
      ...base,
      customer_id: i + 1,
      gender: i % 2 ? "male" : "female",
      birth_year: i === 0 ? null : 1980 + i,
      marital_status: null,
      is_payroll: null,
      is_corporate: i < 6,
      is_premium: null,
      region: null,
      purchases: 2,
      gross: i < 6 ? 5000 : 1000 + (i - 6),
    }));
    const { tree, table } = buildSegmentTree(encodeSegmentTreeRows(rows, 2024), { minSamplesLeaf: 1 });
    expect(tree.nodes).toHaveLength(3);
    expect(table.map(segmentProfileText)).toEqual([
      { en: "Corporate client", ru: "Корпоративный клиент" },
      { en: "Not corporate client", ru: "Не корпоративный клиент" },
    ]);
    expect(table).toEqual([
      {
        leafId: 2,
        conditions: [{ type: "flag", feature: "corporate", present: true }],
        ageUnknown: "some",
        customers: 6,
        revenueMinor: 30000,
        shareOfRevenue: 30000 / 36015,
        averageCheckMinor: 2500,
        meanRevenuePerCustomerMinor: 5000,
      },
      {
        leafId: 1,
        conditions: [{ type: "flag", feature: "corporate", present: false }],
        ageUnknown: "none",
        customers: 6,
        revenueMinor: 6015,
        shareOfRevenue: 6015 / 36015,
        averageCheckMinor: 501 /* 6015 / 12 = 501.25 */,
        meanRevenuePerCustomerMinor: 1003 /* 1002.5 rounded half up */,
      },
    ]);
  });

  it("returns an empty tree and table without customers, and one headline row when no split is allowed", () => {
    expect(buildSegmentTree({ featureNames: ["female"], rows: [] })).toEqual({ tree: { nodes: [], featureNames: ["female"] }, table: [] });
    const few = encodeSegmentTreeRows(queried, 2024);
    const { table } = buildSegmentTree(few);
    expect(segmentProfileText(table[0])).toEqual({ en: "All customers", ru: "Все клиенты" });
    expect(table).toEqual([
      {
        leafId: 0,
        conditions: [],
        ageUnknown: "some",
        customers: 3,
        revenueMinor: 2700,
        shareOfRevenue: 1,
        averageCheckMinor: 1000,
        meanRevenuePerCustomerMinor: 900,
      },
    ]);
    expect(() => buildSegmentTree(few, { maxDepth: 0 })).toThrow(/maxDepth/);
  });
});
