import { z } from "zod";
import type { Locale } from "@/lib/i18n/config";

/*
 * Stored model runs as typed, versioned contracts (docs/adr/0011-run-contracts.md). A run kind
 * (clv, churn, segments, forecast, findings) has one contract: zod schemas of its four JSON
 * documents (params, metrics, summary, one output per customer) and a FORMAT number. Jobs parse
 * what they are about to write (a run that does not match fails loudly, nothing is written);
 * readers parse what they read, and a run stored under an older format, or one that no longer
 * parses, is "refit needed": the page shows "being prepared" and the model is queued again.
 *
 * Room: lib/runs imports zod, the kernel and lib/models types only (ARCHITECTURE.md), so jobs,
 * readers, findings and client components can all share it.
 */

/**
 * The run kinds, in run order (db/schema/models.ts repeats the list for its check constraint;
 * a unit test asserts they agree, as for the plans).
 */
export const RUN_KINDS = ["clv", "churn", "segments", "forecast", "findings", "switching"] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** The documents of one kind: schemas of params, metrics, summary and per-customer output. */
export interface RunContract<
  K extends RunKind = RunKind,
  P extends z.ZodType = z.ZodType,
  M extends z.ZodType = z.ZodType,
  S extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> {
  kind: K;
  /**
   * Version of the stored shape, a positive integer stored with every run (model_runs.format).
   * Raise it whenever a stored document changes shape or meaning; runs of a lower format are
   * refitted, never migrated in place.
   */
  format: number;
  params: P;
  metrics: M;
  summary: S;
  /** One document per customer (model_customer_outputs.output); kinds without outputs use z.never(). */
  output: O;
}

export type RunParams<C extends RunContract> = z.output<C["params"]>;
export type RunMetrics<C extends RunContract> = z.output<C["metrics"]>;
export type RunSummary<C extends RunContract> = z.output<C["summary"]>;
type RunOutput<C extends RunContract> = z.output<C["output"]>;

/**
 * Declares a contract.
 * @throws Error when `format` is not a positive integer (a programming error at module load)
 */
export function defineRunContract<K extends RunKind, P extends z.ZodType, M extends z.ZodType, S extends z.ZodType, O extends z.ZodType>(
  contract: RunContract<K, P, M, S, O>,
): RunContract<K, P, M, S, O> {
  if (!Number.isInteger(contract.format) || contract.format < 1) {
    throw new Error(`run contract ${contract.kind}: format must be a positive integer, got ${contract.format}`);
  }
  return Object.freeze({ ...contract });
}

/**
 * A job's output does not match its kind's contract: a bug in the job (or a contract changed
 * without the job). The job records a failed run with this message; nothing of it is stored.
 */
export class RunContractError extends Error {
  readonly kind: string;
  readonly format: number;
  constructor(kind: string, format: number, detail: string) {
    super(`the ${kind} run does not match its contract (format ${format}): ${detail}`);
    this.name = "RunContractError";
    this.kind = kind;
    this.format = format;
  }
}

/** The first few zod issues as "path: message; …" (path dotted, array indices included). */
function describeIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : "";
  return parts.join("; ") + more;
}

/**
 * A computed run, ready to store: the data period (half-open local days) and the documents,
 * typed by the kind's contract (unknown for a contract-less caller such as a test hook).
 */
export interface ComputedRun<C extends RunContract = RunContract> {
  periodFrom: string;
  /** Exclusive. */
  periodTo: string;
  params: RunParams<C>;
  metrics: RunMetrics<C>;
  summary: RunSummary<C>;
  outputs: Array<{ customerId: number; output: RunOutput<C> }>;
}

/** The JSON documents of a computed or stored run. */
export interface RunDocuments {
  params: unknown;
  metrics: unknown;
  summary: unknown;
  outputs: ReadonlyArray<{ customerId: number; output: unknown }>;
}

/** The documents of a run as its contract types them. */
export interface ParsedRunDocuments<C extends RunContract> {
  params: RunParams<C>;
  metrics: RunMetrics<C>;
  summary: RunSummary<C>;
  outputs: Array<{ customerId: number; output: RunOutput<C> }>;
}

/**
 * Checks a computed run against its contract before it is written. The check runs on the
 * in-memory documents and is at least as strict as their JSON: zod refuses NaN and ±Infinity
 * (which JSON would silently store as null), `undefined` (which JSON would drop) and unknown
 * keys, so what passes is exactly what jsonb will hold.
 * @returns the parsed documents (what to store)
 * @throws RunContractError naming the first offending paths
 */
export function parseForWrite<C extends RunContract>(contract: C, docs: RunDocuments): ParsedRunDocuments<C> {
  const fail = (where: string, error: z.ZodError) => {
    throw new RunContractError(contract.kind, contract.format, `${where}: ${describeIssues(error)}`);
  };
  const params = contract.params.safeParse(docs.params);
  if (!params.success) fail("params", params.error);
  const metrics = contract.metrics.safeParse(docs.metrics);
  if (!metrics.success) fail("metrics", metrics.error);
  const summary = contract.summary.safeParse(docs.summary);
  if (!summary.success) fail("summary", summary.error);
  const outputs: ParsedRunDocuments<C>["outputs"] = [];
  for (const o of docs.outputs) {
    if (!Number.isSafeInteger(o.customerId) || o.customerId <= 0) {
      throw new RunContractError(contract.kind, contract.format, `output customer id ${o.customerId} is not a positive integer`);
    }
    const parsed = contract.output.safeParse(o.output);
    if (!parsed.success) fail(`output of customer ${o.customerId}`, parsed.error);
    outputs.push({ customerId: o.customerId, output: parsed.data as RunOutput<C> });
  }
  return {
    params: params.data as RunParams<C>,
    metrics: metrics.data as RunMetrics<C>,
    summary: summary.data as RunSummary<C>,
    outputs,
  };
}

/** Why a stored run cannot be shown under the current contract. */
export interface RefitReason {
  /** "older": stored under a lower format; "newer": written by newer code than this; "invalid": does not parse. */
  cause: "older" | "newer" | "invalid";
  storedFormat: number;
  currentFormat: number;
  /** Plain English, for logs and the outbox's reason. */
  message: string;
}

/**
 * Reads stored documents (params, metrics, summary) under the current contract.
 * @returns the parsed documents, or why a refit is needed; never throws on stored data
 */
export function parseStored<C extends RunContract>(
  contract: C,
  storedFormat: number,
  docs: { params: unknown; metrics: unknown; summary: unknown },
):
  | { ok: true; params: RunParams<C>; metrics: RunMetrics<C>; summary: RunSummary<C> }
  | { ok: false; reason: RefitReason } {
  const base = { storedFormat, currentFormat: contract.format };
  if (storedFormat < contract.format) {
    return { ok: false, reason: { ...base, cause: "older", message: `${contract.kind} run stored in format ${storedFormat}, current format ${contract.format}` } };
  }
  if (storedFormat > contract.format) {
    return { ok: false, reason: { ...base, cause: "newer", message: `${contract.kind} run stored in format ${storedFormat}, newer than this code's ${contract.format}` } };
  }
  for (const part of ["params", "metrics", "summary"] as const) {
    const r = contract[part].safeParse(docs[part]);
    if (!r.success) {
      return { ok: false, reason: { ...base, cause: "invalid", message: `${contract.kind} run ${part} does not parse: ${describeIssues(r.error)}` } };
    }
    docs = { ...docs, [part]: r.data };
  }
  return { ok: true, params: docs.params as RunParams<C>, metrics: docs.metrics as RunMetrics<C>, summary: docs.summary as RunSummary<C> };
}

// ---------------------------------------------------------------------------------------------
// Pieces shared by several kinds

/** A finite number (zod 4 rejects NaN and ±Infinity already; named for the docs). */
export const num = z.number();
/** A whole count ≥ 0. */
export const count = z.number().int().nonnegative();
/** Money in integer minor units of the merchant's currency. */
export const minor = z.number().int();
/** A probability or share in [0, 1]. */
export const unit = z.number().min(0).max(1);
/** A local calendar day 'YYYY-MM-DD' (the format only: stored days were valid when written). */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");
/** A half-open period of local days. */
export const period = z.strictObject({ from: day, to: day });

/** One bar of a histogram: [from, to), the last bar open-ended (`to` null) when noted. */
export const histogramBinSchema = z.strictObject({ from: num, to: num.nullable(), customers: count });
export type HistogramBin = z.infer<typeof histogramBinSchema>;

/**
 * Words in every UI locale (lib/i18n/config LOCALES), rendered at read time from stored codes,
 * for readers that print words without a translator of their own (CLI, CSV, API, pages).
 */
export type LocalizedText = Record<Locale, string>;

/** Identity and timing of one stored run (model_runs columns, not a JSON document). */
export interface ModelRunMeta {
  id: number;
  kind: RunKind;
  /** 1, 2, … per merchant and kind (failed runs count too). The format is the kind's current one (older ones are not shown). */
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
  kind: RunKind;
  version: number;
  status: "succeeded" | "failed";
  /** Why it failed (plain English); null on success. */
  error: string | null;
  periodFrom: string | null;
  periodTo: string | null;
  finishedAt: string;
  /** The contract format it was stored in. */
  format: number;
  /**
   * True when this attempt succeeded but cannot be shown under the current contract (an older
   * format, or it no longer parses): a refit is queued and the page says the results are being
   * prepared.
   */
  refitNeeded: boolean;
}
