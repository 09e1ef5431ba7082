import type { ChurnFeatureRowWithShare } from "@/lib/analytics/getChurnFeatures";
import { brierScore, calibrationCurve, prAuc, rocAuc } from "@/lib/models/classificationMetrics";
import { fitGradientBoosting } from "@/lib/models/gbdt";
import { predictProbability, type TreeEnsemble } from "@/lib/models/tree";
import { treeShapBatch } from "@/lib/models/treeshap";
import { guardsRemovedForAttackDemo } from "@/lib/privacy/disclosure";
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
  type churnContract,
  type OmittedFeature,
  type RevenueAtRiskRow,
  type SegmentEffect,
} from "@/lib/runs/churn";
import type { ComputedRun } from "@/lib/runs/contract";
import { ModelInputError } from "./errors";
import { topFactors, type ExplainContext } from "./explain";
import { ageBand, unitHistogram } from "./summaries";

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
  revenueAtRiskRows: 100,
  topFactors: 3,
  segmentEffectFeatures: 5,
  calibrationBins: 10,
  model: { nTrees: 150, maxDepth: 3, learningRate: 0.05, minChildWeight: 5, lambda: 1, maxBins: 64, seed: 1 },
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

/** Deterministic pseudo-random rank of a customer id (Knuth's multiplicative hash), for subsampling. */
function idHash(id: number): number {
  return Math.imul(id | 0, 2654435761) >>> 0;
}

/** Keeps at most `max` rows: those with the smallest id hash (the same customers every run). */
export function subsampleRows<T extends { customerId: number }>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  const keep = new Set(
    [...rows]
      .sort((a, b) => idHash(a.customerId) - idHash(b.customerId) || a.customerId - b.customerId)
      .slice(0, max)
      .map((r) => r.customerId),
  );
  return rows.filter((r) => keep.has(r.customerId));
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

/**
 * Refuses a cutoff with too few customers or too few of either class.
 * @throws ModelInputError with the counts and the minimum
 */
function checkCutoff(name: string, cutoff: string, rows: readonly ChurnFeatureRowWithShare[]): void {
  const { minRowsPerCutoff, minPerClass } = CHURN_SETTINGS;
  const churned = rows.filter((r) => r.churned).length;
  if (rows.length < minRowsPerCutoff) {
    throw new ModelInputError(
      `too few customers to train the churn model: ${rows.length} active before the ${name} cutoff ${cutoff} (at least ${minRowsPerCutoff} needed)`,
    );
  }
  if (churned < minPerClass || rows.length - churned < minPerClass) {
    throw new ModelInputError(
      `too few churned or retained customers at the ${name} cutoff ${cutoff}: ${churned} churned, ${rows.length - churned} retained (at least ${minPerClass} of each needed)`,
    );
  }
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
}

/** Holdout quality on the validation rows of a model trained on the training rows. */
function holdoutMetrics(y: readonly number[], p: readonly number[]): Pick<ChurnMetrics, "rocAuc" | "prAuc" | "brierScore" | "validationChurnRate"> {
  return {
    rocAuc: orNull(() => rocAuc(y, p)),
    prAuc: orNull(() => prAuc(y, p)),
    brierScore: brierScore(y, p),
    validationChurnRate: y.reduce((s, v) => s + v, 0) / y.length,
  };
}

/**
 * The stored churn run from its inputs: checks both cutoffs, subsamples, chooses the columns,
 * fits and judges the holdout model, refits at the validation cutoff, scores and explains the
 * customers as of asOf, and summarises. Deterministic (seeded).
 *
 * @throws ModelInputError when a cutoff has too few customers or classes, nobody is to be scored,
 *         or no feature varies
 */
export function buildChurnRun(inputs: ChurnRunInputs): ComputedRun<typeof churnContract> {
  const { asOf, horizonDays, trainCutoff, validationCutoff, clv, competitorSpend } = inputs;
  const trainAll = inputs.train;
  const validation = inputs.validation;
  const score = inputs.score;
  checkCutoff("training", trainCutoff, trainAll);
  checkCutoff("validation", validationCutoff, validation);
  if (score.length === 0) throw new ModelInputError(`no customers with a purchase in the ${inputs.observationDays} days before ${asOf}`);

  const { maxTrainingRows } = CHURN_SETTINGS;
  const train = subsampleRows(trainAll, maxTrainingRows);
  const finalTrain = subsampleRows(validation, maxTrainingRows);
  const subsampled = train.length < trainAll.length || finalTrain.length < validation.length;

  const regions = regionOrdinals([...trainAll, ...validation, ...score]);
  const regionIndex = new Map(regions.map((name, i) => [name, i]));
  const withheld = competitorSpend.available ? null : competitorSpend.reason;
  const { features, omitted } = selectFeatures([...train, ...finalTrain], regionIndex, withheld);
  if (features.length === 0) throw new ModelInputError("no feature varies between customers");
  const { seed, ...gbdt } = CHURN_SETTINGS.model;
  const fit = (rows: readonly ChurnFeatureRowWithShare[]): TreeEnsemble =>
    fitGradientBoosting(encodeRows(rows, features, regionIndex), labels(rows), [...features], { ...gbdt, seed });

  // Holdout: trained at c₁, judged at c₂ on every validation customer.
  const holdoutModel = fit(train);
  const yValid = labels(validation);
  const pValid = encodeRows(validation, features, regionIndex).map((x) => predictProbability(holdoutModel, x));
  const metrics: ChurnMetrics = {
    ...holdoutMetrics(yValid, pValid),
    trainRows: train.length,
    trainChurnRate: labels(train).reduce((s, v) => s + v, 0) / train.length,
    validationRows: validation.length,
    finalTrainRows: finalTrain.length,
    scoredCustomers: score.length,
  };

  // Final model: refitted at c₂, scores as of asOf, explained by TreeSHAP.
  const model = fit(finalTrain);
  const X = encodeRows(score, features, regionIndex);
  const pChurn = X.map((x) => predictProbability(model, x));
  const explanations = treeShapBatch(model, X);
  const shap = explanations.map((e) => e.values);
  const explain: ExplainContext = { regions, cycleDays: inputs.medianInterPurchaseDays };

  const outputs: ComputedRun<typeof churnContract>["outputs"] = [];
  const atRisk: RevenueAtRiskRow[] = [];
  let totalRevenueAtRiskMinor = 0;
  score.forEach((row, i) => {
    const fromRun = clv?.clvMinor.get(row.customerId);
    const clvMinor = Math.max(0, Math.round(fromRun ?? row.revenue365dMinor));
    const clvSource = fromRun === undefined ? "historical" : "clv";
    const p = round(pChurn[i], 6);
    const revenueAtRiskMinor = Math.round(p * clvMinor);
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

  const summary: ChurnSummary = {
    horizonDays,
    asOf,
    scoredCustomers: score.length,
    expectedChurners: round(pChurn.reduce((s, v) => s + v, 0), 2),
    totalRevenueAtRiskMinor,
    riskHistogram: unitHistogram(pChurn),
    calibration: calibrationPoints(yValid, pValid, CHURN_SETTINGS.calibrationBins),
    importance,
    segmentEffects: segmentEffects(score, shap, features, topForSegments),
    revenueAtRisk: atRisk.slice(0, CHURN_SETTINGS.revenueAtRiskRows),
    baseValue: round(explanations[0]?.baseValue ?? model.baseMargin, 6),
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
  };
  return { periodFrom: inputs.periodFrom, periodTo: asOf, params, metrics, summary, outputs };
}
