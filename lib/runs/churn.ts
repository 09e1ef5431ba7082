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
 *
 * Format 4 (issue 19, ADR 0015): the holdout AUC carries DeLong's 95 % interval
 * (`metrics.rocAucCi`) and the run a verdict (`summary.verdict`): when the interval's lower bound
 * is ≤ 0.5 (or the AUC could not be measured) the model is not clearly better than random, and
 * `summary.revenueAtRisk`, the per-customer win-back list, is stored empty (the totals stay, said
 * with caution). Format 3 runs have neither and are refitted.
 *
 * Format 5 (issue 17, ADR 0019): the run says which model scores the customers
 * (`params.pooling.mode`: merchant-only, pooled over the MCC segment, or blended) and carries each
 * candidate's holdout AUC on the merchant's own validation customers (`metrics.holdoutAuc`);
 * `metrics.trainChurnRate` is null when the merchant had no training rows of its own. Format 4
 * runs have neither and are refitted.
 *
 * Format 6 (issue 17, "speak in money", ADR 0024): the summary carries each feature's effect in
 * points of risk and in revenue at risk (`summary.factorEffects`, lib/jobs/summaries.ts
 * factorEffects), which the page shows instead of log-odds. Format 5 runs have none and are refitted.
 *
 * Format 7 (issue 17, "calibration within ±5 points per decile", ADR 0032): P(churn) is
 * calibrated by Platt scaling fitted on the holdout (`params.calibration`); SHAP values and the
 * base value are in the calibrated log-odds (the model's × slope, + intercept for the base);
 * `summary.calibration` and `metrics.brierScore` are cross-fitted (each half of the holdout
 * customers calibrated on the other half), `metrics.uncalibratedBrierScore` is the model's before
 * calibration. Format 6 runs are uncalibrated and are refitted.
 *
 * Format 8 (issue 17, ADR 0035): the Platt map is fitted with a Gaussian prior centred at the
 * identity map (`params.calibration.prior`), shrinking the small holdouts' maps toward the model's
 * own probabilities; the probabilities, SHAP values and curves of a format 7 run come from an
 * unshrunk map, so format 7 runs are refitted.
 */

/**
 * How far the churn model can be trusted, from the holdout: `better` when DeLong's 95 % interval
 * of the AUC lies above 0.5; `notBetterThanRandom` when its lower bound is ≤ 0.5; `notAssessed`
 * when the holdout had too few leavers or stayers to measure it.
 */
const CHURN_VERDICTS = ["better", "notBetterThanRandom", "notAssessed"] as const;
export type ChurnVerdict = (typeof CHURN_VERDICTS)[number];

/** Which model scores a run's customers: the merchant's own, the MCC segment's, or both blended. */
const POOLING_MODES = ["merchantOnly", "pooled", "blended"] as const;

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
  /**
   * Post-hoc calibration (ADR 0032, lib/models/calibration.ts): P(churn) = σ(slope × the model's
   * log-odds + intercept), Platt scaling fitted on the holdout (the model trained at the training
   * cutoff, scored at the validation cutoff). `interceptOnly`: the fitted slope was not positive,
   * so only the intercept was fitted (slope 1, the ranking kept). The calibration curve and Brier
   * score are cross-fitted over `folds` halves of the holdout customers (by customer id hash).
   * Since format 8 the map is the maximum a posteriori fit under `prior` (ADR 0035).
   */
  calibration: z.strictObject({
    method: z.literal("platt"),
    /** The Gaussian prior of the map (ADR 0035; format 8): centre and sd of slope and intercept. */
    prior: z.strictObject({ slope: num, intercept: num, sdSlope: num.positive(), sdIntercept: num.positive() }),
    slope: num.positive(),
    intercept: num,
    interceptOnly: z.boolean(),
    folds: count,
  }),
  /**
   * Which model scores the customers (ADR 0019): trained on the merchant's customers only, on the
   * customers of its MCC segment (lib/privacy/pooledTraining.ts), or the two blended (mean
   * log-odds). `level` and `merchants` describe the released pool (merchants counted with the
   * asker; null when none was asked for or released); `withheld` says why the pooled model was
   * not a candidate (operator's words).
   */
  pooling: z.strictObject({
    mode: z.enum(POOLING_MODES),
    level: z.enum(["mcc", "mccGroup"]).nullable(),
    merchants: count.nullable(),
    withheld: z.string().nullable(),
    /** The pool's rules: at least this many merchants, none above this share of the rows. */
    minMerchants: count,
    maxMerchantShare: unit,
  }),
});

/** Holdout quality on the validation cutoff. */
const churnMetricsSchema = z.strictObject({
  rocAuc: unit.nullable(),
  /**
   * DeLong, DeLong & Clarke-Pearson (1988) interval of the holdout AUC (lib/models/delong.ts);
   * null when it cannot be estimated (fewer than 2 leavers or 2 stayers).
   */
  rocAucCi: z.strictObject({ lower: unit, upper: unit, se: num.nonnegative(), level: unit }).nullable(),
  prAuc: unit.nullable(),
  /** Brier score of the calibrated probabilities, cross-fitted on the holdout (what the served P(churn) achieve). */
  brierScore: unit,
  /** Brier score of the model's probabilities before calibration, on the same customers. */
  uncalibratedBrierScore: unit,
  /** Churn rate among the validation customers. */
  validationChurnRate: unit,
  /** The merchant's own training rows (pooled rows are never counted here: a peer figure). */
  trainRows: count,
  /** Churn rate of the merchant's own training rows; null without any. */
  trainChurnRate: unit.nullable(),
  validationRows: count,
  /** Rows of the final model (trained at the validation cutoff). */
  finalTrainRows: count,
  scoredCustomers: count,
  /**
   * Holdout ROC AUC of each candidate trained at the training cutoff, on the merchant's own
   * validation customers; null when the candidate was not fitted or the AUC not measurable. The
   * chosen one is params.pooling.mode (the highest; ties to the simpler model).
   */
  holdoutAuc: z.strictObject({ merchantOnly: unit.nullable(), pooled: unit.nullable(), blended: unit.nullable() }),
});

/** One point of the reliability diagram (validation cutoff, cross-fitted calibrated probabilities). */
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
  /** Whether the model is clearly better than random on the holdout (see CHURN_VERDICTS). */
  verdict: z.enum(CHURN_VERDICTS),
  /** Top 100 scored customers by P(churn) × CLV; empty unless the verdict is `better`. */
  revenueAtRisk: z.array(revenueAtRiskRowSchema),
  /** SHAP base value (calibrated log-odds) of the final model: the calibrated log-odds of a customer are it plus their SHAP values. */
  baseValue: num,
  /**
   * Each model feature's effect over the scored customers, by points descending: mean |P − P
   * without the feature| in percentage points, and Σ of its positive part × the customer's CLV
   * (minor units); "raises" when the effects add risk on balance.
   */
  factorEffects: z.array(
    z.strictObject({ feature: churnFeatureSchema, points: num.nonnegative(), revenueAtRiskMinor: minor.nonnegative(), direction: z.enum(["raises", "lowers"]) }),
  ),
});

const CHURN_FORMAT = 8;

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
