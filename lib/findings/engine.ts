import { DETECTORS } from "./detectors";
import type { FindingsInput } from "./input";
import { rankFindings } from "./rank";
import type { Finding, FindingsSummary } from "./types";

/*
 * The findings engine (docs/models/findings.md): pure, deterministic, from the merchant's own
 * figures to a ranked, deduplicated list of findings. lib/jobs/findings.ts gathers the inputs
 * from rollups and the stored forecast; nothing here touches the database.
 *
 * Each kind of finding has its detector (./detectors/*.ts, listed in DETECTORS); the segment
 * decomposition is ./segments.ts over ./decompose.ts, the ranking ./rank.ts, the significance
 * levels ./thresholds.ts (Bonferroni per family of tests).
 */

// What the findings job and the tests import from the engine (the rest lives in the files above).
export type { CohortFact, CustomerWindowRow, DailyPoint, FindingsInput } from "./input";
export { WINDOW_DAYS } from "./thresholds";
export { segmentMix } from "./segments";

/**
 * The findings of one merchant as of `input.asOf` (pure and deterministic): every detector of
 * DETECTORS in turn, then ranked (alerts first, then by money impact in minor units).
 * @returns the stored summary: ranked findings, the tests run per family, the market input's availability
 */
export function buildFindings(input: FindingsInput): FindingsSummary {
  const all: Finding[] = [];
  const tests = { metricChanges: 0, segmentCells: 0 };
  for (const detector of DETECTORS) {
    const found = detector.detect(input, all);
    all.push(...found.findings);
    tests.metricChanges += found.tests?.metricChanges ?? 0;
    tests.segmentCells += found.tests?.segmentCells ?? 0;
  }
  return {
    asOf: input.asOf,
    currency: input.currency,
    findings: rankFindings(all),
    tests,
    market: !input.peerIndex
      ? { available: false, reason: "no peer index" }
      : input.peerIndex.released
        ? { available: true }
        : { available: false, reason: input.peerIndex.reason },
  };
}
