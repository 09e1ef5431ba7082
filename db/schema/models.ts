import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { merchants } from "./merchants";

/*
 * Stored model runs (docs/models/jobs.md, docs/adr/0003-model-runs.md). lib/jobs fits the models
 * after an ingest and writes one run per merchant × kind here; pages only read them.
 */

/** The model families a run can hold. */
/** forecast and findings run last: findings read the forecast run of the same as-of day. */
export const MODEL_KINDS = ["clv", "churn", "segments", "forecast", "findings", "switching"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const MODEL_RUN_STATUSES = ["succeeded", "failed"] as const;
export type ModelRunStatus = (typeof MODEL_RUN_STATUSES)[number];

/**
 * One fit of one model family for one merchant. `version` counts 1, 2, … per (merchant, kind),
 * failed runs included; the pages show the latest succeeded run. The period is the data the
 * run describes, half-open [period_from, period_to) of local days; null only on a run that
 * failed before it knew its period (e.g. a merchant without data). `params`, `metrics` and
 * `summary` are JSON documents typed by lib/analytics/getModelResults.ts; `summary` holds
 * everything a page charts, precomputed.
 */
export const modelRuns = pgTable(
  "model_runs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    kind: text("kind").$type<ModelKind>().notNull(),
    version: integer("version").notNull(),
    /**
     * The contract format the documents were written in (lib/runs CONTRACTS[kind].format); runs
     * stored before contracts existed are format 1.
     */
    format: integer("format").notNull().default(1),
    status: text("status").$type<ModelRunStatus>().notNull(),
    periodFrom: date("period_from", { mode: "string" }),
    /** Exclusive. */
    periodTo: date("period_to", { mode: "string" }),
    params: jsonb("params").notNull().default({}),
    metrics: jsonb("metrics").notNull().default({}),
    summary: jsonb("summary").notNull().default({}),
    /** Why a failed run failed; null on success. */
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("model_runs_merchant_kind_version_key").on(t.merchantId, t.kind, t.version),
    check("model_runs_kind", sql`${t.kind} in ('clv', 'churn', 'segments', 'forecast', 'findings', 'switching')`),
    check("model_runs_status", sql`${t.status} in ('succeeded', 'failed')`),
    check("model_runs_version_positive", sql`${t.version} > 0`),
    check("model_runs_format_positive", sql`${t.format} > 0`),
    check(
      "model_runs_succeeded_complete",
      sql`${t.status} = 'failed' or (${t.periodFrom} is not null and ${t.periodTo} is not null and ${t.periodFrom} < ${t.periodTo} and ${t.error} is null)`,
    ),
    check("model_runs_failed_has_error", sql`${t.status} = 'succeeded' or ${t.error} is not null`),
  ],
);

/**
 * Per-customer results of one run (P(alive) and CLV, P(churn) and its top SHAP factors, …),
 * one JSON document per customer. `merchant_id` repeats the run's so row-level security needs no
 * join. The customer's pseudonymous bank id is copied into `output` at job time (the job reads
 * the bank's `customers` table on the owner connection), so the merchant sees it without any
 * grant on `customers`.
 */
export const modelCustomerOutputs = pgTable(
  "model_customer_outputs",
  {
    runId: bigint("run_id", { mode: "number" })
      .notNull()
      .references(() => modelRuns.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    customerId: bigint("customer_id", { mode: "number" }).notNull(),
    output: jsonb("output").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.customerId] })],
);

/**
 * The outbox of model work: a merchant whose data changed. Ingest upserts a row in its merge
 * transaction (`requested_at = now()` again on conflict), so a committed load always leaves a
 * request and a rolled-back one never does; `runPendingModelJobs` (lib/jobs) drains it. A page
 * that finds a stored run it cannot read any more (an older contract format) requests a refit of
 * that kind only (`kinds`). Bank operations only: no row-level policy and no grant to app_merchant.
 */
export const modelJobs = pgTable("model_jobs", {
  merchantId: integer("merchant_id")
    .primaryKey()
    .references(() => merchants.id, { onDelete: "cascade" }),
  requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
  /** Free text: 'ingest', 'cli', … */
  reason: text("reason").notNull(),
  /** The kinds to run; null = every kind (what a data load asks for). */
  kinds: text("kinds").array().$type<ModelKind[]>(),
});
