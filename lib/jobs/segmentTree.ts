/*
 * The decision-tree segment table (PRODUCT.md item 6, the seed's Fixprice case): a CART
 * regression tree of revenue per customer on the customers' attributes, read as one row per leaf,
 * "segment profile → revenue". The profile is stored as conditions (facts: flag present or not,
 * region, age threshold) and put into words at read time (lib/runs/render/segments.ts). Pure: the
 * data come from getSegmentTreeData, storing runs is lib/jobs/segments.ts's job.
 */
import { UNKNOWN_AGE, type getSegmentTreeData, type SegmentFeature } from "@/lib/analytics/getSegmentTreeData";
import { roundHalfUpDiv } from "@/lib/analytics/math";
import { applyTree, fitRegressionTree, leafPaths, type LeafPath, type RegressionTree } from "@/lib/models/cart";
import { MIN_CELL_CUSTOMERS } from "@/lib/privacy/suppression";
import { toSegmentCondition, type AgeUnknown, type SegmentCondition, type SegmentTableRow } from "@/lib/runs/segments";

/** Depth of the tree unless asked otherwise: at most four conditions per profile, as in the seed. */
export const DEFAULT_MAX_DEPTH = 4;
/**
 * The default smallest leaf as a share of the customers: 2 %, so a leaf is a segment worth
 * targeting rather than noise. Never below MIN_CELL_CUSTOMERS (see minLeafSize).
 */
const DEFAULT_MIN_LEAF_SHARE = 0.02;

export type { AgeUnknown, SegmentTableRow };

type SegmentTreeInput = Awaited<ReturnType<typeof getSegmentTreeData>>;

/**
 * The minimum leaf size used: max(MIN_CELL_CUSTOMERS, requested), the request defaulting to
 * ceil(2 % of the customers). Keeps every published segment at 5 customers or more.
 *
 * @throws Error when the request is not a positive integer
 */
export function minLeafSize(customers: number, requested?: number): number {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1)) {
    throw new Error(`buildSegmentTree: minSamplesLeaf must be a positive integer, got ${requested}`);
  }
  return Math.max(MIN_CELL_CUSTOMERS, requested ?? Math.ceil(customers * DEFAULT_MIN_LEAF_SHARE));
}

/**
 * Fits the segment tree and reads it as a table: a CART regression tree (lib/models/cart.ts,
 * sklearn DecisionTreeRegressor semantics) of each customer's net revenue in the period on the
 * features of getSegmentTreeData, then one row per leaf with its conditions, customers, revenue,
 * share of revenue, average check and mean revenue per customer, highest revenue first (ties by
 * leafId).
 *
 * Leaf size: minSamplesLeaf = max(5, opts.minSamplesLeaf ?? ceil(2 % of customers)), so no leaf
 * describes fewer than MIN_CELL_CUSTOMERS customers. The only exception is a tree that cannot
 * split at all: its single row is every customer of the period, the merchant's own headline,
 * which suppression does not apply to (lib/privacy/suppression.ts).
 *
 * @param data rows and featureNames from getSegmentTreeData
 * @param opts maxDepth (default 4), minSamplesLeaf (raised to at least 5)
 * @returns the tree and the table; an empty tree (no nodes) and table when there are no rows
 * @throws Error on invalid options or rows (see fitRegressionTree)
 */
export function buildSegmentTree(
  data: SegmentTreeInput,
  opts: { maxDepth?: number; minSamplesLeaf?: number } = {},
): { tree: RegressionTree; table: SegmentTableRow[] } {
  const { featureNames, rows } = data;
  const minSamplesLeaf = minLeafSize(rows.length, opts.minSamplesLeaf);
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (rows.length === 0) {
    // Still validate maxDepth, so a bad option fails the same way with or without data.
    if (!(Number.isInteger(maxDepth) && maxDepth >= 1)) throw new Error(`buildSegmentTree: maxDepth must be an integer >= 1, got ${maxDepth}`);
    return { tree: { nodes: [], featureNames: [...featureNames] }, table: [] };
  }
  const X = rows.map((r) => featureNames.map((f) => featureOf(r.features, f)));
  const tree = fitRegressionTree(
    X,
    rows.map((r) => r.revenueMinor),
    featureNames,
    { maxDepth, minSamplesLeaf },
  );

  type Totals = { revenue: number; gross: number; purchases: number; customers: number; unknownAge: number };
  const byLeaf = new Map<number, Totals>();
  const ageColumn = featureNames.indexOf("age");
  rows.forEach((r, i) => {
    const leaf = applyTree(tree, X[i]);
    const t = byLeaf.get(leaf) ?? { revenue: 0, gross: 0, purchases: 0, customers: 0, unknownAge: 0 };
    t.revenue += r.revenueMinor;
    t.gross += r.grossSalesMinor;
    t.purchases += r.purchases;
    t.customers += 1;
    if (ageColumn >= 0 && X[i][ageColumn] === UNKNOWN_AGE) t.unknownAge += 1;
    byLeaf.set(leaf, t);
  });
  const total = rows.reduce((s, r) => s + r.revenueMinor, 0);

  const table = leafPaths(tree).map((path): SegmentTableRow => {
    const t = byLeaf.get(path.leafId)!;
    const age: AgeUnknown = t.unknownAge === 0 ? "none" : t.unknownAge === t.customers ? "all" : "some";
    return {
      leafId: path.leafId,
      conditions: segmentConditions(path.conditions, featureNames),
      ageUnknown: age,
      customers: t.customers,
      revenueMinor: t.revenue,
      shareOfRevenue: total > 0 ? t.revenue / total : 0,
      averageCheckMinor: roundHalfUpDiv(t.gross, t.purchases),
      meanRevenuePerCustomerMinor: roundHalfUpDiv(t.revenue, t.customers)!,
    };
  });
  table.sort((a, b) => b.revenueMinor - a.revenueMinor || a.leafId - b.leafId);
  return { tree, table };
}

function featureOf(features: Record<SegmentFeature, number>, name: string): number {
  const v = features[name as SegmentFeature];
  if (typeof v !== "number") throw new Error(`buildSegmentTree: a row has no feature ${name}`);
  return v;
}

/** A leaf's path (feature indices) as stored conditions (feature names, flags as present or not). */
export function segmentConditions(conditions: LeafPath["conditions"], featureNames: readonly string[]): SegmentCondition[] {
  return conditions.map((c) => toSegmentCondition(featureNames[c.feature] ?? String(c.feature), c.op, c.threshold));
}
