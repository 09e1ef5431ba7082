import { z } from "zod";
import { count, day, defineRunContract, minor, num, period, type StoredModelRun } from "./contract";

/*
 * The findings run (kind 'findings'): findings ranked by money impact, written by
 * lib/jobs/findings.ts from lib/findings/engine.ts (docs/models/findings.md). Language-neutral
 * since it was first stored: numbers typed, words from messages/<locale>/findings.json at render
 * time (lib/findings/render.ts). Pure schemas: client components may import them (through
 * lib/findings/types.ts, which re-exports these).
 *
 * Format 1: the shape of the runs stored before contracts existed (unchanged).
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
export type FindingMetric = "netRevenue" | "purchases" | "customers" | "frequency" | "averageCheck";

export type Comparison = "previous" | "yearAgo";

/** A typed value behind a finding; the renderer formats it for the locale. */
const findingValueSchema = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("money"), v: num }),
  z.strictObject({ t: z.literal("percent"), v: num }),
  z.strictObject({ t: z.literal("number"), v: num }),
  z.strictObject({ t: z.literal("day"), v: day }),
  /** A calendar month, given by its first day 'YYYY-MM-01'. */
  z.strictObject({ t: z.literal("month"), v: day }),
  /** A word from the findings messages (labels.<v>), e.g. a metric or factor name. */
  z.strictObject({ t: z.literal("label"), v: z.string() }),
  /** A free value shown as is (e.g. a region name from the bank's data). */
  z.strictObject({ t: z.literal("text"), v: z.string() }),
]);
export type FindingValue = z.infer<typeof findingValueSchema>;

const confidenceSchema = z.enum(["high", "medium", "low"]);
export type Confidence = z.infer<typeof confidenceSchema>;

/** Where the chart behind a finding lives, relative to /m/<slug>. */
const chartLinkSchema = z.enum(["", "/findings", "/customers", "/seasonality", "/segments"]);

/** One finding. Money in minor units of the merchant's currency. */
const findingSchema = z.strictObject({
  /** Stable key for deduplication: kind + subject (e.g. "metricChange:netRevenue:previous"). */
  id: z.string(),
  kind: z.enum(FINDING_KINDS),
  /** Notes (seasonality, cohorts, outlook) rank after alerts whatever their size. */
  tier: z.enum(["alert", "note"]),
  /** Money at stake, ≥ 0: what ranks the feed. */
  impactMinor: minor,
  direction: z.enum(["up", "down", "none"]),
  confidence: confidenceSchema,
  /** The test's p-value when there is one. */
  p: num.nullable(),
  /**
   * Template variant within the kind (messages: kinds.<kind>.<variant>.headline / .explanation).
   * Stored runs outlive template changes: a variant, once written, keeps its template (e.g.
   * segmentDriver "plain" from before the per-factor variants).
   */
  variant: z.string(),
  /** The numbers behind it, named as the templates use them. */
  values: z.record(z.string(), findingValueSchema),
  chart: chartLinkSchema,
  /** The window the finding describes, half-open. */
  period,
});
export type Finding = z.infer<typeof findingSchema>;

/** The stored findings run's summary. */
const findingsSummarySchema = z.strictObject({
  asOf: day,
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** Ranked, most important first. */
  findings: z.array(findingSchema),
  /** How many tests were run per family (for the Bonferroni levels shown in docs/CLI). */
  tests: z.strictObject({ metricChanges: count, segmentCells: count }),
  /** Market effect: whether a released peer index was available, else why not (operator's words). */
  market: z.discriminatedUnion("available", [
    z.strictObject({ available: z.literal(true) }),
    z.strictObject({ available: z.literal(false), reason: z.string() }),
  ]),
});
export type FindingsSummary = z.infer<typeof findingsSummarySchema>;

/** How the findings run was set up. */
const findingsParamsSchema = z.strictObject({
  windowDays: count,
  windows: z.strictObject({ current: period, previous: period, yearAgo: period }),
  peerIndex: z.enum(["released", "withheld", "absent"]),
  /** The forecast run of the same as-of day the findings used; null when there was none. */
  forecastRunId: z.number().int().positive().nullable(),
});
export type FindingsParams = z.infer<typeof findingsParamsSchema>;

const findingsMetricsSchema = z.strictObject({
  findings: count,
  tests: z.strictObject({ metricChanges: count, segmentCells: count }),
});
export type FindingsMetrics = z.infer<typeof findingsMetricsSchema>;

const FINDINGS_FORMAT = 1;

export const findingsContract = defineRunContract({
  kind: "findings",
  format: FINDINGS_FORMAT,
  params: findingsParamsSchema,
  metrics: findingsMetricsSchema,
  summary: findingsSummarySchema,
  output: z.never(),
});

export type FindingsResults = StoredModelRun<FindingsParams, FindingsMetrics, FindingsSummary>;
