import { clvContract } from "./clv";
import { churnContract } from "./churn";
import type { RunKind } from "./contract";
import { findingsContract } from "./findings";
import { forecastContract } from "./forecast";
import { segmentsContract } from "./segments";
import { switchingContract } from "./switching";

/*
 * Every run kind's contract, by kind (docs/adr/0011-run-contracts.md). A new model adds one
 * contract file here and one entry to the MODELS registry (lib/jobs/registry.ts).
 */

export const CONTRACTS = {
  clv: clvContract,
  churn: churnContract,
  segments: segmentsContract,
  forecast: forecastContract,
  findings: findingsContract,
  switching: switchingContract,
} as const satisfies { [K in RunKind]: { kind: K } };

type Contracts = typeof CONTRACTS;
export type ContractOf<K extends RunKind> = Contracts[K];

export * from "./contract";
