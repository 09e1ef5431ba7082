import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "@/db/client";
import { applyRollupBatch, prepareRollupBatch } from "@/lib/rollups";
import { enqueueModelJobs } from "@/lib/jobs/outbox";
import type { ErrorLog } from "./report";
import { MAX_REPORTED_ERRORS } from "./report";
import { shown } from "./validate";

/** The staged fields a re-loaded transaction id is compared on, with the file column to blame. */
export type StagedField = "merchant" | "customer" | "amount" | "kind" | "currency" | "occurredAt" | "channel";

interface ConflictRow {
  line: number;
  bank_transaction_id: string;
  field: StagedField;
  batch: number | null;
  total: number;
}

/**
 * Finds staged transactions whose id is already loaded with different values (a corrected file
 * must not be silently ignored by `on conflict do nothing`) and logs each as an error of its line.
 *
 * @param columns file column to report per staged field (null: not one column's)
 * @returns how many conflicts there are
 */
export async function findConflictingTransactions(
  tx: Executor,
  batchId: number,
  errors: ErrorLog,
  columns: Partial<Record<StagedField, string>>,
): Promise<number> {
  const rows = await queryRows<ConflictRow>(
    tx,
    sql`
      select s.line, s.bank_transaction_id, t.ingest_batch_id as batch, count(*) over ()::int as total,
             case when t.merchant_id <> s.merchant_id then 'merchant'
                  when c.bank_customer_id <> s.bank_customer_id then 'customer'
                  when t.amount_minor <> s.amount_minor then 'amount'
                  when t.kind <> s.kind then 'kind'
                  when t.currency <> s.currency then 'currency'
                  when t.occurred_at <> s.occurred_at then 'occurredAt'
                  else 'channel' end as field
      from staging_transactions s
      join transactions t on t.bank_transaction_id = s.bank_transaction_id
      join customers c on c.id = t.customer_id
      where s.batch_id = ${batchId}
        and (t.merchant_id <> s.merchant_id or c.bank_customer_id <> s.bank_customer_id
             or t.amount_minor <> s.amount_minor or t.kind <> s.kind or t.currency <> s.currency
             or t.occurred_at <> s.occurred_at or t.channel <> s.channel)
      order by s.line
      limit ${MAX_REPORTED_ERRORS}`,
  );
  for (const r of rows) {
    const from = r.batch === null ? "" : ` by batch ${r.batch}`;
    errors.add(
      r.line,
      columns[r.field] ?? null,
      `transaction ${shown(r.bank_transaction_id)} was already loaded${from} with a different ${FIELD_WORDS[r.field]}`,
    );
  }
  const total = rows.length > 0 ? rows[0].total : 0;
  // Conflicts beyond the listed ones still count.
  errors.count += total - rows.length;
  return total;
}

const FIELD_WORDS: Record<StagedField, string> = {
  merchant: "merchant",
  customer: "customer",
  amount: "amount",
  kind: "kind",
  currency: "currency",
  occurredAt: "time",
  channel: "channel",
};

/** The result of merging one batch of staged transactions. */
export interface TransactionMerge {
  /** Rows added to `transactions`. */
  inserted: number;
  /** Merchant id -> local days ('YYYY-MM-DD') that received new rows (and were refreshed). */
  merchantDays: Map<number, string[]>;
}

/**
 * Merges a batch from staging_transactions into the real tables, inside the caller's
 * transaction:
 * 1. customers not yet known get a row with unknown attributes (in order of first appearance);
 * 2. transactions are inserted with local_date/local_hour computed by PostgreSQL in the
 *    merchant's time zone; ids already present are skipped (`on conflict do nothing`);
 * 3. the rollups take in exactly the new rows (lib/rollups/delta.ts: sums add, sets unite).
 *
 * Call {@link findConflictingTransactions} first: a conflicting id would otherwise be skipped.
 */
export async function mergeStagedTransactions(tx: Executor, batchId: number): Promise<TransactionMerge> {
  await tx.execute(sql`
    insert into customers (bank_customer_id)
    select s.bank_customer_id
    from staging_transactions s
    where s.batch_id = ${batchId}
      and not exists (select 1 from customers c where c.bank_customer_id = s.bank_customer_id)
    group by s.bank_customer_id
    order by min(s.line)
    on conflict (bank_customer_id) do nothing`);

  await prepareRollupBatch(tx);
  const days = await queryRows<{ merchant_id: number; day: string; n: number }>(
    tx,
    sql`
      with inserted as (
        insert into transactions (bank_transaction_id, merchant_id, customer_id, amount_minor, currency, occurred_at,
                                  local_date, local_hour, channel, kind, ingest_batch_id)
        select s.bank_transaction_id, s.merchant_id, c.id, s.amount_minor, s.currency, s.occurred_at,
               (s.occurred_at at time zone m.time_zone)::date,
               extract(hour from s.occurred_at at time zone m.time_zone)::int,
               s.channel, s.kind, s.batch_id
        from staging_transactions s
        join customers c on c.bank_customer_id = s.bank_customer_id
        join merchants m on m.id = s.merchant_id
        where s.batch_id = ${batchId}
        on conflict (bank_transaction_id) do nothing
        returning merchant_id, customer_id, local_date, local_hour, amount_minor, kind
      ), kept as (
        -- the new rows alone feed the rollups (lib/rollups/delta.ts)
        insert into rollup_batch (merchant_id, customer_id, local_date, local_hour, amount_minor, kind)
        select merchant_id, customer_id, local_date, local_hour, amount_minor, kind from inserted
      )
      select merchant_id, local_date::text as day, count(*)::int as n
      from inserted
      group by merchant_id, local_date
      order by merchant_id, local_date`,
  );

  const merchantDays = new Map<number, string[]>();
  let inserted = 0;
  for (const d of days) {
    inserted += d.n;
    let list = merchantDays.get(d.merchant_id);
    if (!list) merchantDays.set(d.merchant_id, (list = []));
    list.push(d.day);
  }
  await applyRollupBatch(tx);
  // The model-job outbox commits with the rows (lib/jobs/outbox.ts): the worker refits these merchants.
  await enqueueModelJobs(tx, merchantDays.keys(), "ingest");
  return { inserted, merchantDays };
}
