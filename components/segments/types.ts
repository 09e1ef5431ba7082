import type { EndpointData } from "@/lib/endpoints/define";
import type { segmentTree } from "@/lib/endpoints/views/segmentTree";

export type { SegmentTableRow } from "@/lib/analytics/getSegmentTreeData";
// The view types live with their loader (lib/endpoints/views/segmentTree.ts), which builds them.
export type { SegmentTreeNodeView, SegmentTreeRunView } from "@/lib/endpoints/views/segmentTree";

/** What GET /api/m/[slug]/segment-tree answers (and the page prefetches): inferred from the loader. */
export type SegmentTreePage = EndpointData<typeof segmentTree>;
