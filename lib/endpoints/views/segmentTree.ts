import { z } from "zod";
import { getModelRunAttempts, getSegmentTreeResults, type ModelRunMeta, type SegmentTreeResults } from "@/lib/analytics/getModelResults";
import type { SegmentTableRow } from "@/lib/analytics/getSegmentTreeData";
import type { Period } from "@/lib/days";
import { conditionLabel } from "@/lib/jobs/segmentTree";
import type { RegressionTree } from "@/lib/models/cart";
import { defineEndpoint, table } from "../define";

/**
 * One node of the stored segment tree (lib/models/cart.ts CartNode) as the page draws it: the
 * condition that leads to it is put in words on the server (lib/jobs/segmentTree.ts
 * conditionLabel), in both languages, so the client needs none of the job's code.
 */
export interface SegmentTreeNodeView {
  id: number;
  depth: number;
  /** Customers reaching the node. */
  samples: number;
  /** Mean revenue per customer of the node, whole minor units. */
  valueMinor: number;
  left: number | null;
  right: number | null;
  /** The feature this node splits on (a getSegmentTreeData feature name); null on leaves. */
  splitFeature: string | null;
  /** The parent's split on the way here ("Female", "age > 23.5"); null at the root. */
  condition: { en: string; ru: string } | null;
}

/** The latest succeeded segments run, ready for the page. */
export interface SegmentTreeRunView extends ModelRunMeta {
  /** The 12 months the tree describes. */
  period: Period;
  /** Customers the tree was grown on. */
  customers: number;
  /** One row per leaf, highest revenue first. */
  table: SegmentTableRow[];
  nodes: SegmentTreeNodeView[];
}

/**
 * The tree's nodes with the condition leading to each in words (en and ru), from the parent's
 * split: the left child is the `<=` side, the right child the `>` side. Unknown ages sit on the
 * `<=` side of an age split (lib/analytics/getSegmentTreeData), which the page says in a note.
 */
export function segmentTreeNodes(tree: RegressionTree): SegmentTreeNodeView[] {
  const condition = new Map<number, { en: string; ru: string }>();
  for (const node of tree.nodes) {
    if (node.feature === null || node.threshold === null) continue;
    const name = tree.featureNames[node.feature] ?? String(node.feature);
    const words = (op: "<=" | ">") => ({
      en: capitalise(conditionLabel(name, op, node.threshold!, "en")),
      ru: capitalise(conditionLabel(name, op, node.threshold!, "ru")),
    });
    if (node.left !== null) condition.set(node.left, words("<="));
    if (node.right !== null) condition.set(node.right, words(">"));
  }
  return tree.nodes.map((n) => ({
    id: n.id,
    depth: n.depth,
    samples: n.samples,
    valueMinor: Math.round(n.value),
    left: n.left,
    right: n.right,
    splitFeature: n.feature === null ? null : (tree.featureNames[n.feature] ?? String(n.feature)),
    condition: condition.get(n.id) ?? null,
  }));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The stored run as the page shows it (table as stored, tree as nodes with words). */
export function segmentTreeRunView(run: SegmentTreeResults): SegmentTreeRunView {
  const tree: RegressionTree = run.summary.tree ?? { nodes: [], featureNames: [] };
  return {
    id: run.id,
    kind: run.kind,
    version: run.version,
    periodFrom: run.periodFrom,
    periodTo: run.periodTo,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    period: run.summary.period,
    customers: run.summary.customers,
    table: run.summary.table ?? [],
    nodes: segmentTreeNodes(tree),
  };
}

/** Segments: the latest decision-tree segments (leaf table, tree with conditions in words) and the latest attempt. */
export const segmentTree = defineEndpoint({
  name: "segment-tree",
  feature: "segments",
  query: z.object({}),
  summary: "Decision-tree segments",
  description:
    "The latest succeeded segments run: a CART regression tree of 12-month revenue per customer over demographic features, as a leaf table (profile -> customers, revenue, share, average check, mean revenue per customer) and as nodes with the conditions in words, and the latest attempt. `run` is null before the first run.",
  load: (access) =>
    access.run(async (ctx) => {
      const run = await getSegmentTreeResults(ctx);
      const attempts = await getModelRunAttempts(ctx);
      return { run: run ? segmentTreeRunView(run) : null, latestAttempt: attempts.segments };
    }),
  tables: (data, { locale }) =>
    data.run
      ? [
          table("segment-table", data.run.table, [
            { header: "segmentProfile", type: "text", value: (r) => r.profile[locale] },
            { header: "customers", type: "integer", value: (r) => r.customers },
            { header: "netRevenue", type: "money", value: (r) => r.revenueMinor },
            { header: "revenueShare", type: "percent", value: (r) => r.shareOfRevenue },
            { header: "averageCheck", type: "money", value: (r) => r.averageCheckMinor },
            { header: "revenuePerCustomer", type: "money", value: (r) => r.meanRevenuePerCustomerMinor },
          ]),
        ]
      : null,
});
