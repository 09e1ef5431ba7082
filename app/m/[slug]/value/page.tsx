import { ValueView } from "@/components/value/ValueView";
import { customerValue } from "@/lib/endpoints/views/customerValue";
import { ModelRunPage, modelRunMetadata } from "../model-run-page";
import type { PageParams } from "../page-context";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export const generateMetadata = () => modelRunMetadata("value");

/** Customer value: KPIs (chance of buying again first), CLV distribution, P(alive) by recency × frequency, how it is computed. */
export default function ValuePage({ params }: { params: PageParams }) {
  return (
    <ClientMessages paths={["value", "churn.run", "segments.run"]}>
      <ModelRunPage params={params} namespace="value" endpoint={customerValue}>
        <ValueView />
      </ModelRunPage>
    </ClientMessages>
  );
}
