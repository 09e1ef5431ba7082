import { z } from "zod";
import { count, day, defineRunContract, histogramBinSchema, minor, num, unit, type StoredModelRun } from "./contract";

/*
 * The "leaving for a competitor" run (kind 'switching', issue 17, docs/adr/0024-leaving-for-a-competitor.md):
 * the probability that a customer who buys mainly here moves the larger part of their spend in
 * the category to the merchant's peers within the horizon, written by lib/jobs/switching.ts.
 *
 * The model is trained and scored bank-side on each customer's category spend at the merchant's
 * peers (the bank sees every card payment), so nothing of it is released per person: the run has
 * NO per-customer outputs (`output` is z.never()), and its summary holds only aggregates over the
 * merchant's own scored customers: the expected share and number of switchers, revenue at risk,
 * segment cells of ≥ 5 customers with complementary suppression (lib/privacy/suppression.ts) and
 * factor effects in points of risk and roubles. Probabilities 0..1; money integer minor units;
 * points of risk are percentage points (0..100).
 *
 * Format 1: this contract.
 */

/**
 * The switching model's features, in model column order (lib/jobs/switchingModel.ts computes the
 * bank-side ones from lib/privacy/categorySpend.ts; the own-history ones are the churn features
 * of lib/analytics/getChurnFeatures.ts). Units:
 * - shareHere30d, shareHere90d, shareHerePrev90d: the customer's category spend here / (here + at
 *   all peers of the MCC) over [c − 30, c), [c − 90, c) and [c − 180, c − 90), 0..1; missing
 *   without category spend in the window.
 * - shareTrend: shareHere30d − shareHerePrev90d, −1..1 (negative: spend moving away).
 * - categorySpend90dMinor: gross category spend here + at peers over [c − 90, c), minor units.
 * - recencyDays, frequency180d, monetaryMinor, tenureDays, meanInterPurchaseDays: as in the churn
 *   features (own history with this merchant).
 */
export const SWITCH_FEATURES = [
  "shareHere30d",
  "shareHere90d",
  "shareHerePrev90d",
  "shareTrend",
  "dayShareHere30d",
  "dayShareHere90d",
  "dayShareHerePrev90d",
  "peerDays30d",
  "peerDays90d",
  "categorySpend90dMinor",
  "recencyDays",
  "frequency180d",
  "monetaryMinor",
  "tenureDays",
  "meanInterPurchaseDays",
] as const;
export type SwitchFeatureName = (typeof SWITCH_FEATURES)[number];
const switchFeatureSchema = z.enum(SWITCH_FEATURES);

/** How the switching run was set up. */
const switchingParamsSchema = z.strictObject({
  /** The horizon H in days: P(spend moves mainly to peers over [asOf, asOf + H)). */
  horizonDays: count,
  /** A customer counts as "mainly here" when shareHere over [c − 180, c) is at least this (0.5). */
  mainShare: unit,
  /** … and as switched when shareHere over [c, c + H) falls below this (0.5) with category spend in it. */
  switchedShare: unit,
  asOf: day,
  trainCutoff: day,
  validationCutoff: day,
  features: z.array(switchFeatureSchema),
  /** Where the model was trained: the merchant's own customers or the MCC segment's (ADR 0019 rules). */
  training: z.enum(["merchantOnly", "pooled"]),
  /** Merchants of the released pool (with the asker); null when not pooled. */
  poolMerchants: count.nullable(),
  /** Other merchants of the MCC whose sales the category spend covers (the peer guard's count). */
  peerMerchants: count,
  model: z.strictObject({ nTrees: count, maxDepth: count, learningRate: num, minChildWeight: num, lambda: num }),
  /** Where the value at risk came from: the latest CLV run or 12-month historical revenue. */
  clvRunId: z.number().int().nullable(),
});

/** Holdout quality at the validation cutoff on the merchant's own customers. */
const switchingMetricsSchema = z.strictObject({
  rocAuc: unit.nullable(),
  prAuc: unit.nullable(),
  brierScore: unit,
  /** Share of the merchant's own validation customers who switched (the data's label). */
  validationSwitchRate: unit,
  validationRows: count,
  /** Rows the final model was trained on (own or pooled). */
  finalTrainRows: count,
  scoredCustomers: count,
});

/** One factor in money and points: how much of the risk the feature accounts for, averaged over customers. */
const switchFactorSchema = z.strictObject({
  feature: switchFeatureSchema,
  /** Mean over scored customers of |P(switch) − P(switch without the feature's SHAP)|, percentage points. */
  points: num.nonnegative(),
  /** Σ over scored customers of max(0, P − P without the feature) × value, minor units. */
  revenueAtRiskMinor: minor.nonnegative(),
  /** "raises" when the feature's effects sum to more risk than they remove over the scored customers, else "lowers". */
  direction: z.enum(["raises", "lowers"]),
});

/** One segment cell: customers, expected switchers' share and revenue at risk; null when suppressed. */
const switchSegmentSchema = z.strictObject({
  dimension: z.enum(["gender", "ageBand", "frequency"]),
  value: z.string(),
  customers: count.nullable(),
  /** Mean P(switch) of the cell's customers. */
  expectedShare: unit.nullable(),
  revenueAtRiskMinor: minor.nonnegative().nullable(),
  suppressed: z.boolean(),
});

const switchingSummarySchema = z.strictObject({
  horizonDays: count,
  asOf: day,
  /** Customers active in the last 180 days who buy mainly here (the scored population). */
  scoredCustomers: count,
  /** Σ P(switch). */
  expectedSwitchers: num.nonnegative(),
  /** expectedSwitchers / scoredCustomers. */
  expectedShare: unit,
  /** Σ P(switch) × value, minor units. */
  totalRevenueAtRiskMinor: minor.nonnegative(),
  /** The observed switching rate at the two past cutoffs (training, validation): the trend's history. */
  observed: z.array(z.strictObject({ cutoff: day, customers: count, switchRate: unit.nullable() })),
  riskHistogram: z.array(histogramBinSchema),
  /** Factors by points of risk, descending. */
  factors: z.array(switchFactorSchema),
  segments: z.array(switchSegmentSchema),
  /** better: DeLong's 95 % interval of the holdout AUC lies above 0.5; otherwise the figures are shown with caution. */
  verdict: z.enum(["better", "notBetterThanRandom", "notAssessed"]),
});

const SWITCHING_FORMAT = 1;

export const switchingContract = defineRunContract({
  kind: "switching",
  format: SWITCHING_FORMAT,
  params: switchingParamsSchema,
  metrics: switchingMetricsSchema,
  summary: switchingSummarySchema,
  output: z.never(),
});

export type SwitchingParams = z.infer<typeof switchingParamsSchema>;
export type SwitchingMetrics = z.infer<typeof switchingMetricsSchema>;
export type SwitchingSummary = z.infer<typeof switchingSummarySchema>;
export type SwitchFactor = z.infer<typeof switchFactorSchema>;
export type SwitchSegment = z.infer<typeof switchSegmentSchema>;

/** One past run's headline, for the trend across runs. */
export interface SwitchingTrendPoint {
  asOf: string;
  expectedShare: number;
  totalRevenueAtRiskMinor: number;
  scoredCustomers: number;
}

/** The latest switching run as pages, the CLI and the API read it. */
export type SwitchingResults = StoredModelRun<SwitchingParams, SwitchingMetrics, SwitchingSummary>;
