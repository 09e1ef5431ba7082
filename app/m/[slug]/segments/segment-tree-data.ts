import type { MerchantAccess } from "@/lib/auth/access";
import { getModelRunAttempts, getSegmentTreeResults, type SegmentTreeResults } from "@/lib/analytics/getModelResults";
import { conditionLabel } from "@/lib/jobs/segmentTree";
import type { RegressionTree } from "@/lib/models/cart";
import type { SegmentTreeNodeView, SegmentTreePage, SegmentTreeRunView } from "@/components/segments/types";

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

/**
 * The segments page's data, for the page's prefetch and the API route alike (same JSON): the
 * latest succeeded segments run and the latest attempt, in one scoped transaction.
 */
export async function loadSegmentTree(access: MerchantAccess): Promise<SegmentTreePage> {
  return access.run(async (ctx) => {
    const run = await getSegmentTreeResults(ctx);
    const attempts = await getModelRunAttempts(ctx);
    return { run: run ? segmentTreeRunView(run) : null, latestAttempt: attempts.segments };
  });
}
