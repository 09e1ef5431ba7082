import { ChurnView } from "@/components/churn/ChurnView";
import { churn } from "@/lib/endpoints/views/churn";
import { ModelRunPage, modelRunMetadata } from "../model-run-page";
import type { PageParams } from "../page-context";

export const generateMetadata = () => modelRunMetadata("churn");

/** Churn: horizon, model quality, risk distribution, SHAP factors, revenue at risk. */
export default function ChurnPage({ params }: { params: PageParams }) {
  return (
    <ModelRunPage params={params} namespace="churn" endpoint={churn}>
      <ChurnView />
    </ModelRunPage>
  );
}
