import { churnKey } from "@/components/hooks/useChurn";
import { ChurnView } from "@/components/churn/ChurnView";
import { ModelRunPage, modelRunMetadata } from "../model-run-page";
import type { PageParams } from "../page-context";
import { loadChurn } from "./churn-data";

export const generateMetadata = () => modelRunMetadata("churn");

/** Churn: horizon, model quality, risk distribution, SHAP factors, revenue at risk. */
export default function ChurnPage({ params }: { params: PageParams }) {
  return (
    <ModelRunPage params={params} namespace="churn" queryKey={churnKey} load={loadChurn}>
      <ChurnView />
    </ModelRunPage>
  );
}
