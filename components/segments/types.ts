import type { ModelRunAttempt, ModelRunMeta } from "@/lib/runs/contract";
import type { Period } from "@/lib/days";
import type { SegmentTableRowWithText } from "@/lib/runs/segments";
import type { SegmentTreeNodeView } from "@/lib/runs/render/segments";

/** A leaf row as the page gets it: the stored conditions and the profile in words (every UI locale). */
export type SegmentTableRow = SegmentTableRowWithText;
export type { SegmentTreeNodeView };

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
