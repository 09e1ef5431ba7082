import { z } from "zod";
import { count, day, defineRunContract, histogramBinSchema, minor, num, unit, type LocalizedText, type StoredModelRun } from "./contract";

/*
 * The churn run (kind 'churn'): gradient-boosted trees with TreeSHAP explanations and revenue at
 * risk, written by lib/jobs/churn.ts (docs/models/jobs.md). SHAP values are log-odds (margin)
 * units of the model; probabilities 0..1; money integer minor units.
 *
 * Format 2 (this contract): a factor is a fact (feature code, value, unit, SHAP, direction,
 * whether the value is plainly on the risky side), rendered into words at read time from
 * messages/<locale>/churn.json (lib/runs/render/churn.ts). Format 1 runs stored `{en, ru}` texts
 * instead and are refitted.
 *
 * Format 3 (issue 13, docs/privacy.md): a customer's factors (per-customer outputs and the
 * revenue-at-risk list, its CSV and the API) are only the merchant's own-history features
 * (PER_PERSON_FEATURES); bank attributes and competitor spend appear only in aggregates (global
 * importance, segment effects of ≥ 5 customers with complementary suppression). Format 2 runs
 * carried bank attributes per person and are refitted ("refit needed").
 */

/**
 * The churn model's features, in model column order (lib/analytics/getChurnFeatures.ts computes
 * them; units in CHURN_FEATURE_UNITS and docs/models/jobs.md).
 */
export const CHURN_FEATURES = [
  "recencyDays",
  "frequency180d",
  "monetaryMinor",
  "tenureDays",
  "meanInterPurchaseDays",
  "interPurchaseCv",
  "checkTrend",
  "competitorShare90d",
  "competitorShareTrend",
  "age",
  "female",
  "payroll",
  "corporate",
  "premium",
  "region",
] as const;
export type ChurnFeatureName = (typeof CHURN_FEATURES)[number];
const churnFeatureSchema = z.enum(CHURN_FEATURES);

/**
 * The features a per-customer output may show: the merchant's own purchase history with this
 * customer (recency, frequency, monetary value, tenure, purchase rhythm and its own check trend).
 * Never a bank attribute (age, gender, payroll, corporate, premium, region) nor the customer's
 * spend at competitors (banking secrecy and personal data: docs/privacy.md).
 */
export const PER_PERSON_FEATURES: ReadonlySet<ChurnFeatureName> = new Set<ChurnFeatureName>([
  "recencyDays",
  "frequency180d",
  "monetaryMinor",
  "tenureDays",
  "meanInterPurchaseDays",
  "interPurchaseCv",
  "checkTrend",
]);

/** A per-customer factor: one of PER_PERSON_FEATURES, with no bank category (checked on write and on read). */
const perPersonFactors = (factor: typeof churnFactorSchema) =>
  z.array(factor.refine((f) => PER_PERSON_FEATURES.has(f.feature) && f.category === null, { message: "a per-customer factor must be an own-history feature (issue 13)" }));

/** Units a factor's value is stored in. */
const FACTOR_UNITS = ["days", "minor", "ratio", "share", "years", "flag", "ordinal"] as const;
export type FactorUnit = (typeof FACTOR_UNITS)[number];

/**
 * The unit of each feature's value: days (whole days or a count of purchase days), minor (money,
 * minor units of the merchant's currency), ratio (a plain ratio, 1 = unchanged), share (0..1, or
 * a difference of shares −1..1), years, flag (1 yes / 0 no), ordinal (an index into
 * params.regions; the factor also names the region).
 */
export const CHURN_FEATURE_UNITS: Readonly<Record<ChurnFeatureName, FactorUnit>> = Object.freeze({
  recencyDays: "days",
  frequency180d: "days",
  monetaryMinor: "minor",
  tenureDays: "days",
  meanInterPurchaseDays: "days",
  interPurchaseCv: "ratio",
  checkTrend: "ratio",
  competitorShare90d: "share",
  competitorShareTrend: "share",
  age: "years",
  female: "flag",
  payroll: "flag",
  corporate: "flag",
  premium: "flag",
  region: "ordinal",
});

/** A feature the run left out, and why (operator's words, not shown to merchants). */
const omittedFeatureSchema = z.strictObject({ feature: churnFeatureSchema, reason: z.string() });

/** How the churn run was set up (docs/models/jobs.md). */
const churnParamsSchema = z.strictObject({
  /** The horizon H in days: P(churn) = P(no purchase in [asOf, asOf + H)). */
  horizonDays: count,
  /** Median over repeat customers of their mean days between purchases (H = 2 × this, clamped). */
  medianInterPurchaseDays: num,
  /** A scored customer had a purchase in [cutoff − observationDays, cutoff). */
  observationDays: count,
  asOf: day,
  /** asOf − 2H: the model of the holdout is trained here … */
  trainCutoff: day,
  /** … and validated here (asOf − H); the final model is refitted here. */
  validationCutoff: day,
  /** Model columns, in order. */
  features: z.array(churnFeatureSchema),
  omittedFeatures: z.array(omittedFeatureSchema),
  /** Region ordinal mapping: regions[k] has ordinal k. */
  regions: z.array(z.string()),
  /** Gradient-boosting settings. */
  model: z.strictObject({ nTrees: count, maxDepth: count, learningRate: num, minChildWeight: num, lambda: num }),
  /** Training rows kept per cutoff (after any subsampling) and whether rows were subsampled. */
  maxTrainingRows: count,
  subsampled: z.boolean(),
  /** Whether the competitor-spend features could be computed (peer guard), and the guard's reason. */
  competitorSpend: z.strictObject({ available: z.boolean(), reason: z.string().nullable(), peerMerchants: count }),
  /** Where the revenue-at-risk CLV came from. */
  clvSource: z.strictObject({ clvRunId: z.number().int().nullable(), clvRunVersion: z.number().int().nullable() }),
});

/** Holdout quality on the validation cutoff. */
const churnMetricsSchema = z.strictObject({
  rocAuc: unit.nullable(),
  prAuc: unit.nullable(),
  brierScore: unit,
  /** Churn rate among the validation customers. */
  validationChurnRate: unit,
  trainRows: count,
  trainChurnRate: unit,
  validationRows: count,
  /** Rows of the final model (trained at the validation cutoff). */
  finalTrainRows: count,
  scoredCustomers: count,
});

/** One point of the reliability diagram (validation cutoff). */
const calibrationPointSchema = z.strictObject({
  /** Bin [from, to) of predicted probability. */
  from: unit,
  to: unit,
  customers: count,
  meanPredicted: unit.nullable(),
  observedRate: unit.nullable(),
});

/**
 * One explanation factor of one customer, as a fact. Words come from the renderer
 * (lib/runs/render/churn.ts): the value states the customer's figure truthfully ("last purchase
 * 12 days ago"); `risk` makes it name the risk ("long since last purchase: 48 days").
 */
const churnFactorSchema = z.strictObject({
  feature: churnFeatureSchema,
  /** SHAP value, log-odds (6 decimals); > 0 raises the churn risk. */
  shap: num,
  /** "raises" when shap > 0, else "lowers" (a SHAP of exactly 0 counts as lowering). */
  direction: z.enum(["raises", "lowers"]),
  /** The customer's value (4 decimals) in `unit`; null when missing. */
  value: num.nullable(),
  unit: z.enum(FACTOR_UNITS),
  /**
   * True when the model says the factor raises the risk AND the value is plainly on the risky
   * side (recency ≥ the merchant's purchase cycle, competitor share ≥ 50 %, a rising competitor
   * share, a falling average check, intervals longer than the cycle): the wording names the risk.
   */
  risk: z.boolean(),
  /** The region's name for feature "region" (the bank's data, shown as stored); null otherwise. */
  category: z.string().nullable(),
});

const clvSource = z.enum(["clv", "historical"]);

/** Per-customer output of a churn run. */
const churnCustomerOutputSchema = z.strictObject({
  bankCustomerId: z.string(),
  pChurn: unit,
  /** Expected 12-month value: the latest CLV run's, else 12-month historical net revenue. */
  clvMinor: minor.nonnegative(),
  clvSource,
  /** round(pChurn × clvMinor). */
  revenueAtRiskMinor: minor.nonnegative(),
  /** Top three own-history factors: the largest positive SHAP first (lib/jobs/explain.ts topFactors). */
  factors: perPersonFactors(churnFactorSchema),
});

/** One row of the revenue-at-risk list: a customer's output with its id. */
const revenueAtRiskRowSchema = z.strictObject({ customerId: z.number().int().positive(), ...churnCustomerOutputSchema.shape });

/** Mean SHAP of the top features within one demographic segment. */
const segmentEffectSchema = z.strictObject({
  dimension: z.enum(["gender", "ageBand"]),
  value: z.string(),
  /** Scored customers of the segment; null when suppressed (< 5). */
  customers: count.nullable(),
  /** Mean SHAP per feature (log-odds); empty when suppressed. */
  effects: z.array(z.strictObject({ feature: churnFeatureSchema, meanShap: num })),
  suppressed: z.boolean(),
});

/** Everything the churn page charts. */
const churnSummarySchema = z.strictObject({
  horizonDays: count,
  asOf: day,
  scoredCustomers: count,
  /** Σ P(churn): expected churners among the scored customers. */
  expectedChurners: num,
  /** Σ P(churn) × CLV over every scored customer, minor units. */
  totalRevenueAtRiskMinor: minor.nonnegative(),
  /** P(churn) distribution in 10 bins of 0.1 (the last closed at 1). */
  riskHistogram: z.array(histogramBinSchema),
  calibration: z.array(calibrationPointSchema),
  /** Global importance: mean |SHAP| per model feature over the scored customers, descending. */
  importance: z.array(z.strictObject({ feature: churnFeatureSchema, meanAbsShap: num.nonnegative() })),
  /** Mean SHAP of the five most important features by gender and by age band. */
  segmentEffects: z.array(segmentEffectSchema),
  /** Top 100 scored customers by P(churn) × CLV. */
  revenueAtRisk: z.array(revenueAtRiskRowSchema),
  /** SHAP base value (log-odds) of the final model. */
  baseValue: num,
});

const CHURN_FORMAT = 3;

export const churnContract = defineRunContract({
  kind: "churn",
  format: CHURN_FORMAT,
  params: churnParamsSchema,
  metrics: churnMetricsSchema,
  summary: churnSummarySchema,
  output: churnCustomerOutputSchema,
});

export type OmittedFeature = z.infer<typeof omittedFeatureSchema>;
export type ChurnParams = z.infer<typeof churnParamsSchema>;
export type ChurnMetrics = z.infer<typeof churnMetricsSchema>;
export type CalibrationPoint = z.infer<typeof calibrationPointSchema>;
export type ChurnFactor = z.infer<typeof churnFactorSchema>;
export type ChurnCustomerOutput = z.infer<typeof churnCustomerOutputSchema>;
export type RevenueAtRiskRow = z.infer<typeof revenueAtRiskRowSchema>;
export type SegmentEffect = z.infer<typeof segmentEffectSchema>;
export type ChurnSummary = z.infer<typeof churnSummarySchema>;


/** A factor as readers hand it out: the fact and its words in every UI locale. */
export type ChurnFactorWithText = ChurnFactor & { text: LocalizedText };
/** A revenue-at-risk row as readers hand it out: its factors in words, and all of them joined with "; ". */
export type RevenueAtRiskRowWithText = Omit<RevenueAtRiskRow, "factors"> & { factors: ChurnFactorWithText[]; text: LocalizedText };
/** The churn summary as readers hand it out (revenue-at-risk rows with words). */
export type ChurnSummaryWithText = Omit<ChurnSummary, "revenueAtRisk"> & { revenueAtRisk: RevenueAtRiskRowWithText[] };
/** The latest churn run as pages, the CLI and the API read it. */
export type ChurnResults = StoredModelRun<ChurnParams, ChurnMetrics, ChurnSummaryWithText>;
