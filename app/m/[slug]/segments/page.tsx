import { segmentTreeKey } from "@/components/hooks/useSegmentTree";
import { SegmentsView } from "@/components/segments/SegmentsView";
import { ModelRunPage, modelRunMetadata } from "../model-run-page";
import type { PageParams } from "../page-context";
import { loadSegmentTree } from "./segment-tree-data";

export const generateMetadata = () => modelRunMetadata("segments");

/** Segments: the decision-tree leaf table (profile → revenue) and the tree. */
export default function SegmentsPage({ params }: { params: PageParams }) {
  return (
    <ModelRunPage params={params} namespace="segments" queryKey={segmentTreeKey} load={loadSegmentTree}>
      <SegmentsView />
    </ModelRunPage>
  );
}
