import type { FindingsInput } from "./input";
import type { Finding, FindingKind, FindingsSummary } from "./types";

/*
 * The contract of one detector (lib/findings/detectors/*.ts): pure and deterministic, from the
 * engine's input to findings of one kind, stored as facts (codes and numbers) and rendered in
 * words later (./render.ts). To add a kind: one detector file, its entry in DETECTORS
 * (./detectors/index.ts), the kind in FINDING_KINDS (./types.ts) and its templates in
 * messages/{en,ru}/findings.json.
 */

/** What one detector found, and how many hypothesis tests it ran per family (the summary's Bonferroni counts). */
interface DetectorResult {
  findings: Finding[];
  tests?: Partial<FindingsSummary["tests"]>;
}

/** One kind of finding. */
export interface Detector {
  kind: FindingKind;
  /**
   * @param input the merchant's figures
   * @param earlier the findings of the detectors before this one in DETECTORS (the market detector
   *   speaks only when the metric detector found a revenue change)
   */
  detect(input: FindingsInput, earlier: readonly Finding[]): DetectorResult;
}
