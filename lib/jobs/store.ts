import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "@/db/client";
import type { ModelKind } from "@/db/schema/models";
import { CONTRACTS } from "@/lib/runs";
import { parseForWrite, type ComputedRun } from "@/lib/runs/contract";
import type { MerchantRef } from "@/lib/tenancy/context";

/*
 * Writing model runs (owner connection). A run is first checked against its kind's contract
 * (lib/runs, on the documents as jsonb will hold them): a run that does not match throws
 * RunContractError and nothing is written. Then the run and all its per-customer outputs are
 * written in ONE transaction with the contract's format, so a page never sees a run without its
 * outputs, and a crash half-way leaves the previous run as the latest. A failure is recorded as a
 * failed run of its own (status 'failed', the error text), which the readers skip.
 */

export type { ComputedRun };

/** Where a stored run landed. */
export interface StoredRunRef {
  runId: number;
  version: number;
}

// Two-key advisory locks live in their own key space (the rollups lock on the one-key merchant
// id); this first key says "model runs".
const RUN_LOCK_KEY = 0x6d72;
/** Output rows per INSERT: one jsonb parameter each, parsed server-side. */
const OUTPUT_CHUNK = 2000;

/** The next version of (merchant, kind), under a transaction-scoped lock so two writers never collide. */
async function nextVersion(tx: Executor, merchantId: number, kind: ModelKind): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(${RUN_LOCK_KEY}::int, ${merchantId}::int)`);
  const [row] = await queryRows<{ v: number }>(
    tx,
    sql`select coalesce(max(version), 0)::int + 1 as v from model_runs where merchant_id = ${merchantId} and kind = ${kind}`,
  );
  return row.v;
}

/**
 * Stores a succeeded run and its outputs in one transaction, after checking it against the
 * kind's contract; stores the contract's format with it.
 *
 * @param startedAt when the computation began (stored as started_at; finished_at is now())
 * @returns the new run's id and version (previous version + 1 for the merchant and kind)
 * @throws RunContractError when a document does not match the contract (nothing is written)
 * @throws Error when the database rejects the run (nothing is written then)
 */
export async function storeSucceededRun(
  database: Database,
  merchantId: number,
  kind: ModelKind,
  run: ComputedRun,
  startedAt: Date,
): Promise<StoredRunRef> {
  const contract = CONTRACTS[kind];
  const docs = parseForWrite(contract, run);
  return database.db.transaction(async (tx) => {
    const version = await nextVersion(tx, merchantId, kind);
    const [inserted] = await queryRows<{ id: number }>(
      tx,
      sql`insert into model_runs (merchant_id, kind, version, format, status, period_from, period_to, params, metrics, summary, started_at)
          values (${merchantId}, ${kind}, ${version}, ${contract.format}, 'succeeded', ${run.periodFrom}::date, ${run.periodTo}::date,
                  ${JSON.stringify(docs.params)}::jsonb, ${JSON.stringify(docs.metrics)}::jsonb, ${JSON.stringify(docs.summary)}::jsonb,
                  ${startedAt.toISOString()}::timestamptz)
          returning id`,
    );
    for (let i = 0; i < docs.outputs.length; i += OUTPUT_CHUNK) {
      const chunk = docs.outputs.slice(i, i + OUTPUT_CHUNK).map((o) => ({ c: o.customerId, o: o.output }));
      await tx.execute(sql`
        insert into model_customer_outputs (run_id, merchant_id, customer_id, output)
        select ${inserted.id}, ${merchantId}, (e->>'c')::bigint, e->'o'
        from jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) as e`);
    }
    return { runId: inserted.id, version };
  });
}

/**
 * Records a failed run: status 'failed', the error text, and whatever of the period and
 * parameters was known. The latest succeeded run stays what the pages show.
 */
export async function storeFailedRun(
  database: Database,
  merchantId: number,
  kind: ModelKind,
  error: string,
  startedAt: Date,
  known: { periodFrom?: string | null; periodTo?: string | null; params?: unknown } = {},
): Promise<StoredRunRef> {
  return database.db.transaction(async (tx) => {
    const version = await nextVersion(tx, merchantId, kind);
    const [inserted] = await queryRows<{ id: number }>(
      tx,
      sql`insert into model_runs (merchant_id, kind, version, format, status, period_from, period_to, params, error, started_at)
          values (${merchantId}, ${kind}, ${version}, ${CONTRACTS[kind].format}, 'failed', ${known.periodFrom ?? null}::date, ${known.periodTo ?? null}::date,
                  ${JSON.stringify(known.params ?? {})}::jsonb, ${error.slice(0, 2000) || "unknown error"},
                  ${startedAt.toISOString()}::timestamptz)
          returning id`,
    );
    return { runId: inserted.id, version };
  });
}

/**
 * The bank's pseudonymous id of each customer of the merchant (customer id → bank_customer_id),
 * read on the owner connection from the bank-wide `customers` table, which merchant scopes
 * cannot read; the jobs copy it into the run's outputs.
 */
export async function getBankCustomerIds(database: Database, merchantId: number): Promise<Map<number, string>> {
  const rows = await queryRows<{ id: number; bank_customer_id: string }>(
    database.db,
    sql`select c.id, c.bank_customer_id
        from merchant_customers mc join customers c on c.id = mc.customer_id
        where mc.merchant_id = ${merchantId}`,
  );
  return new Map(rows.map((r) => [r.id, r.bank_customer_id]));
}

/**
 * The merchant as analytics sees it, by id or slug (owner connection).
 * @returns null when there is no such merchant
 */
export async function findMerchantRef(database: Database, by: { id: number } | { slug: string }): Promise<MerchantRef | null> {
  const where = "id" in by ? sql`id = ${by.id}` : sql`slug = ${by.slug}`;
  const [row] = await queryRows<MerchantRef>(
    database.db,
    sql`select id, slug, name, mcc, currency, time_zone as "timeZone" from merchants where ${where}`,
  );
  return row ?? null;
}
