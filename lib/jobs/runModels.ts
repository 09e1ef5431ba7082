import type { Database } from "@/db/client";
import { MODEL_KINDS, type ModelKind } from "@/db/schema/models";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { addDays, dayToMs } from "@/lib/days";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import type { PeerIndexInput } from "@/lib/findings/types";
import { loadPeerIndexInput } from "./peerIndex";
import type { ChurnPoolCache } from "./churn";
import type { SwitchPoolCache } from "./switching";
import { refreshCompetitorReports, type StoredReportsOutcome } from "@/lib/privacy/precompute";
import { RunContractError } from "@/lib/runs/contract";
import { ModelInputError } from "./errors";
import { yieldToRequests } from "./yield";
import { completeModelJob, listModelJobs, type ModelJob } from "./outbox";
import { MODEL_ORDER, MODELS } from "./registry";
import { findMerchantRef, getBankCustomerIds, storeFailedRun, storeSucceededRun, type ComputedRun } from "./store";

/*
 * Orchestration (docs/models/jobs.md): for one merchant, fit every model family of the MODELS
 * registry (./registry.ts) on its data and store one run per family, in MODEL_ORDER. Each family
 * stands alone: its inputs come from the merchant's own rollups through withMerchantScope
 * (read-only) — plus, for churn, competitor spend through lib/privacy on the owner connection —
 * its run is checked against its contract (lib/runs) and written in one owner-connection
 * transaction. A family that fails (bad input, a model that cannot fit, a run that does not match
 * its contract, a database error) records a failed run with the reason and the others still run.
 */

export { MODEL_KINDS, type ModelKind };

/** The outcome of one family's run. */
export interface ModelRunOutcome {
  kind: ModelKind;
  runId: number;
  version: number;
  status: "succeeded" | "failed";
  /** Wall-clock seconds from the start of the computation to the stored run. */
  seconds: number;
  /** Why it failed; absent on success. */
  error?: string;
  /** Per-customer outputs stored (0 for a failed run). */
  customers: number;
}

/** Options of {@link runMerchantModels}. */
export interface RunModelsOptions {
  /** Families to run; they run in MODEL_ORDER (clv before churn, forecast before findings) whatever order this lists. Default: all. */
  kinds?: readonly ModelKind[];
  /** 'YYYY-MM-DD', exclusive end of the data the models see; default the merchant's last data day + 1. */
  asOf?: string;
  /** Test hook: replaces a family's computation (e.g. to make it throw). */
  compute?: Partial<Record<ModelKind, (database: Database, merchant: MerchantRef, asOf: string) => Promise<ComputedRun>>>;
  /**
   * The peer revenue index for the findings' market effect; default: the merchant's own peer
   * group's index as lib/privacy releases or withholds it (lib/jobs/peerIndex.ts). A provider
   * answering undefined means no market finding.
   */
  peerIndex?: (merchant: MerchantRef, asOf: string) => Promise<PeerIndexInput | undefined>;
  /**
   * Peers' churn rows for the segment pools (lib/jobs/churn.ts) in a map the caller keeps (tests
   * re-reading a pool); default: the process's cache keyed by the segment's data version
   * (lib/privacy/segmentCache.ts), so each peer is read once per cutoff pair and data version.
   */
  poolCache?: ChurnPoolCache;
  /** Peers' switching rows (lib/jobs/switching.ts) in a map the caller keeps; default: the process's segment cache. */
  switchPoolCache?: SwitchPoolCache;
  /** Families computed at once; default {@link FAMILY_CONCURRENCY} of the database's dialect. */
  concurrency?: number;
}

/**
 * Model families computed at once for one merchant, by database. PostgreSQL: three, so one
 * family's fit runs on this process's thread while others' inputs are read by the database server
 * on the other core; one family at a time left this process waiting for the database about a fifth
 * of a job (a V8 CPU profile of the worker). Measured on the default bank, one worker: two at
 * once 10 % and three 11 % (median 14 %) less wall time than one, the stored runs identical
 * (docs/performance.md, "Families at once"). PGlite
 * runs its queries on this very thread, so nothing would overlap there: one at a time, in MODEL_ORDER.
 */
export const FAMILY_CONCURRENCY: Readonly<Record<Database["dialect"], number>> = { postgres: 3, pglite: 1 };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)) || "unknown error";

/**
 * Runs the model families for one merchant now and stores a run per family (version = the
 * previous version of that family + 1). A family starts after the families it reads (its
 * `dependsOn`: CLV before churn and switching, forecast before findings), whatever order `kinds`
 * lists them in; on PostgreSQL three families run at once ({@link FAMILY_CONCURRENCY}), on PGlite
 * one at a time in MODEL_ORDER. Each family's `seconds` is from its own start to its stored run,
 * so with several at once the seconds of a merchant's families add up to more than the job's wall time.
 *
 * A family that fails — bad input such as too few repeat customers (ModelInputError), a model
 * that cannot fit, a run that does not match its contract (RunContractError), a database error
 * while writing — is recorded as a failed run with the error
 * text; nothing of its computation is written, and the latest succeeded run stays what the pages
 * read. A merchant without any data gets a failed run per family ("no transactions yet").
 *
 * @returns one outcome per family run, in MODEL_ORDER
 * @throws Error for an unknown merchant, an unknown kind, a malformed `asOf` or a `concurrency`
 *         below 1, and when even the failed run cannot be stored (the database is down; the
 *         families still running end first)
 */
export async function runMerchantModels(
  database: Database,
  merchantId: number,
  opts: RunModelsOptions = {},
): Promise<ModelRunOutcome[]> {
  const merchant = await findMerchantRef(database, { id: merchantId });
  if (!merchant) throw new Error(`runMerchantModels: unknown merchant ${merchantId}`);
  const wanted = opts.kinds ?? MODEL_KINDS;
  for (const k of wanted) if (!(MODEL_KINDS as readonly string[]).includes(k)) throw new Error(`runMerchantModels: unknown model kind ${String(k)}`);
  if (opts.asOf !== undefined) dayToMs(opts.asOf);
  const limit = opts.concurrency ?? FAMILY_CONCURRENCY[database.dialect];
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`runMerchantModels: concurrency must be a whole number ≥ 1, got ${limit}`);
  const kinds = MODEL_ORDER.filter((k) => wanted.includes(k));

  const range = await withMerchantScope(database, merchant.id, (tx) => getDataRange({ tx, merchant }));
  const asOf = opts.asOf ?? (range.lastDay === null ? null : addDays(range.lastDay, 1));
  const bankIds = asOf === null ? new Map<number, string>() : await getBankCustomerIds(database, merchant.id);

  const peerIndex = opts.peerIndex ?? ((m: MerchantRef, a: string) => loadPeerIndexInput(database, m, a));
  const compute = (kind: ModelKind, d: Database, m: MerchantRef, a: string): Promise<ComputedRun> =>
    opts.compute?.[kind]?.(d, m, a) ?? (MODELS[kind].compute({ database: d, merchant: m, asOf: a, bankIds, peerIndex, poolCache: opts.poolCache, switchPoolCache: opts.switchPoolCache }) as Promise<ComputedRun>);

  const runFamily = async (kind: ModelKind): Promise<ModelRunOutcome> => {
    // Let waiting requests run between families: on PGlite the worker shares the server's event
    // loop (docs/adr/0017-job-queue.md), and one family's fit is the longest stretch that blocks.
    await yieldToRequests();
    const startedAt = new Date();
    const seconds = () => Math.round((Date.now() - startedAt.getTime()) / 10) / 100;
    try {
      if (asOf === null) throw new ModelInputError("no transactions yet");
      const run = await compute(kind, database, merchant, asOf);
      const stored = await storeSucceededRun(database, merchant.id, kind, run, startedAt);
      return { kind, ...stored, status: "succeeded", seconds: seconds(), customers: run.outputs.length };
    } catch (err) {
      const error = errorText(err);
      // A run that breaks its contract is a bug in the job, not bad data: say so on stderr too.
      if (err instanceof RunContractError) console.error(`runMerchantModels: merchant ${merchant.slug}: ${error}`);
      const stored = await storeFailedRun(database, merchant.id, kind, error, startedAt, { periodTo: asOf });
      return { kind, ...stored, status: "failed", seconds: seconds(), error, customers: 0 };
    }
  };

  // Each family starts once the families it reads (MODELS[kind].dependsOn, those run in this
  // call) have ended, whether they succeeded or failed, and at most `concurrency` run at once,
  // the earliest in MODEL_ORDER first. With one at a time this is MODEL_ORDER exactly.
  const ended = new Map<ModelKind, ModelRunOutcome>();
  const running = new Map<ModelKind, Promise<unknown>>();
  const ready = (kind: ModelKind) => MODELS[kind].dependsOn.every((d) => !kinds.includes(d) || ended.has(d));
  while (ended.size < kinds.length) {
    for (const kind of kinds) {
      if (running.size >= limit) break;
      if (ended.has(kind) || running.has(kind) || !ready(kind)) continue;
      running.set(
        kind,
        runFamily(kind).then((outcome) => {
          ended.set(kind, outcome);
          running.delete(kind);
        }),
      );
    }
    try {
      await Promise.race(running.values());
    } catch (err) {
      // Even the failed run could not be stored (the database is down): let the families still
      // running end before the error goes up, so nothing of this call runs on after it returns.
      await Promise.allSettled(running.values());
      throw err;
    }
  }
  return kinds.map((kind) => ended.get(kind)!);
}

/** What the worker did for one merchant. */
export interface ProcessedJob {
  job: ModelJob;
  merchantSlug: string | null;
  outcomes: ModelRunOutcome[];
  /** True when a newer request arrived during the run and stays pending. */
  requeued: boolean;
}

/**
 * Drains the model-job outbox: for every pending merchant (oldest request first), runs the model
 * families it asks for (every family after a data load, the stale ones after a refit request;
 * runMerchantModels) and removes the request — unless a newer one arrived meanwhile,
 * which then stays for the next pass. A merchant deleted since its request is just removed.
 * One worker at a time is assumed (the CLI after a load, or a cron); a second concurrent worker
 * would only store an extra version of the same runs. Then stores the Competitors reports of the
 * processed merchants and of the rest of their MCC groups (refreshCompetitorReports).
 *
 * @param opts.onMerchant called after each merchant (progress output)
 * @param opts.onCompetitorReports called after each merchant's Competitors reports
 * @returns what was processed, in order
 * @throws Error when the database fails outside a family's own run (then the request stays pending)
 */
export async function runPendingModelJobs(
  database: Database,
  opts: {
    onMerchant?: (p: ProcessedJob) => void;
    peerIndex?: RunModelsOptions["peerIndex"];
    onCompetitorReports?: (outcome: StoredReportsOutcome & { slug: string }) => void;
  } = {},
): Promise<ProcessedJob[]> {
  const jobs = await listModelJobs(database.db);
  const processed: ProcessedJob[] = [];
  // Peers' pooled churn, switching and CLV rows come from the process's segment cache
  // (lib/privacy/segmentCache.ts): read once per segment data version, across passes too.
  for (const job of jobs) {
    const merchant = await findMerchantRef(database, { id: job.merchantId });
    const outcomes = merchant ? await runMerchantModels(database, job.merchantId, { peerIndex: opts.peerIndex, kinds: job.kinds ?? undefined }) : [];
    const removed = await completeModelJob(database.db, job);
    const p: ProcessedJob = { job, merchantSlug: merchant?.slug ?? null, outcomes, requeued: !removed };
    processed.push(p);
    opts.onMerchant?.(p);
  }
  // The Competitors page reads stored reports (lib/privacy/precompute.ts): refresh those of the
  // merchants whose data changed and of their MCC groups, whose peer figures changed with it.
  const changed = processed.filter((p) => p.merchantSlug !== null).map((p) => p.job.merchantId);
  if (changed.length > 0) await refreshCompetitorReports(database, changed, { onMerchant: opts.onCompetitorReports });
  return processed;
}
