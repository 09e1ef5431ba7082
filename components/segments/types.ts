/** A leaf row as the page gets it: the stored conditions and the profile in words (every UI locale). */
export type { SegmentTableRowWithText as SegmentTableRow } from "@/lib/runs/segments";
// The view types live with their loader (lib/endpoints/views/segmentTree.ts), which builds them.
export type { SegmentTreeRunView } from "@/lib/endpoints/views/segmentTree";
