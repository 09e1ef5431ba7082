import { sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import { queryRows, rawSql, type Database, type Executor } from "@/db/client";
import { QUEUE_SCHEMA, QUEUES, type QueueName } from "@/db/queue";
import { MODEL_KINDS, type ModelKind } from "@/db/schema/models";

/*
 * The model-job outbox (table model_jobs): one row per merchant whose data changed since its
 * models last ran. Ingest writes it inside its merge transaction, so the request commits or
 * rolls back with the rows it is about (the transactional-outbox pattern); the worker
 * (runPendingModelJobs in ./runModels.ts) reads it afterwards. Imports nothing but the database,
 * so lib/ingest can use it without depending on the models.
 *
 * Two ways in: `enqueueModelJobs` (data changed: every kind) and `requestModelRefit` (a reader
 * found a stored run it cannot show under the current contract: that kind). Both also send a
 * `models` job to the queue (pg-boss, docs/adr/0017-job-queue.md) in the same transaction: the
 * table says WHAT to refit (kinds, coalesced), the queue job says WHEN and carries retries,
 * history and the dead letter. The queue's `stately` policy keeps one waiting job per merchant.
 */

/** A pg-boss instance that only builds inserts; each send runs on the connection it is given. */
let sender: PgBoss | undefined;

/**
 * Sends a job on `executor` — inside the caller's transaction when it is one, so the job commits
 * or rolls back with the caller's rows (transactional enqueue).
 *
 * @param singletonKey coalescing key: while a job with this key waits, another send is dropped
 * @returns the job id, or null when coalesced into a waiting job
 */
export async function sendJob(executor: Executor, name: QueueName, data: object, singletonKey?: string, id?: string): Promise<string | null> {
  sender ??= new PgBoss({ db: { executeSql: () => Promise.reject(new Error("sendJob: no connection")) }, schema: QUEUE_SCHEMA });
  const db: PgBoss.Db = { executeSql: async (text, values) => ({ rows: await queryRows(executor, rawSql(text, values)) }) };
  return sender.send(name, data, { singletonKey, db, ...(id ? { id } : {}) } as PgBoss.SendOptions);
}

/** The largest count {@link orderedJobIds} numbers: its counter has 42 bits. */
const ORDERED_IDS_MAX = 2 ** 42;

/**
 * The job id at `position` (0 … 2^42 − 1) of a send at millisecond `nowMs`: UUIDv7 (RFC 9562
 * §5.7) whose random bits begin with a 42-bit counter (§6.2, method 1: 12 bits in rand_a, 30 in
 * rand_b after the variant), then 32 bits of `random32`. Ids of one `nowMs` sort by position.
 */
export function orderedJobId(position: number, nowMs: number, random32: number): string {
  const counter = BigInt(position);
  const time = BigInt(Math.floor(nowMs)) & 0xffff_ffff_ffffn;
  // 48 time | 4 version (7) | 12 counter high | 2 variant (10) | 30 counter low | 32 random
  const value =
    (time << 80n) | (7n << 76n) | ((counter >> 30n) << 64n) | (2n << 62n) | ((counter & 0x3fff_ffffn) << 32n) | BigInt(random32 >>> 0);
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `count` job ids that sort (as PostgreSQL compares uuids, byte by byte) in the order given
 * ({@link orderedJobId} at positions 0 … count − 1, random low bits). pg-boss fetches a queue's
 * jobs by `created_on, id`, and the jobs of one transaction share created_on (now()), so without
 * them a send's jobs run in random order.
 * @throws Error when count is not a whole number in 0 … 2^42
 */
export function orderedJobIds(count: number, nowMs: number = Date.now()): string[] {
  if (!(Number.isInteger(count) && count >= 0 && count <= ORDERED_IDS_MAX)) throw new Error(`orderedJobIds: count must be a whole number in 0 … 2^42, got ${count}`);
  const random = new Uint32Array(count);
  crypto.getRandomValues(random);
  return Array.from(random, (r, i) => orderedJobId(i, nowMs, r));
}

/**
 * Sends a job outside any transaction, optionally delayed, with pg-boss's own positional
 * parameters (`Database.raw`). Delayed sends go this way: pg-boss's insert uses its start-after
 * parameter in both arms of a CASE, and PostgreSQL folds the unused arm's cast when the
 * occurrences arrive as separate parameters (as `rawSql` renders them).
 *
 * @param options.startAfter seconds from now
 * @returns the job id, or null when coalesced into a waiting job
 */
export async function sendJobLater(
  database: Pick<Database, "raw">,
  name: QueueName,
  data: object,
  singletonKey: string | undefined,
  options: { startAfter?: number; priority?: number } = {},
): Promise<string | null> {
  sender ??= new PgBoss({ db: { executeSql: () => Promise.reject(new Error("sendJob: no connection")) }, schema: QUEUE_SCHEMA });
  const db: PgBoss.Db = { executeSql: (text, values) => database.raw(text, values) };
  return sender.send(name, data, { ...options, singletonKey, db } as PgBoss.SendOptions);
}

/** One pending request. */
export interface ModelJob {
  merchantId: number;
  /**
   * When the latest request for this merchant was made, as PostgreSQL's own timestamptz text
   * (microseconds kept: a JS Date would round them away and the completion check would miss).
   */
  requestedAt: string;
  reason: string;
  /** The kinds to run; null = every kind. */
  kinds: ModelKind[] | null;
}

/**
 * Requests a model run for each merchant: inserts a row, or moves an existing request's
 * `requested_at` to now() (one pending row per merchant however many loads arrive).
 *
 * @param tx          the caller's transaction on the owner connection (e.g. the ingest merge)
 * @param merchantIds merchant ids (positive integers); duplicates are fine, none is a no-op
 * @param reason      free text shown by the worker ('ingest', 'cli', …)
 * @throws Error on an invalid merchant id
 */
export async function enqueueModelJobs(tx: Executor, merchantIds: Iterable<number>, reason: string): Promise<void> {
  const ids = [...new Set(merchantIds)];
  if (ids.length === 0) return;
  for (const id of ids) {
    if (!Number.isInteger(id) || id <= 0) throw new Error(`enqueueModelJobs: invalid merchant id ${id}`);
  }
  ids.sort((a, b) => a - b);
  await tx.execute(sql`
    insert into model_jobs (merchant_id, requested_at, reason)
    select unnest(string_to_array(${ids.join(",")}, ',')::integer[]), now(), ${reason}
    on conflict (merchant_id) do update set requested_at = excluded.requested_at, reason = excluded.reason, kinds = null`);
  // excluded.requested_at is the insert's now(): Citus allows only immutable functions in DO UPDATE
  // The jobs run in MCC-group order (country, the MCC's first two digits, id), so a group's members
  // follow each other and the worker's caches of the group's pooled training rows and Competitors
  // inputs are read once per group rather than once per member.
  const grouped = await queryRows<{ id: number }>(
    tx,
    sql`select id from merchants where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) order by country, substr(mcc, 1, 2), id`,
  );
  const known = new Set(grouped.map((r) => Number(r.id)));
  const order = [...known, ...ids.filter((id) => !known.has(id))];
  const jobIds = orderedJobIds(order.length);
  for (const [i, id] of order.entries()) await sendJob(tx, QUEUES.models, { merchantId: id }, String(id), jobIds[i]);
}

/**
 * Requests a refit of some kinds for one merchant: a reader found its latest run stored in an
 * older contract format (or no longer parsing). Coalesces with a pending request: a pending
 * "every kind" request, or one that already lists these kinds, is left as it is (its time and
 * reason too); otherwise the kinds are merged.
 *
 * @param executor the owner connection (model_jobs has no grant for merchant scopes)
 * @param kinds    model kinds, at least one
 * @param reason   free text, e.g. "refit: churn run stored in format 1, current format 2"
 * @throws Error on an invalid merchant id or kind (nothing is written)
 */
export async function requestModelRefit(executor: Executor, merchantId: number, kinds: readonly ModelKind[], reason: string): Promise<void> {
  if (!Number.isInteger(merchantId) || merchantId <= 0) throw new Error(`requestModelRefit: invalid merchant id ${merchantId}`);
  if (kinds.length === 0) throw new Error("requestModelRefit: no kind given");
  for (const k of kinds) if (!(MODEL_KINDS as readonly string[]).includes(k)) throw new Error(`requestModelRefit: unknown model kind ${String(k)}`);
  const list = [...new Set(kinds)].sort((a, b) => MODEL_KINDS.indexOf(a) - MODEL_KINDS.indexOf(b));
  // The union of both lists, distinct and in name order, without a subquery (Citus plans none
  // in DO UPDATE): one slot per known kind, the absent ones removed.
  const mergedKinds = sql.raw(
    `array_remove(array[${[...MODEL_KINDS]
      .sort()
      .map((k) => `case when '${k}' = any(model_jobs.kinds || excluded.kinds) then '${k}' end`)
      .join(", ")}]::text[], null)`,
  );
  await executor.execute(sql`
    insert into model_jobs (merchant_id, requested_at, reason, kinds)
    values (${merchantId}, now(), ${reason.slice(0, 500)}, string_to_array(${list.join(",")}, ','))
    on conflict (merchant_id) do update set
      requested_at = excluded.requested_at, -- the insert's now() (Citus: no volatile function here)
      reason = excluded.reason,
      kinds = ${mergedKinds}
    -- Already covered (every kind, or these kinds) → leave the request as it is: a page viewed
    -- while the worker runs must not make it run the same refit again.
    where model_jobs.kinds is not null and not (model_jobs.kinds @> excluded.kinds)`);
  await sendJob(executor, QUEUES.models, { merchantId }, String(merchantId));
}

/** The pending request of one merchant, or null. */
export async function getModelJob(tx: Executor, merchantId: number): Promise<ModelJob | null> {
  const rows = await queryRows<{ merchant_id: number; requested_at: string; reason: string; kinds: string[] | string | null }>(
    tx,
    sql`select merchant_id, requested_at::text as requested_at, reason, kinds from model_jobs where merchant_id = ${merchantId}`,
  );
  return rows.map((r) => ({ merchantId: r.merchant_id, requestedAt: r.requested_at, reason: r.reason, kinds: parseKinds(r.kinds) }))[0] ?? null;
}

/** Every pending request, oldest first. */
export async function listModelJobs(tx: Executor): Promise<ModelJob[]> {
  const rows = await queryRows<{ merchant_id: number; requested_at: string; reason: string; kinds: string[] | string | null }>(
    tx,
    sql`select merchant_id, requested_at::text as requested_at, reason, kinds from model_jobs order by model_jobs.requested_at, merchant_id`,
  );
  return rows.map((r) => ({ merchantId: r.merchant_id, requestedAt: r.requested_at, reason: r.reason, kinds: parseKinds(r.kinds) }));
}

/** A text[] as the drivers hand it back (an array, or PostgreSQL's '{a,b}' text), in MODEL_KINDS order. */
function parseKinds(v: string[] | string | null): ModelKind[] | null {
  if (v === null) return null;
  const list = Array.isArray(v) ? v : v.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
  return MODEL_KINDS.filter((k) => list.includes(k));
}

/**
 * Removes a processed request, unless a newer one arrived while it ran (its `requested_at`
 * moved past `requestedAt`): that one stays pending for the next pass.
 * @returns true when the row was removed
 */
export async function completeModelJob(tx: Executor, job: Pick<ModelJob, "merchantId" | "requestedAt">): Promise<boolean> {
  const rows = await queryRows<{ merchant_id: number }>(
    tx,
    sql`delete from model_jobs where merchant_id = ${job.merchantId} and requested_at <= ${job.requestedAt}::timestamptz
        returning merchant_id`,
  );
  return rows.length > 0;
}

/**
 * Moves the waiting `models` jobs of these merchants ahead of the others (pg-boss takes higher
 * priorities first): the demo prepares its featured merchants first.
 * @returns jobs re-prioritised
 */
export async function prioritizeModelJobs(executor: Executor, merchantIds: readonly number[], priority = 10): Promise<number> {
  const keys = [...new Set(merchantIds)].filter((id) => Number.isInteger(id) && id > 0).map(String);
  if (keys.length === 0) return 0;
  const rows = await queryRows<{ id: string }>(
    executor,
    sql`update pgboss.job set priority = ${priority} where name = ${QUEUES.models} and state in ('created', 'retry')
        and singleton_key = any(string_to_array(${keys.join(",")}, ',')) returning id`,
  );
  return rows.length;
}
