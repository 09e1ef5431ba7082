import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { MODEL_KINDS, type ModelKind, type ModelRunStatus } from "@/db/schema/models";
import { CONTRACTS, type ContractOf } from "@/lib/runs";
import type { ClvCustomerOutput, CustomerValueResults, CustomerValueRow } from "@/lib/runs/clv";
import type { ChurnResults } from "@/lib/runs/churn";
import { parseStored, type ModelRunAttempt, type ModelRunMeta, type RefitReason, type RunMetrics, type RunParams, type RunSummary, type StoredModelRun } from "@/lib/runs/contract";
import type { FindingsResults } from "@/lib/runs/findings";
import type { ForecastResults } from "@/lib/runs/forecast";
import { churnSummaryWithTexts } from "@/lib/runs/render/churn";
import { segmentSummaryWithTexts } from "@/lib/runs/render/segments";
import type { SegmentTreeResults } from "@/lib/runs/segments";
import type { SwitchingResults, SwitchingTrendPoint } from "@/lib/runs/switching";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { merchantFilter } from "./scope";

/*
 * The read side of stored model runs (lib/jobs writes them, docs/models/jobs.md): what the
 * customer-value, churn, segment, forecast and findings pages, the CLI and the API show. Pages
 * never fit a model; they read the latest succeeded run of the merchant, inside its scope (RLS on
 * model_runs / model_customer_outputs).
 *
 * Every document is parsed with its kind's contract (lib/runs). A run stored in an older format,
 * or one that no longer parses, is not shown: the read says "refit" (readModelResults) and the
 * page's loader queues the model again (lib/jobs/refit.ts). Stored runs hold codes and numbers;
 * churn factors and segment profiles are put into words here, in every UI locale, by the run
 * renderers (lib/runs/render), so readers without a translator (CLI, CSV, API) print words.
 */

// The run types live with their contracts (lib/runs); re-exported for readers that import them
// from here (hooks, CLI) until lib/endpoints owns the response types.
export { type ModelKind };
export type { ModelRunAttempt, ModelRunMeta, HistogramBin } from "@/lib/runs/contract";
export type { CustomerValueResults, CustomerValueRow, PAliveCell } from "@/lib/runs/clv";
export type {
  ChurnResults,
} from "@/lib/runs/churn";
export type { SegmentTreeResults } from "@/lib/runs/segments";

/** What each kind's reader hands out. */
export interface ResultsByKind {
  clv: CustomerValueResults;
  churn: ChurnResults;
  segments: SegmentTreeResults;
  forecast: ForecastResults;
  findings: FindingsResults;
  switching: SwitchingResults;
}

/**
 * Reading the latest succeeded run of a kind: ready (parsed, with words), none yet, or stored in
 * a shape the current contract cannot show (refit needed; `runId`/`version` name that run).
 */
export type RunRead<R> =
  | { status: "ready"; run: R }
  | { status: "none"; run: null }
  | { status: "refit"; run: null; runId: number; version: number; reason: RefitReason };

interface RunRow {
  id: number;
  kind: ModelKind;
  version: number;
  format: number;
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

type Parsed<K extends ModelKind> = StoredModelRun<RunParams<ContractOf<K>>, RunMetrics<ContractOf<K>>, RunSummary<ContractOf<K>>>;

/**
 * A stored run's summary parsed with the kind's contract, or null when the run needs a refit
 * (stored in another format, or it does not parse): the check {@link readModelResults} makes, for
 * set-based readers that fetch many merchants' latest runs in one query (the portfolio).
 * @throws Error for a kind outside MODEL_KINDS
 */
export function parseStoredSummary<K extends ModelKind>(
  kind: K,
  row: { format: number; params: unknown; metrics: unknown; summary: unknown },
): RunSummary<ContractOf<K>> | null {
  assertKind(kind);
  const parsed = parseStored(CONTRACTS[kind], row.format, { params: json(row.params), metrics: json(row.metrics), summary: json(row.summary) });
  return parsed.ok ? (parsed.summary as RunSummary<ContractOf<K>>) : null;
}

/**
 * The latest succeeded run of one kind, parsed with the kind's contract: `ready`, `none` before
 * the first one, or `refit` when it was stored in another format or does not parse. A later
 * failed run does not hide it.
 *
 * Sources: model_runs (RLS: the merchant's own runs only).
 * @throws Error for a kind outside MODEL_KINDS
 */
async function readModelRun<K extends ModelKind>(ctx: AnalyticsContext, kind: K): Promise<RunRead<Parsed<K>>> {
  assertKind(kind);
  const [row] = await queryRows<RunRow>(
    ctx.tx,
    sql`select id, kind, version, format, status, error, period_from::text as period_from, period_to::text as period_to,
               params, metrics, summary, started_at, finished_at
        from model_runs
        where ${merchantFilter(ctx)} and kind = ${kind} and status = 'succeeded'
        order by version desc
        limit 1`,
  );
  if (!row) return { status: "none", run: null };
  const parsed = parseStored(CONTRACTS[kind], row.format, { params: json(row.params), metrics: json(row.metrics), summary: json(row.summary) });
  if (!parsed.ok) return { status: "refit", run: null, runId: row.id, version: row.version, reason: parsed.reason };
  return {
    status: "ready",
    run: {
      id: row.id,
      kind: row.kind,
      version: row.version,
      periodFrom: row.period_from!,
      periodTo: row.period_to!,
      startedAt: iso(row.started_at),
      finishedAt: iso(row.finished_at),
      params: parsed.params,
      metrics: parsed.metrics,
      summary: parsed.summary,
    } as Parsed<K>,
  };
}

/**
 * Summaries with words, by run: a stored run never changes and the messages are part of the
 * build, so a run's words are rendered once per process (next-intl formats a plural in tens of
 * microseconds; a churn summary has ~800 texts). Least recently used out beyond 200 runs.
 */
const WORDS_CACHE_RUNS = 200;
const wordsCache = new Map<string, unknown>();

function cachedWords<T>(key: string, render: () => T): T {
  const hit = wordsCache.get(key);
  if (hit !== undefined) {
    wordsCache.delete(key);
    wordsCache.set(key, hit);
    return hit as T;
  }
  const value = render();
  wordsCache.set(key, value);
  if (wordsCache.size > WORDS_CACHE_RUNS) wordsCache.delete(wordsCache.keys().next().value!);
  return value;
}

/** Words for the codes of a parsed run (churn factors, segment profiles), in every UI locale. */
function withWords<K extends ModelKind>(ctx: AnalyticsContext, kind: K, run: Parsed<K>): ResultsByKind[K] {
  const key = `${kind}:${ctx.merchant.id}:${ctx.merchant.currency}:${run.id}:${run.version}:${run.finishedAt}`;
  if (kind === "churn") {
    const r = run as Parsed<"churn">;
    return { ...r, summary: cachedWords(key, () => churnSummaryWithTexts(r.summary, ctx.merchant.currency)) } as ResultsByKind[K];
  }
  if (kind === "segments") {
    const r = run as Parsed<"segments">;
    return { ...r, summary: cachedWords(key, () => segmentSummaryWithTexts(r.summary)) } as ResultsByKind[K];
  }
  return run as unknown as ResultsByKind[K];
}

/**
 * The latest succeeded run of a kind as its page, the CLI and the API show it: parsed, with
 * words for its codes; or none yet; or refit needed.
 * Sources: model_runs.
 * @throws Error for a kind outside MODEL_KINDS
 */
export async function readModelResults<K extends ModelKind>(ctx: AnalyticsContext, kind: K): Promise<RunRead<ResultsByKind[K]>> {
  const read = await readModelRun(ctx, kind);
  return read.status === "ready" ? { status: "ready", run: withWords(ctx, kind, read.run) } : read;
}

/**
 * The latest succeeded run of one kind for the context's merchant, parsed (no words added), or
 * null when there is none yet or it needs a refit.
 * Sources: model_runs (RLS: the merchant's own runs only).
 * @throws Error for a kind outside MODEL_KINDS
 */
export async function getLatestModelRun<K extends ModelKind>(ctx: AnalyticsContext, kind: K): Promise<Parsed<K> | null> {
  return (await readModelRun(ctx, kind)).run;
}

/**
 * The latest attempt (succeeded or failed) of every kind, null for a kind never run: lets a page
 * say "the latest run failed: too few repeat customers" above the older succeeded results, or
 * "being prepared" when the latest succeeded run is of an older format (`refitNeeded`).
 *
 * Sources: model_runs.
 */
export async function getModelRunAttempts(ctx: AnalyticsContext): Promise<Record<ModelKind, ModelRunAttempt | null>> {
  const rows = await queryRows<RunRow>(
    ctx.tx,
    sql`select distinct on (kind) id, kind, version, format, status, error, period_from::text as period_from,
               period_to::text as period_to, finished_at
        from model_runs
        where ${merchantFilter(ctx)}
        order by kind, version desc`,
  );
  const out = Object.fromEntries(MODEL_KINDS.map((k) => [k, null])) as Record<ModelKind, ModelRunAttempt | null>;
  for (const r of rows) {
    if (!(MODEL_KINDS as readonly string[]).includes(r.kind)) continue;
    out[r.kind] = {
      id: r.id,
      kind: r.kind,
      version: r.version,
      status: r.status,
      error: r.error,
      periodFrom: r.period_from,
      periodTo: r.period_to,
      finishedAt: iso(r.finished_at),
      format: r.format,
      refitNeeded: r.status === "succeeded" && r.format !== CONTRACTS[r.kind].format,
    };
  }
  return out;
}

/**
 * The customer-value page: the latest succeeded CLV run (BG/NBD + Gamma-Gamma parameters, CLV
 * histogram, P(alive) heatmap, counts), or null before the first one (or when it needs a refit).
 * Sources: model_runs.
 */
export async function getCustomerValueResults(ctx: AnalyticsContext): Promise<CustomerValueResults | null> {
  return (await readModelResults(ctx, "clv")).run;
}

/**
 * The churn page: the latest succeeded churn run (H, holdout metrics, calibration, risk
 * histogram, SHAP importance, segment effects, revenue at risk with its factors in words), or
 * null before the first one (or when it needs a refit).
 * Sources: model_runs.
 */
export async function getChurnResults(ctx: AnalyticsContext): Promise<ChurnResults | null> {
  return (await readModelResults(ctx, "churn")).run;
}

/**
 * The segment-tree page: the latest succeeded segments run (table with profiles in words, and
 * tree, over the last 12 months), or null before the first one (or when it needs a refit).
 * Sources: model_runs.
 */
export async function getSegmentTreeResults(ctx: AnalyticsContext): Promise<SegmentTreeResults | null> {
  return (await readModelResults(ctx, "segments")).run;
}

/** The identity and timing fields of a stored run, without its documents. */
export function metaOf(run: ModelRunMeta): ModelRunMeta {
  return {
    id: run.id,
    kind: run.kind,
    version: run.version,
    periodFrom: run.periodFrom,
    periodTo: run.periodTo,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/**
 * One page of the customer-value table of the latest succeeded CLV run, highest CLV first (ties
 * by customer id), each output parsed with the contract; null before the first run, or when the
 * run or one of the page's outputs cannot be read under the current contract (refit needed).
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
  const out: CustomerValueRow[] = [];
  for (const r of rows) {
    const parsed = CONTRACTS.clv.output.safeParse(json(r.output));
    if (!parsed.success) return null;
    out.push({ customerId: r.customer_id, ...(parsed.data as ClvCustomerOutput) });
  }
  return { run: metaOf(run), total: rows[0]?.total ?? 0, rows: out };
}

/**
 * CLV per customer of the latest succeeded CLV run (the churn job's value for revenue at risk),
 * or null before the first run (or when it needs a refit). Reads only the `clvMinor` field of
 * each output, an integer by contract; a value that is not a finite number is left out.
 * Sources: model_runs, model_customer_outputs.
 */
export async function getClvByCustomer(
  ctx: AnalyticsContext,
): Promise<{ runId: number; version: number; clvMinor: Map<number, number> } | null> {
  const run = await getLatestModelRun(ctx, "clv");
  if (!run) return null;
  const rows = await queryRows<{ customer_id: number; clv: number | null }>(
    ctx.tx,
    sql`select customer_id, (output->>'clvMinor')::float8 as clv
        from model_customer_outputs where run_id = ${run.id} and ${merchantFilter(ctx)}`,
  );
  return {
    runId: run.id,
    version: run.version,
    clvMinor: new Map(rows.filter((r) => r.clv !== null && Number.isFinite(Number(r.clv))).map((r) => [r.customer_id, Number(r.clv)])),
  };
}

/** Runs in the switching trend (the latest first, shown oldest first). */
const SWITCHING_TREND_RUNS = 12;

/**
 * The headline of the merchant's last 12 succeeded switching runs of the current contract format,
 * oldest first: as-of day, expected share of switchers, revenue at risk and scored customers (the
 * trend across runs on the churn page). Aggregates of the merchant's own customers only.
 *
 * Sources: model_runs (RLS: the merchant's own runs only).
 */
export async function getSwitchingTrend(ctx: AnalyticsContext): Promise<SwitchingTrendPoint[]> {
  const rows = await queryRows<{ as_of: string; share: number; risk: number; customers: number }>(
    ctx.tx,
    sql`select summary->>'asOf' as as_of, (summary->>'expectedShare')::float8 as share,
               (summary->>'totalRevenueAtRiskMinor')::float8 as risk, (summary->>'scoredCustomers')::int as customers
        from model_runs
        where ${merchantFilter(ctx)} and kind = 'switching' and status = 'succeeded' and format = ${CONTRACTS.switching.format}
        order by version desc
        limit ${SWITCHING_TREND_RUNS}`,
  );
  return rows
    .map((r) => ({ asOf: r.as_of, expectedShare: Number(r.share), totalRevenueAtRiskMinor: Number(r.risk), scoredCustomers: Number(r.customers) }))
    .reverse();
}
