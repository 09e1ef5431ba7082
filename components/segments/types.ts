import type { ModelRunAttempt, ModelRunMeta } from "@/lib/analytics/getModelResults";
import type { Period } from "@/lib/days";
import type { SegmentTableRow } from "@/lib/jobs/segmentTree";

export type { SegmentTableRow };

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

/** What GET /api/m/[slug]/segment-tree answers (and the page prefetches). */
export interface SegmentTreePage {
  run: SegmentTreeRunView | null;
  /** The latest segments attempt, succeeded or failed; null when none was ever made. */
  latestAttempt: ModelRunAttempt | null;
}
