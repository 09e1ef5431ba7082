import type { AnyEndpoint } from "./define";
import { campaignReport, campaigns } from "./views/campaigns";
import { churn } from "./views/churn";
import { cohorts } from "./views/cohorts";
import { competitors } from "./views/competitors";
import { customerValue } from "./views/customerValue";
import { dataRange } from "./views/dataRange";
import { dynamics } from "./views/dynamics";
import { findings } from "./views/findings";
import { forecast } from "./views/forecast";
import { offer, offers } from "./views/offers";
import { overview } from "./views/overview";
import { purchaseFrequency } from "./views/purchaseFrequency";
import { regularCustomers } from "./views/regularCustomers";
import { seasonality } from "./views/seasonality";
import { segments } from "./views/segments";
import { segmentTree } from "./views/segmentTree";
import { winBack } from "./views/winBack";
import { switching } from "./views/switching";

/*
 * Every merchant view's definition. The session routes (/api/m/{slug}/{name}), the token API
 * (/api/v1/m/{slug}/{name}), the OpenAPI document and the tests iterate this object, so adding a
 * view is one file in views/ and one line here (docs/adr/0008-endpoint-definitions.md).
 * Server-only: client code refers to it with `import type` (components/hooks/useEndpoint.ts).
 */
export const ENDPOINTS = {
  overview,
  dynamics,
  cohorts,
  "regular-customers": regularCustomers,
  "purchase-frequency": purchaseFrequency,
  segments,
  seasonality,
  "data-range": dataRange,
  "customer-value": customerValue,
  churn,
  "win-back": winBack,
  switching,
  "segment-tree": segmentTree,
  competitors,
  findings,
  forecast,
  campaigns,
  "campaign-report": campaignReport,
  offers,
  offer,
} as const;

/** The registry's type, for `import type` on the client. */
export type Endpoints = typeof ENDPOINTS;
/** A view's name (its URL segment). */
export type EndpointName = keyof Endpoints;

/** The definition named `name`, or undefined for anything else (an unknown view answers 404). */
export function endpointByName(name: string): AnyEndpoint | undefined {
  return Object.hasOwn(ENDPOINTS, name) ? (ENDPOINTS as Record<string, AnyEndpoint>)[name] : undefined;
}

/** Every definition, in registry order. */
export const ALL_ENDPOINTS: readonly AnyEndpoint[] = Object.values(ENDPOINTS);

// The registry key must be the definition's own name (the URL and the key use the name).
for (const [key, def] of Object.entries(ENDPOINTS)) {
  if (def.name !== key) throw new Error(`lib/endpoints/registry: key ${key} holds the definition ${def.name}`);
}
