/*
 * The shape of a finding as the findings job stores it (model_runs.summary of kind 'findings')
 * and every reader (pages, CLI, digest) renders it: language-neutral, numbers typed, words come
 * from messages/<locale>/findings.json at render time (./render.ts). Pure types, no imports, so
 * client components may import them.
 */

export const FINDING_KINDS = [
  "metricChange",
  "segmentDriver",
  "marketEffect",
  "forecastMiss",
  "changePoint",
  "anomalousWeek",
  "forecastOutlook",
  "seasonality",
  "cohort",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** The headline metrics a finding can be about. */
export const FINDING_METRICS = ["netRevenue", "purchases", "customers", "frequency", "averageCheck"] as const;
export type FindingMetric = (typeof FINDING_METRICS)[number];

export const COMPARISONS = ["previous", "yearAgo"] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** A typed value behind a finding; the renderer formats it for the locale. */
export type FindingValue =
  | { t: "money"; v: number }
  | { t: "percent"; v: number }
  | { t: "number"; v: number }
  | { t: "day"; v: string }
  /** A calendar month, given by its first day 'YYYY-MM-01'. */
  | { t: "month"; v: string }
  /** A word from the findings messages (labels.<v>), e.g. a metric or factor name. */
  | { t: "label"; v: string }
  /** A free value shown as is (e.g. a region name from the bank's data). */
  | { t: "text"; v: string };

export type Confidence = "high" | "medium" | "low";

/** Where the chart behind a finding lives, relative to /m/<slug>. */
export type ChartLink = "" | "/findings" | "/customers" | "/seasonality" | "/segments";

/** One finding. Money in minor units of the merchant's currency. */
export interface Finding {
  /** Stable key for deduplication: kind + subject (e.g. "metricChange:netRevenue:previous"). */
  id: string;
  kind: FindingKind;
  /** Notes (seasonality, cohorts, outlook) rank after alerts whatever their size. */
  tier: "alert" | "note";
  /** Money at stake, ≥ 0: what ranks the feed. */
  impactMinor: number;
  direction: "up" | "down" | "none";
  confidence: Confidence;
  /** The test's p-value when there is one. */
  p: number | null;
  /**
   * Template variant within the kind (messages: kinds.<kind>.<variant>.headline / .explanation).
   * Stored runs outlive template changes: a variant, once written, keeps its template (e.g.
   * segmentDriver "plain" from before the per-factor variants).
   */
  variant: string;
  /** The numbers behind it, named as the templates use them. */
  values: Record<string, FindingValue>;
  chart: ChartLink;
  /** The window the finding describes, half-open. */
  period: { from: string; to: string };
}

/** The stored findings run's summary. */
export interface FindingsSummary {
  asOf: string;
  currency: string;
  /** Ranked, most important first. */
  findings: Finding[];
  /** How many tests were run per family (for the Bonferroni levels shown in docs/CLI). */
  tests: { metricChanges: number; segmentCells: number };
  /** Market effect: whether a released peer index was available, else why not. */
  market: { available: true } | { available: false; reason: string };
}

/** A peer revenue index as lib/privacy releases it (or withholds it, with the rule that applied). */
export type PeerIndexInput =
  | { released: true; series: ReadonlyArray<{ date: string; index: number }> }
  | { released: false; reason: string };
