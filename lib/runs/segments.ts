import { z } from "zod";
import type { RegressionTree } from "@/lib/models/cart";
import { count, defineRunContract, minor, num, period, type LocalizedText, type StoredModelRun } from "./contract";

/*
 * The segment-tree run (kind 'segments'): a CART regression tree of revenue per customer over the
 * last 12 months, read as one row per leaf (the seed's Fixprice table), written by
 * lib/jobs/segments.ts (docs/models/segment-tree.md). Money integer minor units.
 *
 * Format 2 (this contract): a leaf's profile is stored as structured conditions (flag present or
 * not, region, age threshold, or a plain threshold) plus whether its customers' ages are known;
 * the words come from messages/<locale>/segments.json at read time (lib/runs/render/segments.ts).
 * Format 1 runs stored `profile: {en, ru}` and feature indices, and are refitted.
 */

/**
 * The 0/1 attributes of the segment encoding (lib/analytics/getSegmentTreeData.ts
 * BASE_SEGMENT_FEATURES without age; a unit test asserts they agree).
 */
export const SEGMENT_FLAGS = ["female", "male", "married", "single", "divorced", "widowed", "payroll", "corporate", "premium", "regular"] as const;
type SegmentFlag = (typeof SEGMENT_FLAGS)[number];

const op = z.enum(["<=", ">"]);

/**
 * One condition on the path to a leaf, as a fact:
 * - flag: a 0/1 attribute (split at 0.5): `present` true for `> 0.5` ("corporate client"), false
 *   for `<= 0.5` ("not corporate client": the bank does not know the customer to be corporate);
 * - region: the customer's region is (present) or is not that region (the bank's name, as stored);
 * - age: `age op threshold` in whole years; unknown ages (encoded −1) fall on the `<=` side, which
 *   the row's `ageUnknown` says;
 * - number: any other encoded feature, `feature op threshold`.
 */
const segmentConditionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("flag"), feature: z.enum(SEGMENT_FLAGS), present: z.boolean() }),
  z.strictObject({ type: z.literal("region"), region: z.string(), present: z.boolean() }),
  z.strictObject({ type: z.literal("age"), op, threshold: num }),
  z.strictObject({ type: z.literal("number"), feature: z.string(), op, threshold: num }),
]);
export type SegmentCondition = z.infer<typeof segmentConditionSchema>;

/**
 * A split of the segment encoding (lib/analytics/getSegmentTreeData.ts) as a condition:
 * flags and `region:<name>` indicators split at 0.5 (`> 0.5` = present), `age` keeps its
 * threshold, anything else is a plain threshold.
 *
 * @param name a feature name of the tree's featureNames
 */
export function toSegmentCondition(name: string, op: "<=" | ">", threshold: number): SegmentCondition {
  if ((SEGMENT_FLAGS as readonly string[]).includes(name)) return { type: "flag", feature: name as SegmentFlag, present: op === ">" };
  if (name.startsWith("region:")) return { type: "region", region: name.slice("region:".length), present: op === ">" };
  if (name === "age") return { type: "age", op, threshold };
  return { type: "number", feature: name, op, threshold };
}

/** Whether a leaf's customers have unknown ages: none, some, or all of them. */
const ageUnknownSchema = z.enum(["none", "some", "all"]);
export type AgeUnknown = z.infer<typeof ageUnknownSchema>;

/** One leaf = one segment. Money in minor units. */
const segmentTableRowSchema = z.strictObject({
  leafId: count,
  /** The merged path to the leaf, root first (repeated conditions keep the tightest threshold). */
  conditions: z.array(segmentConditionSchema),
  /** Whether the leaf's customers have unknown ages (their −1 sits on the `<=` side of age splits). */
  ageUnknown: ageUnknownSchema,
  /** Customers in the leaf (≥ the minimum leaf size ≥ 5, except a lone root, see buildSegmentTree). */
  customers: count,
  /** Net revenue of those customers in the period. */
  revenueMinor: minor,
  /** revenueMinor / Σ revenueMinor over the table; 0 when that total is ≤ 0. */
  shareOfRevenue: num,
  /** round half up of gross sales / purchases; null without purchases. */
  averageCheckMinor: minor.nullable(),
  /** round half up of revenueMinor / customers: the leaf's value, the tree's prediction. */
  meanRevenuePerCustomerMinor: minor,
});
export type SegmentTableRow = z.infer<typeof segmentTableRowSchema>;

const nodeRef = z.number().int().nonnegative().nullable();

/** The fitted CART tree (lib/models/cart.ts RegressionTree). */
const regressionTreeSchema = z.strictObject({
  nodes: z.array(
    z.strictObject({
      id: count,
      depth: count,
      samples: count,
      value: num,
      impurity: num,
      feature: nodeRef,
      threshold: num.nullable(),
      left: nodeRef,
      right: nodeRef,
    }),
  ),
  featureNames: z.array(z.string()),
});
// The schema and lib/models/cart's type must describe the same tree.
const treeTypesAgree: [z.infer<typeof regressionTreeSchema>, RegressionTree] extends [RegressionTree, z.infer<typeof regressionTreeSchema>] ? true : never = true;
void treeTypesAgree;

/** How the segment-tree run was set up. */
const segmentTreeParamsSchema = z.strictObject({
  /** The last 12 months ending at the as-of day. */
  period,
  /** Options given to buildSegmentTree (minSamplesLeaf as resolved: max(5, ceil(2 % of customers))). */
  options: z.strictObject({ maxDepth: count, minSamplesLeaf: count }),
});

/** Fit figures of the segment tree. */
const segmentTreeMetricsSchema = z.strictObject({
  /** Leaves (= table rows). */
  leaves: count,
  /** Share of the variance of revenue per customer explained by the leaves (R² on the training rows). */
  rSquared: num.nullable(),
});

/** What the segment-tree page shows: buildSegmentTree's table and tree. */
const segmentTreeSummarySchema = z.strictObject({
  period,
  /** Customers the tree was grown on. */
  customers: count,
  /** One row per leaf, highest revenue first (buildSegmentTree). */
  table: z.array(segmentTableRowSchema),
  tree: regressionTreeSchema,
  /** Net revenue of the period over the tree's customers, minor units. */
  revenueMinor: minor,
});

const SEGMENTS_FORMAT = 2;

export const segmentsContract = defineRunContract({
  kind: "segments",
  format: SEGMENTS_FORMAT,
  params: segmentTreeParamsSchema,
  metrics: segmentTreeMetricsSchema,
  summary: segmentTreeSummarySchema,
  output: z.never(),
});

export type SegmentTreeParams = z.infer<typeof segmentTreeParamsSchema>;
export type SegmentTreeMetrics = z.infer<typeof segmentTreeMetricsSchema>;
export type SegmentTreeSummary = z.infer<typeof segmentTreeSummarySchema>;

/** A table row as readers hand it out: the facts and the profile in words in every UI locale. */
export type SegmentTableRowWithText = SegmentTableRow & { profile: LocalizedText };
export type SegmentTreeSummaryWithText = Omit<SegmentTreeSummary, "table"> & { table: SegmentTableRowWithText[] };
/** The latest segments run as pages, the CLI and the API read it. */
export type SegmentTreeResults = StoredModelRun<SegmentTreeParams, SegmentTreeMetrics, SegmentTreeSummaryWithText>;
