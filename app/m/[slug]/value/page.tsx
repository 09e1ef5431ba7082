import { customerValueKey } from "@/components/hooks/useCustomerValue";
import { ValueView } from "@/components/value/ValueView";
import { ModelRunPage, modelRunMetadata } from "../model-run-page";
import type { PageParams } from "../page-context";
import { loadCustomerValue } from "./value-data";

export const generateMetadata = () => modelRunMetadata("value");

/** Customer value: KPIs, CLV distribution, P(alive) by recency × frequency, how it is computed. */
export default function ValuePage({ params }: { params: PageParams }) {
  return (
    <ModelRunPage params={params} namespace="value" queryKey={customerValueKey} load={loadCustomerValue}>
      <ValueView />
    </ModelRunPage>
  );
}
