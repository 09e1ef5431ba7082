import { ChurnView } from "@/components/churn/ChurnView";
import { churn } from "@/lib/endpoints/views/churn";
import { ModelRunPage, modelRunMetadata } from "../model-run-page";
import type { PageParams } from "../page-context";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export const generateMetadata = () => modelRunMetadata("churn");

/** Churn: horizon, model quality, risk distribution, SHAP factors, revenue at risk. */
export default function ChurnPage({ params }: { params: PageParams }) {
  return (
    <ClientMessages paths={["churn.atRisk", "churn.effects", "churn.factors", "churn.horizon", "churn.importance", "churn.kpi", "churn.quality", "churn.risk", "churn.switching", "churn.winBack", "value.basis", "value.run", "churn.run", "segments.run"]}>
      <ModelRunPage params={params} namespace="churn" endpoint={churn}>
        <ChurnView />
      </ModelRunPage>
    </ClientMessages>
  );
}
