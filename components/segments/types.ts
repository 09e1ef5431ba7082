import type { EndpointData } from "@/lib/endpoints/define";
import type { segmentTree } from "@/lib/endpoints/views/segmentTree";

/** A leaf row as the page gets it: the stored conditions and the profile in words (every UI locale). */
export type { SegmentTableRowWithText as SegmentTableRow } from "@/lib/runs/segments";
// The view types live with their loader (lib/endpoints/views/segmentTree.ts), which builds them.
export type { SegmentTreeRunView } from "@/lib/endpoints/views/segmentTree";
export type { SegmentTreeNodeView } from "@/lib/runs/render/segments";

/** What GET /api/m/[slug]/segment-tree answers (and the page prefetches): inferred from the loader. */
export type SegmentTreePage = EndpointData<typeof segmentTree>;
