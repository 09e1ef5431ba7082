import type { ChurnFeatureRowWithShare } from "@/lib/analytics/getChurnFeatures";
import { crossFitCalibrated, fitMonotonePlatt } from "@/lib/models/calibration";
import { brierScore, calibrationCurve, prAuc, rocAuc } from "@/lib/models/classificationMetrics";
import { delongAucInterval, type AucInterval } from "@/lib/models/delong";
import { fitGradientBoosting } from "@/lib/models/gbdt";
import { predictMargin, sigmoid, type TreeEnsemble } from "@/lib/models/tree";
import { treeShapBatch } from "@/lib/models/treeshap";
import { guardsRemovedForAttackDemo } from "@/lib/privacy/disclosure";
import { customerIdHash, MAX_POOL_SHARE, MIN_POOL_MERCHANTS, subsampleRows, type PooledRow, type PoolLevel } from "@/lib/privacy/pooledTraining";
import { complementarySuppression } from "@/lib/privacy/suppression";
import {
  CHURN_FEATURES,
  PER_PERSON_FEATURES,
  type CalibrationPoint,
  type ChurnCustomerOutput,
  type ChurnFeatureName,
  type ChurnMetrics,
  type ChurnParams,
  type ChurnSummary,
  type ChurnVerdict,
  type churnContract,
  type OmittedFeature,
  type RevenueAtRiskRow,
  type SegmentEffect,
} from "@/lib/runs/churn";
import type { ComputedRun } from "@/lib/runs/contract";
import { ModelInputError } from "./errors";
import { topFactors, type ExplainContext } from "./explain";
import { ageBand, factorEffects, unitHistogram } from "./summaries";

/*
 * The churn model's pure steps (docs/models/jobs.md, "Churn"): check and subsample the training
 * rows, choose the columns, fit gradient-boosted trees (lib/models/gbdt.ts) at the training cutoff
 * and judge them at the validation cutoff (time-based holdout), refit at the validation cutoff,
 * score the customers active as of asOf, explain them with TreeSHAP (lib/models/treeshap.ts) and
 * summarise (importance, segment effects, revenue at risk). No I/O: lib/jobs/churn.ts reads the
 * features and stores the run; everything here is unit-testable on hand-built rows.
 */

/** Settings of the stored churn run. */
export const CHURN_SETTINGS = {
  minHorizonDays: 30,
  maxHorizonDays: 180,
  /** Each cutoff needs this many customers, and each class this many, or the run fails. */
  minRowsPerCutoff: 100,
  minPerClass: 10,
  /** Training rows per cutoff above this are subsampled deterministically (by customer id hash). */
  maxTrainingRows: 20_000,
  /**
   * A pooled training set above this is subsampled the same way (ADR 0019): a segment of twenty
   * merchants would otherwise train on twenty times the rows, for a model judged on one of them.
   */
  maxPooledRows: 5_000,
  revenueAtRiskRows: 100,
  topFactors: 3,
  segmentEffectFeatures: 5,
  calibrationBins: 10,
  /**
   * The Gaussian prior of the calibration map (ADR 0035): centred at the identity (slope 1,
   * intercept 0: the model's own probabilities), sd 0.5 on both, so a holdout of a few dozen
   * customers moves the map only as far as its evidence warrants (lib/models/calibration.ts).
   */
  calibrationPrior: { slope: 1, intercept: 0, sdSlope: 0.5, sdIntercept: 0.5 },
  /**
   * The GBDT (lib/models/gbdt.ts). λ 20 and min child weight 10 (ADR 0042) pull in the leaves
   * with small hessian sums, the ones that made the model over-confident at the top (ADR 0037);
   * chosen on the full synthetic bank's 63 runs, a set apart from the small bank's runs that
   * ADRs 0035 and 0037 judged calibration on.
   */
  model: { nTrees: 150, maxDepth: 3, learningRate: 0.05, minChildWeight: 10, lambda: 20, maxBins: 64, seed: 1 },
};

/**
 * H from the median inter-purchase days: round(2 × median), clamped to [30, 180] days.
 * @throws Error when the median is not a positive finite number
 */
export function churnHorizonDays(medianInterPurchaseDays: number): number {
  if (!(medianInterPurchaseDays > 0) || !Number.isFinite(medianInterPurchaseDays)) {
    throw new Error(`churnHorizonDays: median inter-purchase days must be positive, got ${medianInterPurchaseDays}`);
  }
  return Math.min(CHURN_SETTINGS.maxHorizonDays, Math.max(CHURN_SETTINGS.minHorizonDays, Math.round(2 * medianInterPurchaseDays)));
}

const COMPETITOR_FEATURES: readonly ChurnFeatureName[] = ["competitorShare90d", "competitorShareTrend"];

/** The feature value of a row as a model input: numbers as is, booleans 1/0, region ordinal, unknown NaN. */
function featureValue(row: ChurnFeatureRowWithShare, feature: ChurnFeatureName, regionIndex: ReadonlyMap<string, number>): number {
  if (feature === "region") return row.region === null ? NaN : (regionIndex.get(row.region) ?? NaN);
  const v = row[feature];
  if (v === null || v === undefined) return NaN;
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}

/**
 * Chooses the model's columns: every feature, minus the competitor features when the peer
 * guard withheld them, minus features unknown for every training row or the same for all of
 * them (they cannot split).
 */
export function selectFeatures(
  training: readonly ChurnFeatureRowWithShare[],
  regionIndex: ReadonlyMap<string, number>,
  competitorWithheld: string | null,
): { features: ChurnFeatureName[]; omitted: OmittedFeature[] } {
  const features: ChurnFeatureName[] = [];
  const omitted: OmittedFeature[] = [];
  for (const f of CHURN_FEATURES) {
    if (competitorWithheld !== null && COMPETITOR_FEATURES.includes(f)) {
      omitted.push({ feature: f, reason: competitorWithheld });
      continue;
    }
    const values = new Set<number>();
    for (const r of training) {
      const v = featureValue(r, f, regionIndex);
      if (!Number.isNaN(v)) values.add(v);
      if (values.size > 1) break;
    }
    if (values.size === 0) omitted.push({ feature: f, reason: "unknown for every customer" });
    else if (values.size === 1) omitted.push({ feature: f, reason: "the same for every customer" });
    else features.push(f);
  }
  return { features, omitted };
}

/** Rows × model columns, NaN for missing values. */
function encodeRows(rows: readonly ChurnFeatureRowWithShare[], features: readonly ChurnFeatureName[], regionIndex: ReadonlyMap<string, number>): number[][] {
  return rows.map((r) => features.map((f) => featureValue(r, f, regionIndex)));
}

const labels = (rows: readonly ChurnFeatureRowWithShare[]): number[] => rows.map((r) => (r.churned ? 1 : 0));

/** Why a cutoff's rows cannot train (or judge) a model: too few customers or too few of a class; null when they can. */
function cutoffProblem(name: string, cutoff: string, rows: readonly ChurnFeatureRowWithShare[]): string | null {
  const { minRowsPerCutoff, minPerClass } = CHURN_SETTINGS;
  const churned = rows.filter((r) => r.churned).length;
  if (rows.length < minRowsPerCutoff) {
    return `too few customers to train the churn model: ${rows.length} active before the ${name} cutoff ${cutoff} (at least ${minRowsPerCutoff} needed)`;
  }
  if (churned < minPerClass || rows.length - churned < minPerClass) {
    return `too few churned or retained customers at the ${name} cutoff ${cutoff}: ${churned} churned, ${rows.length - churned} retained (at least ${minPerClass} of each needed)`;
  }
  return null;
}

function orNull(fn: () => number): number | null {
  try {
    const v = fn();
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** All `bins` reliability bins of the validation predictions (empty bins with null means). */
export function calibrationPoints(y: readonly number[], p: readonly number[], bins: number): CalibrationPoint[] {
  const curve = calibrationCurve(y, p, bins);
  const points: CalibrationPoint[] = [];
  for (let k = 0; k < bins; k++) {
    points.push({ from: Math.round((k / bins) * 1e12) / 1e12, to: Math.round(((k + 1) / bins) * 1e12) / 1e12, customers: 0, meanPredicted: null, observedRate: null });
  }
  curve.meanPredicted.forEach((mean, i) => {
    // The mean of a bin's probabilities lies in the bin, so it finds its bin the way
    // calibrationCurve placed the rows (inner edges k/bins, a value on an edge going low).
    let k = 0;
    while (k < bins - 1 && (k + 1) * (1 / bins) < mean) k++;
    points[k] = { ...points[k], customers: curve.count[i], meanPredicted: mean, observedRate: curve.fractionPositive[i] };
  });
  return points;
}

/**
 * Mean SHAP of the top features per gender and per age band (bank attributes: released only as
 * aggregates); cells under 5 customers suppressed, with complementary suppression within each
 * dimension (lib/privacy/suppression.ts), since the cells of a dimension add up to the released
 * number of scored customers.
 */
function segmentEffects(
  rows: readonly ChurnFeatureRowWithShare[],
  shap: readonly Float64Array[],
  features: readonly ChurnFeatureName[],
  top: readonly ChurnFeatureName[],
): SegmentEffect[] {
  const columns = top.map((f) => features.indexOf(f));
  const groups = new Map<string, { dimension: "gender" | "ageBand"; value: string; n: number; sums: number[] }>();
  const add = (dimension: "gender" | "ageBand", value: string, i: number) => {
    const key = `${dimension}\u0000${value}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { dimension, value, n: 0, sums: top.map(() => 0) }));
    g.n += 1;
    columns.forEach((c, j) => (g.sums[j] += shap[i][c]));
  };
  rows.forEach((r, i) => {
    add("gender", r.female === null ? "unknown" : r.female ? "female" : "male", i);
    add("ageBand", ageBand(r.age), i);
  });
  const out: SegmentEffect[] = [];
  const cells = [...groups.values()];
  const hidden = new Map<(typeof cells)[number], boolean>();
  for (const dimension of ["gender", "ageBand"] as const) {
    const ofDimension = cells.filter((g) => g.dimension === dimension);
    complementarySuppression([ofDimension.map((g) => g.n)]).forEach((h, i) => hidden.set(ofDimension[i], h));
  }
  for (const g of cells) {
    const suppressed = hidden.get(g)!;
    out.push({
      dimension: g.dimension,
      value: g.value,
      customers: suppressed ? null : g.n,
      effects: suppressed ? [] : top.map((feature, j) => ({ feature, meanShap: round(g.sums[j] / g.n, 6) })),
      suppressed,
    });
  }
  const order = ["female", "male", "<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown"];
  out.sort((a, b) => (a.dimension === b.dimension ? order.indexOf(a.value) - order.indexOf(b.value) : a.dimension === "gender" ? -1 : 1));
  return out;
}

const roundOrNull = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : round(v, 6));

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Region ordinals: most frequent first over every row the run sees (ties by name). */
export function regionOrdinals(rows: Iterable<Pick<ChurnFeatureRowWithShare, "region">>): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.region !== null) counts.set(r.region, (counts.get(r.region) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
}

/** Everything the churn model needs, as read by lib/jobs/churn.ts (competitor share already merged). */
export interface ChurnRunInputs {
  asOf: string;
  horizonDays: number;
  /** Median inter-purchase days of the merchant's repeat customers (the purchase cycle). */
  medianInterPurchaseDays: number;
  trainCutoff: string;
  validationCutoff: string;
  /** Labelled rows at the training cutoff and at the validation cutoff; unlabelled rows as of asOf. */
  train: readonly ChurnFeatureRowWithShare[];
  validation: readonly ChurnFeatureRowWithShare[];
  score: readonly ChurnFeatureRowWithShare[];
  /** The peer guard's verdict on the competitor-spend features. */
  competitorSpend: { available: boolean; reason: string | null; peerMerchants: number };
  /** CLV per customer from the latest succeeded CLV run, or null without one. */
  clv: { runId: number; version: number; clvMinor: ReadonlyMap<number, number> } | null;
  /** customer id → the bank's pseudonymous id, copied into the outputs. */
  bankIds: ReadonlyMap<number, string>;
  /** The first day of the data the run describes (params/periodFrom). */
  periodFrom: string;
  /** A scored customer had a purchase in [asOf − observationDays, asOf) (180). */
  observationDays: number;
  /**
   * The segment's pooled rows at the training and validation cutoffs (lib/privacy/pooledTraining.ts,
   * the merchant's own rows included), or why none were released; undefined: not asked (merchant-only).
   */
  pool?:
    | { available: true; level: PoolLevel; merchants: number; train: readonly PooledRow<ChurnFeatureRowWithShare>[]; validation: readonly PooledRow<ChurnFeatureRowWithShare>[] }
    | { available: false; merchants: number; reason: string };
}

/**
 * Why the merchant's own rows cannot train and judge a model of its own (too few customers or
 * too few of a class at the training or the validation cutoff), or null when they can: then
 * {@link buildChurnRun} keeps the merchant-only model whatever the pool (ADR 0019, "what
 * landed"), and the job does not ask for one (ADR 0027).
 */
export function ownChurnProblem(inputs: Pick<ChurnRunInputs, "trainCutoff" | "validationCutoff" | "train" | "validation">): string | null {
  return cutoffProblem("training", inputs.trainCutoff, inputs.train) ?? cutoffProblem("validation", inputs.validationCutoff, inputs.validation);
}

/**
 * Holdout quality on the validation rows of a model trained on the training rows: the ranking
 * figures (ROC AUC with DeLong's interval, PR AUC) of the model's probabilities `p` (a monotone
 * calibration keeps them), the Brier score of the cross-fitted calibrated probabilities
 * `calibrated` (what the served probabilities achieve) and of `p` (before calibration).
 */
function holdoutMetrics(
  y: readonly number[],
  p: readonly number[],
  calibrated: readonly number[],
): Pick<ChurnMetrics, "rocAuc" | "rocAucCi" | "prAuc" | "brierScore" | "uncalibratedBrierScore" | "validationChurnRate"> {
  let ci: AucInterval | null = null;
  try {
    ci = delongAucInterval(y, p, 0.95);
  } catch {
    // Fewer than 2 leavers or 2 stayers on the holdout: no interval, the verdict says so.
  }
  if (ci !== null && !Number.isFinite(ci.se)) ci = null;
  return {
    rocAuc: orNull(() => rocAuc(y, p)),
    rocAucCi: ci === null ? null : { lower: round(ci.lower, 6), upper: round(ci.upper, 6), se: round(ci.se, 6), level: ci.level },
    prAuc: orNull(() => prAuc(y, p)),
    brierScore: brierScore(y, calibrated),
    uncalibratedBrierScore: brierScore(y, p),
    validationChurnRate: y.reduce((s, v) => s + v, 0) / y.length,
  };
}

/**
 * The run's verdict from the holdout AUC's DeLong interval: `better` only when its lower bound is
 * above 0.5 (a model that cannot be told from random at 95 % gives no per-customer advice).
 */
export function churnVerdict(ci: ChurnMetrics["rocAucCi"]): ChurnVerdict {
  if (ci === null) return "notAssessed";
  return ci.lower > 0.5 ? "better" : "notBetterThanRandom";
}

/** Which model scores the customers (see {@link buildChurnRun}). */
type PoolingMode = ChurnParams["pooling"]["mode"];

/** The holdout candidates in the order that wins a tie: the simplest model first. */
const MODE_ORDER: readonly PoolingMode[] = ["merchantOnly", "blended", "pooled"];

/**
 * Picks the model by its holdout ROC AUC on the merchant's own validation customers: the highest
 * wins, ties go to the simpler one (MODE_ORDER); a candidate without an AUC (too few of a class)
 * loses to one with, and with no AUC at all the merchant-only model is kept when it exists.
 */
export function chooseChurnModel(auc: Partial<Record<PoolingMode, number | null>>): PoolingMode {
  const available = MODE_ORDER.filter((m) => m in auc);
  if (available.length === 0) throw new Error("chooseChurnModel: no candidate model");
  let best: PoolingMode | null = null;
  for (const m of available) {
    const v = auc[m];
    if (v === null || v === undefined) continue;
    if (best === null || v > (auc[best] as number)) best = m;
  }
  return best ?? available[0];
}

/**
 * The stored churn run from its inputs: checks both cutoffs, subsamples, chooses the columns,
 * fits the merchant-only model and, with a released segment pool, the pooled one and their blend
 * on the training cutoff, judges each on the merchant's own validation customers, keeps the best
 * (chooseChurnModel), calibrates its probabilities by Platt scaling fitted on that holdout, with
 * a Gaussian prior centred at the identity map (CHURN_SETTINGS.calibrationPrior, ADR 0035;
 * lib/models/calibration.ts; the stored calibration curve and Brier score cross-fitted over two
 * halves of the holdout customers, so not in-sample; AUC and rankings unchanged), refits it at the
 * validation cutoff, scores and explains the customers as of asOf with the calibrated log-odds
 * (SHAP values × the calibration's slope), and summarises. Deterministic (seeded).
 *
 * Partial pooling: "blended" averages the two models' log-odds, so its TreeSHAP values are the
 * average of the two models' (SHAP is linear in the model: Lundberg & Lee 2017, property 3).
 * Every stored figure is computed on the merchant's own customers (metrics, calibration,
 * importance, segment effects); a pooled run's `baseValue` is the mean log-odds over the scored
 * customers, since the pooled model's own base value describes the pool.
 *
 * @throws ModelInputError when nobody is to be scored, no feature varies, or a cutoff has too few
 *         customers or classes and no pooled training set was released
 */
export function buildChurnRun(inputs: ChurnRunInputs): ComputedRun<typeof churnContract> {
  const { asOf, horizonDays, trainCutoff, validationCutoff, clv, competitorSpend } = inputs;
  const trainAll = inputs.train;
  const validation = inputs.validation;
  const score = inputs.score;
  const ownProblem = ownChurnProblem(inputs);
  const pool = inputs.pool?.available ? inputs.pool : null;
  const poolProblem =
    pool === null
      ? inputs.pool !== undefined && !inputs.pool.available
        ? inputs.pool.reason
        : "no pooled training set"
      : (cutoffProblem("training", trainCutoff, pool.train) ?? cutoffProblem("validation", validationCutoff, pool.validation) ?? (validation.length === 0 ? "no own customers to judge the pooled model" : null));
  if (ownProblem !== null && poolProblem !== null) throw new ModelInputError(ownProblem);
  if (score.length === 0) throw new ModelInputError(`no customers with a purchase in the ${inputs.observationDays} days before ${asOf}`);
  const ownOk = ownProblem === null;
  // The pool only for a merchant that cannot train a model of its own (ADR 0019, "what landed"):
  // chosen by holdout AUC alone, pooled and blended models won for most larger merchants but
  // explained their customers with the segment's drivers (the planted competitor-share driver fell
  // out of the top 3 for 4 of 7 Moscow grocers; tests/integration/jobs-synthetic.test.ts).
  const pooled = poolProblem === null && !ownOk ? pool : null;

  const { maxTrainingRows } = CHURN_SETTINGS;
  const train = subsampleRows(trainAll, maxTrainingRows);
  const finalTrain = subsampleRows(validation, maxTrainingRows);
  const poolTrain = pooled ? subsampleRows(pooled.train, CHURN_SETTINGS.maxPooledRows) : [];
  const poolFinal = pooled ? subsampleRows(pooled.validation, CHURN_SETTINGS.maxPooledRows) : [];
  const subsampled = train.length < trainAll.length || finalTrain.length < validation.length || (pooled !== null && (poolTrain.length < pooled.train.length || poolFinal.length < pooled.validation.length));

  // Region ordinals from the merchant's own customers only (a peer's regions are the pool's, not
  // the merchant's): a region none of them lives in is missing for the model.
  const regions = regionOrdinals([...trainAll, ...validation, ...score]);
  const regionIndex = new Map(regions.map((name, i) => [name, i]));
  const withheld = competitorSpend.available ? null : competitorSpend.reason;
  const { features, omitted } = selectFeatures([...(ownOk ? [...train, ...finalTrain] : []), ...poolTrain, ...poolFinal], regionIndex, withheld);
  if (features.length === 0) throw new ModelInputError("no feature varies between customers");
  const { seed, ...gbdt } = CHURN_SETTINGS.model;
  const fit = (rows: readonly ChurnFeatureRowWithShare[]): TreeEnsemble =>
    fitGradientBoosting(encodeRows(rows, features, regionIndex), labels(rows), [...features], { ...gbdt, seed });

  // Holdout: each candidate trained at c₁, judged at c₂ on the merchant's own validation customers.
  const yValid = labels(validation);
  const XValid = encodeRows(validation, features, regionIndex);
  const holdoutMargins: Partial<Record<PoolingMode, number[]>> = {};
  if (ownOk) {
    const m = fit(train);
    holdoutMargins.merchantOnly = XValid.map((x) => predictMargin(m, x));
  }
  if (pooled) {
    const m = fit(poolTrain);
    holdoutMargins.pooled = XValid.map((x) => predictMargin(m, x));
  }
  if (holdoutMargins.merchantOnly && holdoutMargins.pooled) {
    const own = holdoutMargins.merchantOnly;
    holdoutMargins.blended = holdoutMargins.pooled.map((v, i) => (v + own[i]) / 2);
  }
  const holdoutAuc: Partial<Record<PoolingMode, number | null>> = {};
  for (const mode of MODE_ORDER) {
    const margins = holdoutMargins[mode];
    if (margins) holdoutAuc[mode] = orNull(() => rocAuc(yValid, margins));
  }
  const mode = chooseChurnModel(holdoutAuc);
  const validMargins = holdoutMargins[mode]!;
  const pValid = validMargins.map(sigmoid);
  // Post-hoc calibration (lib/models/calibration.ts, docs/adr/0032-calibrated-churn-probabilities.md,
  // 0035-calibration-prior.md): a Platt map fitted on the holdout (the model trained at c₁ scored
  // at c₂ against what happened) with a Gaussian prior centred at the identity map (the maximum a
  // posteriori map: shrunk toward the model's own probabilities), applied below to the refit
  // model's log-odds as of asOf. Reported out of sample: the calibration curve and the Brier score
  // are of cross-fitted probabilities (the holdout customers split in two halves by id hash, each
  // calibrated by the map fitted on the other).
  const prior = CHURN_SETTINGS.calibrationPrior;
  const calibrate = (f: readonly number[], y: readonly number[]) => fitMonotonePlatt(f, y, { prior });
  const calibrator = calibrate(validMargins, yValid);
  const folds = validation.map((r) => customerIdHash(r.customerId) >>> 31);
  const pValidCalibrated = crossFitCalibrated(validMargins, yValid, folds, calibrate);
  const ownTrainChurned = labels(train).reduce((s, v) => s + v, 0);
  const metrics: ChurnMetrics = {
    ...holdoutMetrics(yValid, pValid, pValidCalibrated),
    trainRows: train.length,
    trainChurnRate: train.length > 0 ? ownTrainChurned / train.length : null,
    validationRows: validation.length,
    finalTrainRows: finalTrain.length,
    scoredCustomers: score.length,
    holdoutAuc: {
      merchantOnly: roundOrNull(holdoutAuc.merchantOnly),
      pooled: roundOrNull(holdoutAuc.pooled),
      blended: roundOrNull(holdoutAuc.blended),
    },
  };

  // Final model(s): refitted at c₂, score as of asOf, explained by TreeSHAP; then calibrated. The
  // Platt map is a line in log-odds, so the calibrated log-odds are still the base value plus
  // the SHAP values: each value × slope, the base value mapped by the line.
  const X = encodeRows(score, features, regionIndex);
  const finals: TreeEnsemble[] = [];
  if (mode !== "pooled") finals.push(fit(finalTrain));
  if (mode !== "merchantOnly") finals.push(fit(poolFinal));
  const perModel = finals.map((m) => ({ margins: X.map((x) => predictMargin(m, x)), explanations: treeShapBatch(m, X) }));
  const k = perModel.length;
  const { slope, intercept } = calibrator;
  const margins = X.map((_, i) => slope * (perModel.reduce((s, m) => s + m.margins[i], 0) / k) + intercept);
  const pChurn = margins.map(sigmoid);
  const shap = X.map((_, i) => {
    const v = new Float64Array(features.length);
    for (const m of perModel) m.explanations[i].values.forEach((x, j) => (v[j] += (slope * x) / k));
    return v;
  });
  const baseValue =
    mode === "merchantOnly" ? slope * (perModel[0].explanations[0]?.baseValue ?? finals[0].baseMargin) + intercept : margins.reduce((s, v) => s + v, 0) / margins.length;
  const explain: ExplainContext = { regions, cycleDays: inputs.medianInterPurchaseDays };

  const outputs: ComputedRun<typeof churnContract>["outputs"] = [];
  const atRisk: RevenueAtRiskRow[] = [];
  const values: number[] = [];
  let totalRevenueAtRiskMinor = 0;
  score.forEach((row, i) => {
    const fromRun = clv?.clvMinor.get(row.customerId);
    const clvMinor = Math.max(0, Math.round(fromRun ?? row.revenue365dMinor));
    const clvSource = fromRun === undefined ? "historical" : "clv";
    const p = round(pChurn[i], 6);
    const revenueAtRiskMinor = Math.round(p * clvMinor);
    values.push(clvMinor);
    totalRevenueAtRiskMinor += revenueAtRiskMinor;
    // Per person, only the merchant's own-history factors (issue 13, docs/privacy.md): bank
    // attributes and competitor spend drive the model but are never shown for one customer.
    const factors = topFactors(features, X[i], shap[i], explain, CHURN_SETTINGS.topFactors, guardsRemovedForAttackDemo() ? undefined : PER_PERSON_FEATURES);
    const bankCustomerId = inputs.bankIds.get(row.customerId) ?? "";
    const output: ChurnCustomerOutput = { bankCustomerId, pChurn: p, clvMinor, clvSource, revenueAtRiskMinor, factors };
    outputs.push({ customerId: row.customerId, output });
    atRisk.push({ customerId: row.customerId, ...output });
  });
  atRisk.sort((a, b) => b.revenueAtRiskMinor - a.revenueAtRiskMinor || b.pChurn - a.pChurn || a.customerId - b.customerId);

  const importance = features
    .map((feature, j) => ({ feature, meanAbsShap: round(shap.reduce((s, v) => s + Math.abs(v[j]), 0) / shap.length, 6) }))
    .sort((a, b) => b.meanAbsShap - a.meanAbsShap || features.indexOf(a.feature) - features.indexOf(b.feature));
  const topForSegments = importance.slice(0, CHURN_SETTINGS.segmentEffectFeatures).map((i) => i.feature);

  const verdict = churnVerdict(metrics.rocAucCi);
  const summary: ChurnSummary = {
    horizonDays,
    asOf,
    scoredCustomers: score.length,
    expectedChurners: round(pChurn.reduce((s, v) => s + v, 0), 2),
    totalRevenueAtRiskMinor,
    riskHistogram: unitHistogram(pChurn),
    calibration: calibrationPoints(yValid, pValidCalibrated, CHURN_SETTINGS.calibrationBins),
    importance,
    segmentEffects: segmentEffects(score, shap, features, topForSegments),
    verdict,
    // No per-customer advice from a model that is not clearly better than random (issue 19).
    revenueAtRisk: verdict === "better" ? atRisk.slice(0, CHURN_SETTINGS.revenueAtRiskRows) : [],
    baseValue: round(baseValue, 6),
    factorEffects: factorEffects(features, margins, shap, values),
  };
  const params: ChurnParams = {
    horizonDays,
    medianInterPurchaseDays: round(inputs.medianInterPurchaseDays, 4),
    observationDays: inputs.observationDays,
    asOf,
    trainCutoff,
    validationCutoff,
    features,
    omittedFeatures: omitted,
    regions,
    model: {
      nTrees: gbdt.nTrees,
      maxDepth: gbdt.maxDepth,
      learningRate: gbdt.learningRate,
      minChildWeight: gbdt.minChildWeight,
      lambda: gbdt.lambda,
    },
    maxTrainingRows,
    subsampled,
    competitorSpend,
    clvSource: { clvRunId: clv?.runId ?? null, clvRunVersion: clv?.version ?? null },
    calibration: { method: "platt", prior: { ...prior }, slope: round(slope, 6), intercept: round(intercept, 6), interceptOnly: calibrator.interceptOnly, folds: 2 },
    pooling: {
      mode,
      level: pooled?.level ?? null,
      merchants: inputs.pool?.merchants ?? null,
      withheld: pooled === null ? (inputs.pool === undefined ? null : poolProblem) : null,
      minMerchants: MIN_POOL_MERCHANTS,
      maxMerchantShare: MAX_POOL_SHARE,
    },
  };
  return { periodFrom: inputs.periodFrom, periodTo: asOf, params, metrics, summary, outputs };
}
