import type { Database } from "@/db/client";
import { getSegmentTreeData, type SegmentTreeData } from "@/lib/analytics/getSegmentTreeData";
import type { Period } from "@/lib/days";
import { predictTree } from "@/lib/models/cart";
import type { ComputedRun } from "@/lib/runs/contract";
import type { SegmentTreeMetrics, SegmentTreeParams, SegmentTreeSummary, segmentsContract } from "@/lib/runs/segments";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { ModelInputError } from "./errors";
import { buildSegmentTree, DEFAULT_MAX_DEPTH, minLeafSize } from "./segmentTree";

/*
 * The segment-tree job: buildSegmentTree (./segmentTree.ts, CART on revenue per customer) over
 * the 12 months ending at the as-of day, stored whole (table + tree) for the page. The I/O is
 * computeSegmentsRun; buildSegmentsRun is pure.
 */

/**
 * The 12 calendar months ending at `asOf` (exclusive): [same day a year earlier, asOf); a
 * 29 February as-of day starts on 1 March of the previous year.
 */
export function twelveMonthsBefore(asOf: string): Period {
  const year = Number(asOf.slice(0, 4)) - 1;
  const from = asOf.slice(5) === "02-29" ? `${year}-03-01` : `${year}${asOf.slice(4)}`;
  return { from, to: asOf };
}

/**
 * The stored segment-tree run as of `asOf`: reads the customers of the 12 months before it in
 * the merchant's scope, then buildSegmentsRun.
 * @throws ModelInputError when nobody bought in the period
 */
export async function computeSegmentsRun(database: Database, merchant: MerchantRef, asOf: string): Promise<ComputedRun<typeof segmentsContract>> {
  const period = twelveMonthsBefore(asOf);
  const data = await withMerchantScope(database, merchant.id, (tx) => getSegmentTreeData({ tx, merchant }, period));
  return buildSegmentsRun(data, period);
}

/**
 * The segment-tree run from the period's customers (pure): the tree and its table with the
 * default depth and leaf size, and R² of the leaves on the customers' revenue.
 * @throws ModelInputError when there are no customers
 */
export function buildSegmentsRun(data: SegmentTreeData, period: Period): ComputedRun<typeof segmentsContract> {
  if (data.rows.length === 0) throw new ModelInputError(`no purchases in the 12 months before ${period.to}`);
  const options = { maxDepth: DEFAULT_MAX_DEPTH, minSamplesLeaf: minLeafSize(data.rows.length) };
  const { tree, table } = buildSegmentTree(data, options);

  const y = data.rows.map((r) => r.revenueMinor);
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  let sse = 0;
  let sst = 0;
  data.rows.forEach((r, i) => {
    const x = data.featureNames.map((f) => (r.features as Record<string, number>)[f]);
    sse += (y[i] - predictTree(tree, x)) ** 2;
    sst += (y[i] - mean) ** 2;
  });
  const params: SegmentTreeParams = { period, options };
  const metrics: SegmentTreeMetrics = { leaves: table.length, rSquared: sst > 0 ? 1 - sse / sst : null };
  const summary: SegmentTreeSummary = {
    period,
    customers: data.rows.length,
    table,
    tree,
    revenueMinor: y.reduce((s, v) => s + v, 0),
  };
  return { periodFrom: period.from, periodTo: period.to, params, metrics, summary, outputs: [] };
}
