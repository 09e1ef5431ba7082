import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "@/db/client";

/*
 * The model-job outbox (table model_jobs): one row per merchant whose data changed since its
 * models last ran. Ingest writes it inside its merge transaction, so the request commits or
 * rolls back with the rows it is about (the transactional-outbox pattern); the worker
 * (runPendingModelJobs in ./runModels.ts) reads it afterwards. Imports nothing but the database,
 * so lib/ingest can use it without depending on the models.
 */

/** One pending request. */
export interface ModelJob {
  merchantId: number;
  /**
   * When the latest request for this merchant was made, as PostgreSQL's own timestamptz text
   * (microseconds kept: a JS Date would round them away and the completion check would miss).
   */
  requestedAt: string;
  reason: string;
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
    on conflict (merchant_id) do update set requested_at = now(), reason = excluded.reason`);
}

/** Every pending request, oldest first. */
export async function listModelJobs(tx: Executor): Promise<ModelJob[]> {
  const rows = await queryRows<{ merchant_id: number; requested_at: string; reason: string }>(
    tx,
    sql`select merchant_id, requested_at::text as requested_at, reason from model_jobs order by model_jobs.requested_at, merchant_id`,
  );
  return rows.map((r) => ({ merchantId: r.merchant_id, requestedAt: r.requested_at, reason: r.reason }));
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
