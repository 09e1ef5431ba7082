/*
 * The decision-tree segment table (PRODUCT.md item 6, the seed's Fixprice case): a CART
 * regression tree of revenue per customer on the customers' attributes, read as one row per leaf,
 * "segment profile → revenue". Pure: the data come from getSegmentTreeData, storing runs is
 * someone else's job.
 */
import { UNKNOWN_AGE, type getSegmentTreeData, type SegmentFeature } from "@/lib/analytics/getSegmentTreeData";
import { roundHalfUpDiv } from "@/lib/analytics/math";
import { applyTree, fitRegressionTree, leafPaths, type LeafPath, type RegressionTree } from "@/lib/models/cart";
import { MIN_CELL_CUSTOMERS } from "@/lib/privacy/suppression";

/** Depth of the tree unless asked otherwise: at most four conditions per profile, as in the seed. */
export const DEFAULT_MAX_DEPTH = 4;
/**
 * The default smallest leaf as a share of the customers: 2 %, so a leaf is a segment worth
 * targeting rather than noise. Never below MIN_CELL_CUSTOMERS (see minLeafSize).
 */
export const DEFAULT_MIN_LEAF_SHARE = 0.02;

export type ProfileLanguage = "en" | "ru";

import type { SegmentTableRow } from "@/lib/analytics/getSegmentTreeData";
export type { SegmentTableRow };

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
 * features of getSegmentTreeData, then one row per leaf with its profile, customers, revenue,
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
      profile: {
        en: segmentProfile(path.conditions, featureNames, "en", age),
        ru: segmentProfile(path.conditions, featureNames, "ru", age),
      },
      conditions: path.conditions,
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

/** Whether a leaf's customers have unknown ages: none, some, or all of them. */
export type AgeUnknown = "none" | "some" | "all";

type Words = { yes: string; no: string };
const BINARY_WORDS: Record<string, { en: Words; ru: Words }> = {
  female: { en: { yes: "Female", no: "not female" }, ru: { yes: "Женщина", no: "не женщина" } },
  male: { en: { yes: "Male", no: "not male" }, ru: { yes: "Мужчина", no: "не мужчина" } },
  married: { en: { yes: "married", no: "not married" }, ru: { yes: "женат/замужем", no: "не в браке" } },
  single: {
    en: { yes: "single", no: "not single" },
    ru: { yes: "неженат/незамужем", no: "семейное положение не «неженат/незамужем»" },
  },
  divorced: { en: { yes: "divorced", no: "not divorced" }, ru: { yes: "в разводе", no: "не в разводе" } },
  widowed: { en: { yes: "widowed", no: "not widowed" }, ru: { yes: "вдовец/вдова", no: "не вдовец/не вдова" } },
  payroll: { en: { yes: "payroll client", no: "not payroll client" }, ru: { yes: "зарплатный клиент", no: "не зарплатный клиент" } },
  corporate: {
    en: { yes: "corporate client", no: "not corporate client" },
    ru: { yes: "корпоративный клиент", no: "не корпоративный клиент" },
  },
  premium: { en: { yes: "premium client", no: "not premium client" }, ru: { yes: "премиальный клиент", no: "не премиальный клиент" } },
  regular: { en: { yes: "regular client", no: "not regular client" }, ru: { yes: "постоянный клиент", no: "не постоянный клиент" } },
};

/** Russian names of the regions the bank uses (lib/synthetic/model.ts); others print as stored. */
const REGION_RU: Record<string, string> = {
  Moscow: "Москва",
  "Saint Petersburg": "Санкт-Петербург",
  "Republic of Tatarstan": "Республика Татарстан",
  "Sverdlovsk Oblast": "Свердловская область",
  "Novosibirsk Oblast": "Новосибирская область",
};

/**
 * One condition in words: binary indicators as the attribute or its negation (`<= 0.5` → "not
 * corporate client", `> 0.5` → "corporate client"), regions as "region: Moscow" / "region not
 * Moscow", age as "age > 23.5". Unknown ages are encoded −1, so `age <= t` also holds for them:
 * with ageUnknown "some" it reads "age <= t or unknown", with "all" just "age unknown". Features
 * outside the encoding print as "name <= t".
 *
 * @param name a feature name of getSegmentTreeData
 */
export function conditionLabel(
  name: string,
  op: "<=" | ">",
  threshold: number,
  lang: ProfileLanguage,
  ageUnknown: AgeUnknown = "none",
): string {
  const words = BINARY_WORDS[name];
  if (words) return op === ">" ? words[lang].yes : words[lang].no;
  if (name.startsWith("region:")) {
    const region = name.slice("region:".length);
    const shown = lang === "ru" ? (REGION_RU[region] ?? region) : region;
    if (lang === "ru") return op === ">" ? `регион: ${shown}` : `регион не ${shown}`;
    return op === ">" ? `region: ${shown}` : `region not ${shown}`;
  }
  if (name === "age") {
    const age = lang === "ru" ? "возраст" : "age";
    if (op === ">") return `${age} ${op} ${threshold}`;
    if (ageUnknown === "all") return lang === "ru" ? "возраст неизвестен" : "age unknown";
    if (ageUnknown === "some") return `${age} <= ${threshold} ${lang === "ru" ? "или неизвестен" : "or unknown"}`;
    return `${age} <= ${threshold}`;
  }
  return `${name} ${op} ${threshold}`;
}

/**
 * A leaf's profile: its conditions in path order in words, joined by "; ", first letter
 * capitalised ("Женщина; возраст > 23.5; корпоративный клиент; возраст <= 47.5",
 * "Regular client; not corporate client"); "All customers" / "Все клиенты" for a tree without
 * splits.
 */
export function segmentProfile(
  conditions: LeafPath["conditions"],
  featureNames: readonly string[],
  lang: ProfileLanguage,
  ageUnknown: AgeUnknown = "none",
): string {
  const text =
    conditions.length === 0
      ? lang === "ru"
        ? "все клиенты"
        : "all customers"
      : conditions.map((c) => conditionLabel(featureNames[c.feature], c.op, c.threshold, lang, ageUnknown)).join("; ");
  // Capitalised like the seed's table, whichever condition comes first.
  return text.charAt(0).toUpperCase() + text.slice(1);
}
