import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { MODEL_KINDS, type ModelKind, type ModelRunStatus } from "@/db/schema/models";
import type { RegressionTree } from "@/lib/models/cart";
// Type-only: the row type of the segment table is defined beside buildSegmentTree.
import type { SegmentTableRow } from "@/lib/analytics/getSegmentTreeData";
import type { ChurnFeatureName } from "./getChurnFeatures";
import { merchantFilter } from "./scope";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import type { Period } from "@/lib/days";

/*
 * The read side of stored model runs (lib/jobs writes them, docs/models/jobs.md): what the
 * customer-value, churn and segment pages show. Pages never fit a model; they read the latest
 * succeeded run of the merchant, inside its scope (RLS on model_runs / model_customer_outputs).
 *
 * The JSON documents of a run (params, metrics, summary, per-customer output) are typed here and
 * written by lib/jobs with exactly these types. Money is integer minor units of the merchant's
 * currency (expected values rounded to whole minor units); probabilities are 0..1; SHAP values
 * are in log-odds (margin) units of the churn model.
 */

export { MODEL_KINDS, type ModelKind, type ModelRunStatus };
export type { SegmentTableRow, RegressionTree };

/** Identity and timing of one stored run. */
export interface ModelRunMeta {
  id: number;
  kind: ModelKind;
  /** 1, 2, … per merchant and kind (failed runs count too). */
  version: number;
  /** First local day of the data the run describes, inclusive ('YYYY-MM-DD'). */
  periodFrom: string;
  /** Exclusive end: the run's as-of day (the day after the last data day it used). */
  periodTo: string;
  /** ISO 8601 timestamps. */
  startedAt: string;
  finishedAt: string;
}

/** A stored succeeded run with its typed JSON documents. */
export interface StoredModelRun<P = unknown, M = unknown, S = unknown> extends ModelRunMeta {
  params: P;
  metrics: M;
  summary: S;
}

/** The latest attempt of one kind, succeeded or not (for "last run failed: …" notes). */
export interface ModelRunAttempt {
  id: number;
  kind: ModelKind;
  version: number;
  status: ModelRunStatus;
  /** Why it failed (plain English); null on success. */
  error: string | null;
  periodFrom: string | null;
  periodTo: string | null;
  finishedAt: string;
}

/** One bar of a histogram: [from, to), the last bar open-ended (`to` null) when noted. */
export interface HistogramBin {
  from: number;
  to: number | null;
  customers: number;
}

// ---------------------------------------------------------------------------------------------
// Customer value (BG/NBD + Gamma-Gamma + CLV)

/** How the CLV run was set up. */
export interface ClvParams {
  /** Last local day of the calibration data, inclusive (= the merchant's last data day). */
  calibrationEnd: string;
  timeUnit: "week";
  /** CLV horizon in months (12) and monthly discount rate (0.01 = 1 % per month). */
  horizonMonths: number;
  monthlyDiscountRate: number;
  /** Time units per month used by the CLV sum (weeks: 365.25 / 12 / 7). */
  periodsPerMonth: number;
  /** Horizon of "expected purchases" in days (90). */
  predictionDays: number;
  /** The run fails below this many repeat customers (20). */
  minRepeatCustomers: number;
}

/** Fitted parameters and fit quality. BG/NBD rates are per week. */
export interface ClvMetrics {
  bgnbd: {
    r: number;
    alpha: number;
    a: number;
    b: number;
    logLikelihood: number;
    /** Asymptotic standard errors; null when the Hessian could not be inverted. */
    standardErrors: { r: number; alpha: number; a: number; b: number } | null;
    converged: boolean;
  };
  gammaGamma: {
    p: number;
    q: number;
    gamma: number;
    logLikelihood: number;
    /** Repeat customers with a positive mean repeat spend it was fitted on. */
    customers: number;
  };
}

/** One cell of the P(alive) heatmap: repeat purchases × weeks since the last purchase. */
export interface PAliveCell {
  frequency: string;
  recency: string;
  /** Customers in the cell; null when suppressed (< 5). */
  customers: number | null;
  /** Mean P(alive) of the cell's customers; null when suppressed. */
  meanPAlive: number | null;
  suppressed: boolean;
}

/** Everything the customer-value page charts. */
export interface ClvSummary {
  customers: number;
  /** Customers with at least one repeat purchase (x ≥ 1). */
  repeatCustomers: number;
  /** Σ P(alive): the expected number of customers still active at the calibration end. */
  expectedActiveCustomers: number;
  /** Σ expected purchases in the next 90 days. */
  expectedPurchases90d: number;
  /** Σ CLV (12 months, discounted), minor units. */
  totalClvMinor: number;
  meanClvMinor: number;
  medianClvMinor: number;
  /** CLV distribution, minor units; the last bin is open-ended (to null). */
  clvHistogram: HistogramBin[];
  /** P(alive) histogram over [0, 1] in 10 bins of 0.1 (the last closed at 1). */
  pAliveHistogram: HistogramBin[];
  pAliveGrid: { frequencyBuckets: string[]; recencyBuckets: string[]; cells: PAliveCell[] };
}

/** Per-customer output of a CLV run. */
export interface ClvCustomerOutput {
  /** The bank's pseudonymous customer id (the one the merchant matches to its loyalty data). */
  bankCustomerId: string;
  /** Repeat purchases (purchase weeks after the first), recency and age in weeks. */
  x: number;
  tx: number;
  T: number;
  /** Mean repeat-purchase value, minor units; null without repeat purchases. */
  mxMinor: number | null;
  pAlive: number;
  expectedPurchases90d: number;
  /** Expected value of a future purchase (Gamma-Gamma), minor units. */
  expectedAverageValueMinor: number;
  /** 12-month discounted CLV, minor units. */
  clvMinor: number;
}

export type CustomerValueResults = StoredModelRun<ClvParams, ClvMetrics, ClvSummary>;

/** One row of the customer-value table. */
export interface CustomerValueRow extends ClvCustomerOutput {
  customerId: number;
}

// ---------------------------------------------------------------------------------------------
// Churn (gradient boosting + TreeSHAP)

/** A feature the run left out, and why. */
export interface OmittedFeature {
  feature: ChurnFeatureName;
  reason: string;
}

/** How the churn run was set up (docs/models/jobs.md). */
export interface ChurnParams {
  /** The horizon H in days: P(churn) = P(no purchase in [asOf, asOf + H)). */
  horizonDays: number;
  /** Median over repeat customers of their mean days between purchases (H = 2 × this, clamped). */
  medianInterPurchaseDays: number;
  /** A scored customer had a purchase in [cutoff − observationDays, cutoff). */
  observationDays: number;
  asOf: string;
  /** asOf − 2H: the model of the holdout is trained here … */
  trainCutoff: string;
  /** … and validated here (asOf − H); the final model is refitted here. */
  validationCutoff: string;
  /** Model columns, in order. */
  features: ChurnFeatureName[];
  omittedFeatures: OmittedFeature[];
  /** Region ordinal mapping: regions[k] has ordinal k. */
  regions: string[];
  /** Gradient-boosting settings. */
  model: { nTrees: number; maxDepth: number; learningRate: number; minChildWeight: number; lambda: number };
  /** Training rows kept per cutoff (after any subsampling) and whether rows were subsampled. */
  maxTrainingRows: number;
  subsampled: boolean;
  /** Whether the competitor-spend features could be computed (peer guard). */
  competitorSpend: { available: boolean; reason: string | null; peerMerchants: number };
  /** Where the revenue-at-risk CLV came from. */
  clvSource: { clvRunId: number | null; clvRunVersion: number | null };
}

/** Holdout quality on the validation cutoff. */
export interface ChurnMetrics {
  rocAuc: number | null;
  prAuc: number | null;
  brierScore: number;
  /** Churn rate among the validation customers. */
  validationChurnRate: number;
  trainRows: number;
  trainChurnRate: number;
  validationRows: number;
  /** Rows of the final model (trained at the validation cutoff). */
  finalTrainRows: number;
  scoredCustomers: number;
}

/** One point of the reliability diagram (validation cutoff). */
export interface CalibrationPoint {
  /** Bin [from, to) of predicted probability. */
  from: number;
  to: number;
  customers: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

/** One explanation factor of one customer. */
export interface ChurnFactor {
  feature: ChurnFeatureName;
  /** SHAP value, log-odds; > 0 raises the churn risk. */
  shap: number;
  /** The feature's value for the customer (units in CHURN_FEATURES); null when missing. */
  value: number | null;
  text: { en: string; ru: string };
}

/** One row of the revenue-at-risk list. */
export interface RevenueAtRiskRow {
  customerId: number;
  bankCustomerId: string;
  pChurn: number;
  /** Expected 12-month value: the latest CLV run's, else 12-month historical net revenue. */
  clvMinor: number;
  clvSource: "clv" | "historical";
  /** round(pChurn × clvMinor). */
  revenueAtRiskMinor: number;
  /** Top three factors: the largest positive SHAP first (see lib/jobs/explain.ts topFactors). */
  factors: ChurnFactor[];
  /** The factors in plain words, joined with "; ". */
  text: { en: string; ru: string };
}

/** Mean SHAP of the top features within one demographic segment. */
export interface SegmentEffect {
  dimension: "gender" | "ageBand";
  value: string;
  /** Scored customers of the segment; null when suppressed (< 5). */
  customers: number | null;
  /** Mean SHAP per feature (log-odds); empty when suppressed. */
  effects: { feature: ChurnFeatureName; meanShap: number }[];
  suppressed: boolean;
}

/** Everything the churn page charts. */
export interface ChurnSummary {
  horizonDays: number;
  asOf: string;
  scoredCustomers: number;
  /** Σ P(churn): expected churners among the scored customers. */
  expectedChurners: number;
  /** Σ P(churn) × CLV over every scored customer, minor units. */
  totalRevenueAtRiskMinor: number;
  /** P(churn) distribution in 10 bins of 0.1 (the last closed at 1). */
  riskHistogram: HistogramBin[];
  calibration: CalibrationPoint[];
  /** Global importance: mean |SHAP| per model feature over the scored customers, descending. */
  importance: { feature: ChurnFeatureName; meanAbsShap: number }[];
  /** Mean SHAP of the five most important features by gender and by age band. */
  segmentEffects: SegmentEffect[];
  /** Top 100 scored customers by P(churn) × CLV. */
  revenueAtRisk: RevenueAtRiskRow[];
  /** SHAP base value (log-odds) of the final model. */
  baseValue: number;
}

/** Per-customer output of a churn run. */
export interface ChurnCustomerOutput {
  bankCustomerId: string;
  pChurn: number;
  clvMinor: number;
  clvSource: "clv" | "historical";
  revenueAtRiskMinor: number;
  factors: ChurnFactor[];
  text: { en: string; ru: string };
}

export type ChurnResults = StoredModelRun<ChurnParams, ChurnMetrics, ChurnSummary>;

// ---------------------------------------------------------------------------------------------
// Segment tree (CART)

/** How the segment-tree run was set up. */
export interface SegmentTreeParams {
  /** The last 12 months ending at the as-of day. */
  period: Period;
  /** Options given to buildSegmentTree (minSamplesLeaf as resolved: max(5, ceil(2 % of customers))). */
  options: { maxDepth: number; minSamplesLeaf: number };
}

/** What the segment-tree page shows: buildSegmentTree's table and tree, as returned. */
export interface SegmentTreeSummary {
  period: Period;
  /** Customers the tree was grown on. */
  customers: number;
  /** One row per leaf, highest revenue first (buildSegmentTree). Money in minor units. */
  table: SegmentTableRow[];
  /** The fitted CART tree (nodes with feature index, threshold, children, samples, value). */
  tree: RegressionTree;
  /** Net revenue of the period over the tree's customers, minor units. */
  revenueMinor: number;
}

/** Fit figures of the segment tree. */
export interface SegmentTreeMetrics {
  /** Leaves (= table rows). */
  leaves: number;
  /** Share of the variance of revenue per customer explained by the leaves (R² on the training rows). */
  rSquared: number | null;
}

export type SegmentTreeResults = StoredModelRun<SegmentTreeParams, SegmentTreeMetrics, SegmentTreeSummary>;

// ---------------------------------------------------------------------------------------------
// Queries

interface RunRow {
  id: number;
  kind: ModelKind;
  version: number;
  status: ModelRunStatus;
  error: string | null;
  period_from: string | null;
  period_to: string | null;
  params: unknown;
  metrics: unknown;
  summary: unknown;
  started_at: string;
  finished_at: string;
}

const iso = (t: string | Date) => (t instanceof Date ? t : new Date(t)).toISOString();

function assertKind(kind: ModelKind) {
  if (!(MODEL_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown model kind: ${String(kind)}`);
}

/** PGlite and postgres.js both parse jsonb; a driver that hands back text still works. */
const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);

/**
 * The latest succeeded run of one kind for the context's merchant (highest version with status
 * 'succeeded'), or null when there is none yet. A later failed run does not hide it.
 *
 * Sources: model_runs (RLS: the merchant's own runs only).
 * @throws Error for a kind outside MODEL_KINDS
 */
export async function getLatestModelRun(ctx: AnalyticsContext, kind: ModelKind): Promise<StoredModelRun | null> {
  assertKind(kind);
  const [row] = await queryRows<RunRow>(
    ctx.tx,
    sql`select id, kind, version, status, error, period_from::text as period_from, period_to::text as period_to,
               params, metrics, summary, started_at, finished_at
        from model_runs
        where ${merchantFilter(ctx)} and kind = ${kind} and status = 'succeeded'
        order by version desc
        limit 1`,
  );
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind,
    version: row.version,
    periodFrom: row.period_from!,
    periodTo: row.period_to!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    params: json(row.params),
    metrics: json(row.metrics),
    summary: json(row.summary),
  };
}

/**
 * The latest attempt (succeeded or failed) of every kind, null for a kind never run: lets a page
 * say "the latest run failed: too few repeat customers" above the older succeeded results.
 *
 * Sources: model_runs.
 */
export async function getModelRunAttempts(ctx: AnalyticsContext): Promise<Record<ModelKind, ModelRunAttempt | null>> {
  const rows = await queryRows<RunRow>(
    ctx.tx,
    sql`select distinct on (kind) id, kind, version, status, error, period_from::text as period_from,
               period_to::text as period_to, finished_at
        from model_runs
        where ${merchantFilter(ctx)}
        order by kind, version desc`,
  );
  const out = Object.fromEntries(MODEL_KINDS.map((k) => [k, null])) as Record<ModelKind, ModelRunAttempt | null>;
  for (const r of rows) {
    out[r.kind] = {
      id: r.id,
      kind: r.kind,
      version: r.version,
      status: r.status,
      error: r.error,
      periodFrom: r.period_from,
      periodTo: r.period_to,
      finishedAt: iso(r.finished_at),
    };
  }
  return out;
}

/**
 * The customer-value page: the latest succeeded CLV run (BG/NBD + Gamma-Gamma parameters, CLV
 * histogram, P(alive) heatmap, counts), or null before the first one.
 * Sources: model_runs.
 */
export async function getCustomerValueResults(ctx: AnalyticsContext): Promise<CustomerValueResults | null> {
  return (await getLatestModelRun(ctx, "clv")) as CustomerValueResults | null;
}

/**
 * The churn page: the latest succeeded churn run (H, holdout metrics, calibration, risk
 * histogram, SHAP importance, segment effects, revenue at risk), or null before the first one.
 * Sources: model_runs.
 */
export async function getChurnResults(ctx: AnalyticsContext): Promise<ChurnResults | null> {
  return (await getLatestModelRun(ctx, "churn")) as ChurnResults | null;
}

/**
 * The segment-tree page: the latest succeeded segments run (table and tree over the last 12
 * months), or null before the first one.
 * Sources: model_runs.
 */
export async function getSegmentTreeResults(ctx: AnalyticsContext): Promise<SegmentTreeResults | null> {
  return (await getLatestModelRun(ctx, "segments")) as SegmentTreeResults | null;
}

/**
 * One page of the customer-value table of the latest succeeded CLV run, highest CLV first (ties
 * by customer id), or null before the first run.
 *
 * @param opts.limit  rows, 1..1000 (default 50); opts.offset ≥ 0 (default 0)
 * Sources: model_runs, model_customer_outputs.
 * @throws Error on a limit or offset out of range
 */
export async function getCustomerValueList(
  ctx: AnalyticsContext,
  opts: { limit?: number; offset?: number } = {},
): Promise<{ run: ModelRunMeta; total: number; rows: CustomerValueRow[] } | null> {
  const limit = opts.limit ?? 50;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`limit must be 1..1000, got ${limit}`);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`offset must be a whole number ≥ 0, got ${offset}`);
  const run = await getLatestModelRun(ctx, "clv");
  if (!run) return null;
  const rows = await queryRows<{ customer_id: number; output: unknown; total: number }>(
    ctx.tx,
    sql`select customer_id, output, count(*) over ()::int as total
        from model_customer_outputs
        where run_id = ${run.id} and ${merchantFilter(ctx)}
        order by (output->>'clvMinor')::float8 desc, customer_id
        limit ${limit} offset ${offset}`,
  );
  const meta: ModelRunMeta = {
    id: run.id,
    kind: run.kind,
    version: run.version,
    periodFrom: run.periodFrom,
    periodTo: run.periodTo,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
  return {
    run: meta,
    total: rows[0]?.total ?? 0,
    rows: rows.map((r) => ({ customerId: r.customer_id, ...(json(r.output) as ClvCustomerOutput) })),
  };
}

/**
 * CLV per customer of the latest succeeded CLV run (the churn job's value for revenue at risk),
 * or null before the first run.
 * Sources: model_runs, model_customer_outputs.
 */
export async function getClvByCustomer(
  ctx: AnalyticsContext,
): Promise<{ runId: number; version: number; clvMinor: Map<number, number> } | null> {
  const run = await getLatestModelRun(ctx, "clv");
  if (!run) return null;
  const rows = await queryRows<{ customer_id: number; clv: number }>(
    ctx.tx,
    sql`select customer_id, (output->>'clvMinor')::float8 as clv
        from model_customer_outputs where run_id = ${run.id} and ${merchantFilter(ctx)}`,
  );
  return { runId: run.id, version: run.version, clvMinor: new Map(rows.map((r) => [r.customer_id, r.clv])) };
}
