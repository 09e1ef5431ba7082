import { SegmentsView } from "@/components/segments/SegmentsView";
import { segmentTree } from "@/lib/endpoints/views/segmentTree";
import { ModelRunPage, modelRunMetadata } from "../model-run-page";
import type { PageParams } from "../page-context";

export const generateMetadata = () => modelRunMetadata("segments");

/** Segments: the decision-tree leaf table (profile → revenue) and the tree. */
export default function SegmentsPage({ params }: { params: PageParams }) {
  return (
    <ModelRunPage params={params} namespace="segments" endpoint={segmentTree}>
      <SegmentsView />
    </ModelRunPage>
  );
}
