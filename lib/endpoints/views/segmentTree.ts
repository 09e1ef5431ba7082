import { z } from "zod";
import { metaOf, type SegmentTreeResults } from "@/lib/analytics/getModelResults";
import type { Period } from "@/lib/days";
import { loadModelRunPage } from "@/lib/jobs/refit";
import type { ModelRunMeta } from "@/lib/runs/contract";
import { segmentTreeNodes, type SegmentTreeNodeView } from "@/lib/runs/render/segments";
import type { SegmentTableRowWithText } from "@/lib/runs/segments";
import { defineEndpoint, table } from "../define";

/** The latest succeeded segments run, ready for the page. */
export interface SegmentTreeRunView extends ModelRunMeta {
  /** The 12 months the tree describes. */
  period: Period;
  /** Customers the tree was grown on. */
  customers: number;
  /** One row per leaf, highest revenue first: the stored conditions and the profile in words (every UI locale). */
  table: SegmentTableRowWithText[];
  /** The tree's nodes with the condition leading to each in words (lib/runs/render/segments.ts). */
  nodes: SegmentTreeNodeView[];
}

/** The stored run as the page shows it (table with profiles in words, tree as nodes with words). */
function segmentTreeRunView(run: SegmentTreeResults): SegmentTreeRunView {
  const tree = run.summary.tree ?? { nodes: [], featureNames: [] };
  return {
    ...metaOf(run),
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
  // A run of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
  load: async (access) => {
    const page = await loadModelRunPage(access, "segments");
    return { run: page.run ? segmentTreeRunView(page.run) : null, latestAttempt: page.latestAttempt };
  },
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
