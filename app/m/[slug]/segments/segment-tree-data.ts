import type { MerchantAccess } from "@/lib/auth/access";
import type { SegmentTreeResults } from "@/lib/analytics/getModelResults";
import { loadModelRunPage } from "@/lib/jobs/refit";
import { segmentTreeNodes } from "@/lib/runs/render/segments";
import type { RegressionTree } from "@/lib/models/cart";
import type { SegmentTreePage, SegmentTreeRunView } from "@/components/segments/types";

// The tree's nodes with the condition leading to each in words (lib/runs/render/segments.ts).
export { segmentTreeNodes };

/** The stored run as the page shows it (table with profiles in words, tree as nodes with words). */
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

/**
 * The segments page's data, for the page's prefetch and the API route alike (same JSON): the
 * latest succeeded segments run and the latest attempt, in one scoped transaction; a run of an
 * older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
 */
export async function loadSegmentTree(access: MerchantAccess): Promise<SegmentTreePage> {
  const page = await loadModelRunPage(access, "segments");
  return { run: page.run ? segmentTreeRunView(page.run) : null, latestAttempt: page.latestAttempt };
}
