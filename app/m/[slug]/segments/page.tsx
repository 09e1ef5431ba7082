import { SegmentsView } from "@/components/segments/SegmentsView";
import { segmentTree } from "@/lib/endpoints/views/segmentTree";
import { ModelRunPage, modelRunMetadata } from "../model-run-page";
import type { PageParams } from "../page-context";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export const generateMetadata = () => modelRunMetadata("segments");

/** Segments: the decision-tree leaf table (profile → revenue) and the tree. */
export default function SegmentsPage({ params }: { params: PageParams }) {
  return (
    <ClientMessages paths={["segments.table", "segments.tree", "value.run", "churn.run", "segments.run"]}>
      <ModelRunPage params={params} namespace="segments" endpoint={segmentTree}>
        <SegmentsView />
      </ModelRunPage>
    </ClientMessages>
  );
}
