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

/**
 * Largest amount one row may carry, in minor units (10^12: ten billion in major units, far above
 * any card purchase). With MAX_MERCHANT_TOTAL_MINOR it keeps every sum downstream exact: a day's,
 * a period's or a merchant's whole history stays below 2^53 (JS's exact integers, ≈ 9.0 × 10^15)
 * and below bigint's 9.2 × 10^18 (issue 14 item 7: 20 rows of the old 15-digit maximum on one day
 * made the overview answer 500; 10,000 made ingest fail with a raw bigint overflow).
 */
const MAX_AMOUNT_MINOR = 1_000_000_000_000;
/** Largest sum of |amount| over one merchant's stored history plus the file (10^15 minor units). */
const MAX_MERCHANT_TOTAL_MINOR = 1_000_000_000_000_000;
/**
 * How far in the future a transaction may be dated: 1 day past the database's clock, for the
 * widest time-zone offset (+14:00) and clock skew. A later date (a typo such as 2199) would move
 * the merchant's last data day and every "last N days" period with it.
 */
const FUTURE_TOLERANCE_DAYS = 1;

/**
 * Finds staged rows that break the bounds above and logs each as an error of its line (at most
 * MAX_REPORTED_ERRORS listed, all counted): an amount over MAX_AMOUNT_MINOR, a time later than
 * now + FUTURE_TOLERANCE_DAYS, and the first row at which a merchant's running total of |amount|
 * (stored history from the daily rollup, then the file in line order) passes
 * MAX_MERCHANT_TOTAL_MINOR. Sums are numeric in SQL, so the check itself cannot overflow.
 *
 * @param columns file columns to name for the amount and the time
 * @returns how many rows break a bound
 */
export async function findOutOfBounds(
  tx: Executor,
  batchId: number,
  errors: ErrorLog,
  columns: Partial<Record<StagedField, string>>,
): Promise<number> {
  const rows = await queryRows<{ line: number; problem: "amount" | "future" | "total"; amount: number | string; occurred: string; total: number }>(
    tx,
    sql`
      with s as (
        select line, merchant_id, amount_minor, occurred_at from staging_transactions where batch_id = ${batchId}
      ), stored as (
        select merchant_id, sum(gross_sales_minor::numeric + abs(refunds_minor::numeric)) as total
        from merchant_daily where merchant_id in (select distinct merchant_id from s) group by merchant_id
      ), running as (
        select s.*, coalesce(st.total, 0)
                    + sum(abs(s.amount_minor::numeric)) over (partition by s.merchant_id order by s.line rows unbounded preceding) as total
        from s left join stored st using (merchant_id)
      ), bad as (
        select line, amount_minor, occurred_at,
               case when abs(amount_minor) > ${MAX_AMOUNT_MINOR} then 'amount'
                    when occurred_at > now() + make_interval(days => ${FUTURE_TOLERANCE_DAYS}) then 'future'
                    else 'total' end as problem,
               row_number() over (partition by merchant_id, (total > ${MAX_MERCHANT_TOTAL_MINOR}) order by line) as nth,
               total > ${MAX_MERCHANT_TOTAL_MINOR} as over
        from running
        where abs(amount_minor) > ${MAX_AMOUNT_MINOR}
           or occurred_at > now() + make_interval(days => ${FUTURE_TOLERANCE_DAYS})
           or total > ${MAX_MERCHANT_TOTAL_MINOR}
      )
      select line, problem, abs(amount_minor)::text as amount, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as occurred,
             count(*) over ()::int as total
      from bad
      where problem <> 'total' or (over and nth = 1)
      order by line
      limit ${MAX_REPORTED_ERRORS}`,
  );
  for (const r of rows) {
    if (r.problem === "amount") {
      errors.add(r.line, columns.amount ?? null, `amount ${r.amount} minor units is over the largest allowed, ${MAX_AMOUNT_MINOR}`);
    } else if (r.problem === "future") {
      errors.add(r.line, columns.occurredAt ?? null, `${r.occurred} is in the future (more than ${FUTURE_TOLERANCE_DAYS} day after today)`);
    } else {
      errors.add(r.line, columns.amount ?? null, `the merchant's amounts add up to more than ${MAX_MERCHANT_TOTAL_MINOR} minor units at this line (history included)`);
    }
  }
  const total = rows.length > 0 ? rows[0].total : 0;
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
    left join customers c on c.bank_customer_id = s.bank_customer_id
    where s.batch_id = ${batchId} and c.id is null -- an anti-join Citus plans (no correlated subquery)
    group by s.bank_customer_id
    order by min(s.line)
    on conflict (bank_customer_id) do nothing`);

  await prepareRollupBatch(tx);
  // The sort above and the rollups' aggregates of a large batch spill to disk at the 4 MB default.
  await tx.execute(sql`set local work_mem = '128MB'`);
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
        -- merchant-then-day order on disk: a merchant's history sits on few pages (a 6x faster
        -- cohort query measured, ../shared/MEASUREMENTS.md) and the date index is appended to
        order by s.merchant_id, 7
        -- no conflict target: single-node keys bank_transaction_id, Citus (merchant_id,
        -- bank_transaction_id) (db/distribute.ts); a cross-merchant clash was refused above
        on conflict do nothing
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
