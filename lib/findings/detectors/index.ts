import type { Detector } from "../detector";
import { anomalousWeekDetector } from "./anomalousWeek";
import { changePointDetector } from "./changePoint";
import { cohortDetector } from "./cohort";
import { forecastMissDetector } from "./forecastMiss";
import { forecastOutlookDetector } from "./forecastOutlook";
import { marketEffectDetector } from "./marketEffect";
import { metricChangeDetector } from "./metricChange";
import { seasonalityDetector } from "./seasonality";
import { segmentDriverDetector } from "./segmentDriver";

/**
 * Every detector, in the order the engine runs them: one per FINDING_KINDS entry. Order matters
 * only where a detector reads `earlier` (marketEffect after metricChange); the ranking
 * (../rank.ts) orders the result, so the run order never shows in the feed.
 */
export const DETECTORS: readonly Detector[] = [
  metricChangeDetector,
  segmentDriverDetector,
  marketEffectDetector,
  forecastMissDetector,
  forecastOutlookDetector,
  changePointDetector,
  anomalousWeekDetector,
  seasonalityDetector,
  cohortDetector,
];
