import PgBoss from "pg-boss";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { QUEUE_SCHEMA, QUEUES, queueDb, type QueueName } from "@/db/queue";
import { deliverPendingEmails, mailTransportFromEnv, type MailTransport } from "@/lib/mail";
import { ingestFile, INGEST_FORMATS, type IngestFormat } from "@/lib/ingest";
import { competitorInputCache, refreshCompetitorReports } from "@/lib/privacy/precompute";
import { MODEL_KINDS, type ModelKind } from "@/db/schema/models";
import { completeModelJob, getModelJob, sendJob, sendJobLater } from "./outbox";
import { runMerchantModels, type ModelRunOutcome, type RunModelsOptions } from "./runModels";
import { findMerchantRef } from "./store";
import { yieldToRequests } from "./yield";
import { queueDueDigests } from "./digest";
import { processAlertJob } from "./alerts";

/*
 * The worker (docs/adr/0017-job-queue.md): pg-boss handlers over the queues of db/queue.ts, and
 * the cron schedules. `npm run worker` runs it against DATABASE_URL; on the embedded PGlite the
 * process that owns the database (the Next server through instrumentation.ts, or a CLI) runs it
 * in-process, because PGlite admits one process per data directory.
 */

/** What one `models` job did. */
export interface ModelJobOutcome {
  merchantId: number;
  /** Families run now (a family already run for this request by an interrupted attempt is skipped). */
  outcomes: ModelRunOutcome[];
  /** Families skipped because a run started after the request already exists. */
  skipped: ModelKind[];
  /** False when there was no pending request (an earlier job answered it). */
  pending: boolean;
  /** True when the merchant still had data queued to load: the job was sent again for later. */
  deferred?: boolean;
}

/**
 * Answers one merchant's pending model request (table model_jobs): runs the kinds it asks for,
 * except those with a run that started after the request was made — so an attempt retried after
 * a crash half-way (kill -9) neither doubles the families already stored nor loses the rest —
 * then removes the request (unless a newer one arrived meanwhile) and refreshes the Competitors
 * reports of the merchant (on PostgreSQL while its families run; on PGlite after) and asks for
 * its MCC group's.
 *
 * @returns what was done; `pending: false` when no request waits (nothing is run)
 * @throws Error when the database fails outside a family's own run (the job is then retried)
 */
export async function processModelJob(
  database: Database,
  merchantId: number,
  opts: { peerIndex?: RunModelsOptions["peerIndex"]; neighbours?: boolean; deferWhileLoading?: boolean } = {},
): Promise<ModelJobOutcome> {
  const job = await getModelJob(database.db, merchantId);
  if (!job) return { merchantId, outcomes: [], skipped: [], pending: false };
  const merchant = await findMerchantRef(database, { id: merchantId });
  // More of this merchant's data is queued to load (`load` jobs keyed "<slug>:<piece>"): fit once
  // it is all in. Another models job (allowed beside this running one) comes back later.
  if (merchant && opts.deferWhileLoading !== false) {
    const { rows } = await database.raw(
      `select 1 from ${QUEUE_SCHEMA}.job where name = $1 and state in ('created', 'retry', 'active') and singleton_key like $2 limit 1`,
      [QUEUES.load, `${merchant.slug.replace(/[\\%_]/g, "\\$&")}:%`],
    );
    if (rows.length > 0) {
      await sendJobLater(database, QUEUES.models, { merchantId }, String(merchantId), { startAfter: 30 });
      return { merchantId, outcomes: [], skipped: [], pending: true, deferred: true };
    }
  }
  if (!merchant) {
    await completeModelJob(database.db, job);
    return { merchantId, outcomes: [], skipped: [], pending: true };
  }
  const wanted = job.kinds ?? [...MODEL_KINDS];
  const done = await queryRows<{ kind: ModelKind }>(
    database.db,
    sql`select distinct kind from model_runs where merchant_id = ${merchantId} and started_at >= ${job.requestedAt}::timestamptz`,
  );
  const skipped = wanted.filter((k) => done.some((d) => d.kind === k));
  const kinds = wanted.filter((k) => !skipped.includes(k));
  const families = kinds.length > 0 ? runMerchantModels(database, merchantId, { kinds, peerIndex: opts.peerIndex }) : Promise.resolve([]);
  // The process's cache: the next member of the MCC group (enqueueModelJobs sends a load's jobs in
  // MCC-group order, so a group's members follow each other) reads the group's inputs from memory.
  const competitors = () => refreshCompetitorReports(database, [merchantId], { neighbours: false, cache: competitorInputCache });
  // On PostgreSQL the merchant's Competitors reports (rollups only, no model run) are computed
  // beside its families: the server answers one's queries while this process fits the other.
  // Both end before either's error goes up, so a retried attempt never races this one's refresh.
  const [ran, refreshed] = await Promise.allSettled([families, database.dialect === "postgres" ? competitors() : null]);
  if (ran.status === "rejected") throw ran.reason;
  if (refreshed.status === "rejected") throw refreshed.reason;
  const outcomes = ran.value;
  // The request is closed and its alert job sent in one transaction: an attempt killed before
  // the commit is retried and sends it then; one killed after has sent it (lib/jobs/alerts.ts).
  await database.db.transaction(async (tx) => {
    await completeModelJob(tx, job);
    if (wanted.includes("findings")) await sendJob(tx, QUEUES.alerts, { merchantId, revealedAt: job.requestedAt }, String(merchantId));
  });
  const own = refreshed.value ?? (await competitors());
  // When its own reports changed, its group's data did, so its peers' reports changed too: one
  // coalesced bank-wide refresh a little later, so a burst of loads (the demo, a nightly file)
  // recomputes each group once rather than once per merchant. When its own reports were all
  // current under the group's fingerprint (a refit without new data, or a group the bank-wide
  // refresh already covered), nothing of the group changed and no refresh is asked for: the
  // demo's 65 model jobs asked for 7 bank-wide passes, 6 of which stored nothing.
  if (opts.neighbours !== false && own.some((o) => o.status !== "fresh")) {
    await sendJobLater(database, QUEUES.competitorReports, {}, "all", { startAfter: 20 });
  }
  return { merchantId, outcomes, skipped, pending: true };
}

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Queues to work; default all but the dead letter. */
  queues?: readonly QueueName[];
  /** Seconds between polls of an idle queue (pg-boss's minimum is 0.5); default 2. */
  pollingIntervalSeconds?: number;
  /** Register the cron schedules (one process should; pg-boss dedupes across processes). Default true. */
  schedules?: boolean;
  /** SMTP transport for the e-mail queue; default nodemailer on SMTP_URL, else MAIL_CAPTURE_DIR's folder, else none. */
  transport?: MailTransport | null;
  /**
   * Jobs fetched per poll (default 1). pg-boss waits out the polling interval after each fetch,
   * so one worker runs at most batchSize jobs per interval; handlers run them one by one and a
   * failure fails the whole batch (so only the no-op queue and similar idempotent work batch).
   */
  batchSize?: number;
  /** Called before each job's handler (tests: a slow or dying attempt). */
  beforeJob?: (queue: QueueName, data: Record<string, unknown>) => Promise<void>;
  /** Called after each job (progress output, tests). */
  onJob?: (event: { queue: QueueName; id: string; ms: number; error?: string }) => void;
  /** Crash-debris sweep (lib/campaigns sweepAfterCrashes in both entry points); none: the job records null. */
  sweep?: (database: Database) => Promise<unknown>;
  /**
   * One job at a time across all queues (default false: each queue has its own loop). The
   * embedded database's in-server worker sets it, so background jobs never pile up on the one
   * connection the pages need.
   */
  serial?: boolean;
  /** Handlers of rooms lib/jobs may not import (lib/campaigns' campaign-report), added by the entry points. */
  handlers?: Partial<Record<QueueName, (database: Database, data: Record<string, unknown>) => Promise<object | void>>>;
  /** The instant plan entitlements are judged at by alert jobs; default the real clock (tests pass a fixed one). */
  clock?: () => Date;
  /** How many versions of each run kind per merchant to keep; default 10. */
  keepVersions?: number;
}

/** A running worker. */
export interface Worker {
  boss: PgBoss;
  /** Stops fetching, waits for running jobs (up to `timeoutMs`), then stops. */
  stop(timeoutMs?: number): Promise<void>;
}

/** The cron schedules (UTC): e-mail each minute, the digest check hourly (each user's local hour), prune daily, sweep hourly, offers whose window ended measured hourly (when the entry point hands an offer-measure handler). */
const SCHEDULES: { queue: QueueName; cron: string }[] = [
  { queue: QUEUES.email, cron: "* * * * *" },
  { queue: QUEUES.digest, cron: "1 * * * *" },
  { queue: QUEUES.prune, cron: "17 3 * * *" },
  { queue: QUEUES.sweep, cron: "7 * * * *" },
  { queue: QUEUES.offerMeasure, cron: "23 * * * *" },
];

/** nodemailer over SMTP_URL, or null when it is unset (messages then stay in the outbox). */
async function defaultTransport(): Promise<MailTransport | null> {
  const url = process.env.SMTP_URL;
  // No SMTP: MAIL_CAPTURE_DIR (the demo's and e2e's mailbox folder) or nothing.
  if (!url) return mailTransportFromEnv();
  const nodemailer = await import("nodemailer");
  return nodemailer.createTransport(url);
}

/**
 * Deletes all but the newest `keep` versions of each (merchant, kind) run, never the latest
 * succeeded one (the run the pages read). Outputs go with their run (on delete cascade).
 * @returns runs deleted
 */
export async function pruneRunVersions(database: Database, keep = 10): Promise<number> {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`pruneRunVersions: keep must be a positive integer, got ${keep}`);
  const rows = await queryRows<{ id: number }>(
    database.db,
    sql`delete from model_runs r using (
          select id, row_number() over (partition by merchant_id, kind order by version desc) as n,
                 max(version) filter (where status = 'succeeded') over (partition by merchant_id, kind) as latest_ok,
                 version
          from model_runs) o
        where r.id = o.id and o.n > ${keep} and o.version is distinct from o.latest_ok
        returning r.id`,
  );
  return rows.length;
}

/**
 * Starts a worker on `database`: one handler per queue (one job at a time per queue), plus the
 * cron schedules. Jobs that throw are retried with backoff per db/queue.ts, then dead-lettered.
 */
export async function startWorker(database: Database, opts: WorkerOptions = {}): Promise<Worker> {
  const boss = new PgBoss({ db: queueDb(database), schema: QUEUE_SCHEMA, migrate: false, supervise: true, schedule: opts.schedules !== false });
  boss.on("error", (err) => console.error(`worker: ${err instanceof Error ? err.message : String(err)}`));
  await boss.start();
  const transport = opts.transport !== undefined ? opts.transport : await defaultTransport();
  const handlers: Partial<Record<QueueName, (data: Record<string, unknown>) => Promise<object | void>>> = {
    [QUEUES.models]: async (data) => {
      const r = await processModelJob(database, Number(data.merchantId));
      return { pending: r.pending, deferred: r.deferred ?? false, skipped: r.skipped, runs: r.outcomes.map((o) => ({ kind: o.kind, version: o.version, status: o.status })) };
    },
    [QUEUES.competitorReports]: async () => {
      const ids = await queryRows<{ id: number }>(database.db, sql`select distinct merchant_id as id from merchant_daily order by 1`);
      // one merchant at a time, letting requests through in between (lib/jobs/yield.ts)
      let stored = 0;
      for (const { id } of ids) {
        await yieldToRequests();
        stored += (await refreshCompetitorReports(database, [id], { neighbours: false, cache: competitorInputCache })).filter((o) => o.status === "stored").length;
      }
      return { merchants: ids.length, stored };
    },
    [QUEUES.alerts]: async (data) => processAlertJob(database, Number(data.merchantId), String(data.revealedAt), { baseUrl: process.env.APP_URL, now: opts.clock?.() }),
    [QUEUES.email]: async () => {
      const r = await deliverPendingEmails(database.db, transport);
      // some failed: fail the job so the queue retries with backoff (the outbox counts attempts)
      if (r.failed > 0) throw new Error(`e-mail: ${r.failed} message(s) not accepted by SMTP, ${r.sent} sent`);
      return r;
    },
    [QUEUES.load]: async (data) => {
      const format = String(data.format) as IngestFormat;
      if (!INGEST_FORMATS.includes(format)) throw new Error(`load: unknown format ${String(data.format)}`);
      const report = await ingestFile(database, { format, file: String(data.file) });
      // a refused file will not load on a retry either: keep the report, do not retry
      return { ok: report.ok, rowsRead: report.rowsRead, rowsInserted: report.rowsInserted };
    },
    [QUEUES.digest]: async () => {
      const users = await queueDueDigests(database, new Date(), { baseUrl: process.env.APP_URL });
      if (users.length > 0) await requestEmailDelivery(database.db);
      return { users: users.length };
    },
    [QUEUES.prune]: async () => ({ deleted: await pruneRunVersions(database, opts.keepVersions ?? 10) }),
    [QUEUES.sweep]: async () => ({ swept: opts.sweep ? await opts.sweep(database) : null }),
    [QUEUES.noop]: async () => {},
    ...Object.fromEntries(Object.entries(opts.handlers ?? {}).map(([q, h]) => [q, (data: Record<string, unknown>) => h(database, data)])),
  };
  const queues = opts.queues ?? (Object.keys(handlers) as QueueName[]);
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    if (!opts.serial) return fn();
    const run = turn.then(fn, fn);
    turn = run.catch(() => {});
    return run;
  };
  for (const queue of queues) {
    const handler = handlers[queue];
    if (!handler) throw new Error(`startWorker: no handler for queue ${queue}`);
    await boss.work<Record<string, unknown>>(queue, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: opts.batchSize ?? 1 }, async (batch) => {
      if (batch.length === 1) return runOne(batch[0]); // its output is kept in the job's history
      for (const job of batch) await runOne(job);
    });
    const runOne = (job: PgBoss.Job<Record<string, unknown>>) =>
      exclusive(async () => {
        await opts.beforeJob?.(queue, job.data ?? {});
        const started = Date.now();
        try {
          const out = await handler(job.data ?? {});
          opts.onJob?.({ queue, id: job.id, ms: Date.now() - started });
          return out;
        } catch (err) {
          // drizzle wraps the driver's error ("Failed query: …"); its cause says what went wrong
          const causes: string[] = [];
          for (let e: unknown = err; e !== undefined && causes.length < 4; e = e instanceof Error ? e.cause : undefined) causes.push(e instanceof Error ? e.message.split("\n")[0] : String(e));
          opts.onJob?.({ queue, id: job.id, ms: Date.now() - started, error: causes.join(" — caused by: ") });
          throw err;
        }
      });
  }
  if (opts.schedules !== false) for (const s of SCHEDULES) if (queues.includes(s.queue)) await boss.schedule(s.queue, s.cron, {}, { singletonKey: s.queue });
  return {
    boss,
    async stop(timeoutMs = 30_000) {
      await boss.stop({ graceful: true, close: false, wait: true, timeout: timeoutMs });
    },
  };
}

/**
 * Queues one e-mail delivery run now (after queueing messages), coalesced with a waiting one.
 * @param executor the caller's transaction, so the delivery request commits with the messages
 */
export async function requestEmailDelivery(executor: Database["db"]): Promise<void> {
  await sendJob(executor, QUEUES.email, {}, "outbox");
}

/**
 * Waits until no job of `queues` (default all) is waiting, retrying or running — a worker must
 * be running — polling every `pollMs`.
 * @throws Error after `timeoutMs` (default 1 hour)
 */
export async function drainQueues(database: Database, queues?: readonly QueueName[], opts: { pollMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const names = queues ?? Object.values(QUEUES).filter((q) => q !== QUEUES.dead);
  const deadline = Date.now() + (opts.timeoutMs ?? 3_600_000);
  for (;;) {
    const { rows } = await database.raw(
      `select count(*)::int as n from ${QUEUE_SCHEMA}.job where name = any($1::text[]) and state in ('created', 'retry', 'active') and start_after <= now() + interval '1 minute'`,
      [`{${names.join(",")}}`],
    );
    if (Number(rows[0]?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`drainQueues: jobs still pending after ${opts.timeoutMs ?? 3_600_000} ms`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}

/** One queue's state for the bank admin (/admin/queue). */
export interface QueueSummary {
  name: string;
  waiting: number;
  retrying: number;
  running: number;
  /** Failed for good in the last 7 days. */
  failed: number;
  /** Completed in the last 24 hours. */
  completed: number;
  /** Seconds of the last completed jobs, newest first (at most 5). */
  lastDurations: number[];
}

/** A job that failed every retry (the dead letter and the failed states). */
export interface FailedJob {
  id: string;
  queue: string;
  data: unknown;
  error: string;
  retries: number;
  failedAt: Date;
}

/**
 * The queue as the bank admin sees it: per queue waiting, retrying, running, failed (7 days) and
 * completed (24 h) counts and the last durations, plus the newest failed jobs (at most 50). Runs
 * on the owner connection: the queue holds merchant ids, so only the bank's staff may see it.
 */
export async function queueStatus(database: Database): Promise<{ queues: QueueSummary[]; failed: FailedJob[] }> {
  const { rows } = await database.raw(
    `select q.name,
            count(*) filter (where j.state = 'created')::int as waiting,
            count(*) filter (where j.state = 'retry')::int as retrying,
            count(*) filter (where j.state = 'active')::int as running,
            count(*) filter (where j.state = 'failed' and j.completed_on > now() - interval '7 days')::int as failed,
            count(*) filter (where j.state = 'completed' and j.completed_on > now() - interval '1 day')::int as completed,
            coalesce((select array_agg(round(extract(epoch from d.completed_on - d.started_on)::numeric, 2)::text order by d.completed_on desc)
                      from (select completed_on, started_on from ${QUEUE_SCHEMA}.job where name = q.name and state = 'completed' order by completed_on desc limit 5) d), '{}') as durations
     from ${QUEUE_SCHEMA}.queue q left join ${QUEUE_SCHEMA}.job j on j.name = q.name
     group by q.name order by q.name`,
  );
  const queues = rows.map((r) => ({
    name: String(r.name),
    waiting: Number(r.waiting),
    retrying: Number(r.retrying),
    running: Number(r.running),
    failed: Number(r.failed),
    completed: Number(r.completed),
    lastDurations: pgTextArray(r.durations).map(Number),
  }));
  const failed = await database.raw(
    `select id::text, name, data, output, retry_count, completed_on from ${QUEUE_SCHEMA}.job
     where state = 'failed' or name = $1 order by coalesce(completed_on, created_on) desc limit 50`,
    [QUEUES.dead],
  );
  return {
    queues,
    failed: failed.rows.map((r) => {
      const output = (typeof r.output === "string" ? JSON.parse(r.output) : r.output) as { message?: string } | null;
      return { id: String(r.id), queue: String(r.name), data: r.data, error: output?.message ?? "", retries: Number(r.retry_count), failedAt: new Date(String(r.completed_on ?? Date.now())) };
    }),
  };
}

/** A text[] as either driver hands it back (an array, or '{a,b}'). */
function pgTextArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "string") return v.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
  return [];
}

/** How far the models of the bank's merchants are (the demo's progress indicator). */
export interface PreparationStatus {
  /** Merchants with data. */
  merchants: number;
  /** Of those, merchants with no pending model request. */
  ready: number;
  /** Merchants still waiting or running, with the model families already stored for their request (of 5). */
  pending: { merchantId: number; slug: string; name: string; done: number; of: number; running: boolean }[];
}

/**
 * Which merchants are still being prepared (a pending model request) and how far each is: the
 * number of model families stored since its request, and whether its job runs now.
 */
export async function preparationStatus(database: Database): Promise<PreparationStatus> {
  const [total] = await queryRows<{ n: number }>(database.db, sql`select count(distinct merchant_id)::int as n from merchant_daily`);
  const pending = await queryRows<{ merchant_id: number; slug: string; name: string; done: number; running: boolean }>(
    database.db,
    sql`select j.merchant_id, m.slug, m.name,
               (select count(distinct r.kind)::int from model_runs r where r.merchant_id = j.merchant_id and r.started_at >= j.requested_at) as done,
               exists (select 1 from pgboss.job b where b.name = 'models' and b.state = 'active' and b.singleton_key = j.merchant_id::text) as running
        from model_jobs j join merchants m on m.id = j.merchant_id
        order by running desc, j.requested_at, j.merchant_id`,
  );
  return {
    merchants: total?.n ?? 0,
    ready: Math.max(0, (total?.n ?? 0) - pending.length),
    pending: pending.map((p) => ({ merchantId: p.merchant_id, slug: p.slug, name: p.name, done: Math.min(p.done, MODEL_KINDS.length), of: MODEL_KINDS.length, running: p.running })),
  };
}

/**
 * One merchant's preparation for its pages' banner: null when its models are ready (no pending
 * request), else how many families are stored for the request, whether it runs now, and the
 * bank-wide figures (merchants ready of merchants with data).
 */
export async function merchantPreparation(
  database: Database,
  merchantId: number,
): Promise<{ done: number; of: number; running: boolean; ready: number; merchants: number } | null> {
  const [row] = await queryRows<{ done: number; running: boolean; merchants: number; pending: number }>(
    database.db,
    sql`select (select count(distinct r.kind)::int from model_runs r where r.merchant_id = j.merchant_id and r.started_at >= j.requested_at) as done,
               exists (select 1 from pgboss.job b where b.name = 'models' and b.state = 'active' and b.singleton_key = j.merchant_id::text) as running,
               (select count(distinct merchant_id)::int from merchant_daily) as merchants,
               (select count(*)::int from model_jobs) as pending
        from model_jobs j where j.merchant_id = ${merchantId}`,
  );
  if (!row) return null;
  return { done: Math.min(row.done, MODEL_KINDS.length), of: MODEL_KINDS.length, running: row.running, ready: Math.max(0, row.merchants - row.pending), merchants: row.merchants };
}
