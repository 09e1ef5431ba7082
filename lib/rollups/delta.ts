import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { BITMAP_CHUNK_BITS } from "@/db/schema";
import { addBatchToCohorts, chunkBitmaps, takeOutMovedCohortMembers } from "./cohorts";
import { insertNewMerchantCustomers } from "./ordinals";
import { updateMonthPlanes } from "./planes";
import { addBatchToSegments } from "./segments";
import { sparseBitsOf, sparseUnion } from "./sparse";
import { bumpRollupVersions } from "./refresh";

/**
 * The temporary table that holds one ingest batch's newly inserted transactions (only what the
 * rollups need). The merge fills it from its INSERT … RETURNING, so the rollups are updated from
 * the new rows alone instead of re-reading the touched days from `transactions`.
 */

/**
 * Creates `rollup_batch` for this session if needed and empties it. Call inside the merge
 * transaction, before the insert that fills it.
 */
export async function prepareRollupBatch(tx: Executor): Promise<void> {
  await tx.execute(sql`
    create temporary table if not exists rollup_batch (
      merchant_id integer not null, customer_id bigint not null, local_date date not null,
      local_hour integer not null, amount_minor bigint not null, kind text not null
    ) on commit delete rows`);
  await tx.execute(sql`truncate rollup_batch`);
}

/**
 * Adds the transactions in `rollup_batch` (rows that were just inserted, never seen before) to
 * every rollup, incrementally: sums add, first/last purchase days take least/greatest, the
 * customer bitmaps and hourly customer lists take the union; the cohort and segment rollups take
 * the batch under each customer's cohort and snapshot values (lib/rollups/cohorts.ts, segments.ts),
 * and the touched customers' month totals are re-sliced into the month planes (planes.ts). Only distinct customers per day are
 * not additive, so `merchant_daily.customers` is the bit count of the touched days' bitmaps.
 * The result equals {@link refreshRollupsForDays} over the same days (tested), at the cost of
 * the batch's rows instead of the touched days' rows (the upsert model of Citus' real-time
 * dashboard guide, "incremental rollups").
 *
 * @param tx a transaction of the bank's (owner) connection, the same one that filled rollup_batch
 */
export async function applyRollupBatch(tx: Executor): Promise<void> {
  const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));
  await tx.execute(sql`set local work_mem = '128MB'`);
  // Temporary tables are never auto-analysed; without statistics the joins below go nested-loop.
  await tx.execute(sql`analyze rollup_batch`);
  // One writer per merchant at a time (dense ordinals), taken in id order so ingests cannot deadlock.
  await tx.execute(sql`
    select pg_advisory_xact_lock(merchant_id) from (select distinct merchant_id from rollup_batch order by merchant_id) m`);

  // Each touched customer's figures in this batch, once: pairs already known add them (one
  // update), new pairs are inserted with them and their next ordinals (one write, no dead copy).
  await tx.execute(sql`
    create temporary table if not exists rollup_batch_customers (
      merchant_id integer not null, customer_id bigint not null, first_day date, last_day date,
      purchases integer not null, gross bigint not null, refunds bigint not null,
      primary key (merchant_id, customer_id)
    ) on commit delete rows`);
  await tx.execute(sql`truncate rollup_batch_customers`);
  await tx.execute(sql`
    insert into rollup_batch_customers
    select merchant_id, customer_id,
           min(local_date) filter (where kind = 'purchase'),
           max(local_date) filter (where kind = 'purchase'),
           (count(*) filter (where kind = 'purchase'))::int,
           coalesce(sum(amount_minor) filter (where kind = 'purchase'), 0),
           coalesce(-sum(amount_minor) filter (where kind = 'refund'), 0)
    from rollup_batch group by merchant_id, customer_id`);
  await tx.execute(sql`analyze rollup_batch_customers`);
  // Cohort members whose first purchase day moves leave their old cohort before their rows change.
  await takeOutMovedCohortMembers(tx);

  await tx.execute(sql`
    insert into merchant_customer_daily as d (merchant_id, day, customer_id, purchases, gross_sales_minor, refunds, refunds_minor)
    select merchant_id, local_date, customer_id,
           count(*) filter (where kind = 'purchase'),
           coalesce(sum(amount_minor) filter (where kind = 'purchase'), 0),
           count(*) filter (where kind = 'refund'),
           coalesce(-sum(amount_minor) filter (where kind = 'refund'), 0)
    from rollup_batch
    group by merchant_id, local_date, customer_id
    -- key order: the primary key's b-tree is appended to instead of written all over
    order by merchant_id, local_date, customer_id
    on conflict (merchant_id, day, customer_id) do update
      set purchases = d.purchases + excluded.purchases,
          gross_sales_minor = d.gross_sales_minor + excluded.gross_sales_minor,
          refunds = d.refunds + excluded.refunds,
          refunds_minor = d.refunds_minor + excluded.refunds_minor`);

  // least/greatest ignore nulls: a customer's first purchase may arrive after refunds only.
  await tx.execute(sql`
    update merchant_customers mc
    set first_purchase_day = least(mc.first_purchase_day, b.first_day),
        last_purchase_day = greatest(mc.last_purchase_day, b.last_day),
        purchases = mc.purchases + b.purchases,
        gross_sales_minor = mc.gross_sales_minor + b.gross,
        refunds_minor = mc.refunds_minor + b.refunds
    from rollup_batch_customers b
    where mc.merchant_id = b.merchant_id and mc.customer_id = b.customer_id`);

  // New merchant-customer pairs get their merchant's next ordinals, in customer id order (deterministic).
  await insertNewMerchantCustomers(tx, sql`select * from rollup_batch_customers`, true);

  await tx.execute(sql`
    insert into merchant_hourly as h (merchant_id, day, hour, gross_sales_minor, purchases, customer_ordinals)
    select b.merchant_id, b.local_date, b.local_hour, sum(b.amount_minor), count(*),
           array_agg(distinct mc.ordinal order by mc.ordinal)
    from rollup_batch b
    join merchant_customers mc on mc.merchant_id = b.merchant_id and mc.customer_id = b.customer_id
    where b.kind = 'purchase'
    group by b.merchant_id, b.local_date, b.local_hour
    on conflict (merchant_id, day, hour) do update
      set gross_sales_minor = h.gross_sales_minor + excluded.gross_sales_minor,
          purchases = h.purchases + excluded.purchases,
          customer_ordinals = array(select distinct u from unnest(h.customer_ordinals || excluded.customer_ordinals) u order by u)`);

  // The month's (day of week, hour) slots take the union, like the day bitmaps (ADR 0039), stored
  // sparse: a slot of a month holds a few customers, and a dense chunk was 1 KiB a row (ADR 0041).
  await tx.execute(sql`
    insert into merchant_month_hour_bitmaps as m (merchant_id, month, dow, hour, chunk, bits)
    select merchant_id, month, dow, hour, chunk, ${sparseBitsOf(sql`pos`)} from (
      select distinct d.merchant_id, date_trunc('month', d.local_date::timestamp)::date as month,
             extract(isodow from d.local_date)::smallint as dow, d.local_hour::smallint as hour,
             mc.ordinal / ${chunkBits} as chunk, mc.ordinal % ${chunkBits} as pos
      from rollup_batch d
      join merchant_customers mc on mc.merchant_id = d.merchant_id and mc.customer_id = d.customer_id
      where d.kind = 'purchase'
    ) p
    group by 1, 2, 3, 4, 5
    order by 1, 2, 3, 4, 5
    on conflict (merchant_id, month, dow, hour, chunk) do update set bits = ${sparseUnion(sql`m.bits`, sql`excluded.bits`)}`);

  await tx.execute(sql`
    insert into merchant_day_customer_bitmaps as m (merchant_id, day, chunk, bits)
    select merchant_id, key, chunk, bits from (${chunkBitmaps(sql`
      select distinct d.merchant_id, d.local_date as key, mc.ordinal / ${chunkBits} as chunk, mc.ordinal % ${chunkBits} as pos
      from rollup_batch d
      join merchant_customers mc on mc.merchant_id = d.merchant_id and mc.customer_id = d.customer_id
      where d.kind = 'purchase'`)}) x
    order by 1, 2, 3
    on conflict (merchant_id, day, chunk) do update set bits = m.bits | excluded.bits`);

  // Daily sums add; the day's distinct customers are not additive, but the day's bitmaps (just
  // brought up to date) hold exactly its purchasing customers: their bit count is the figure.
  await tx.execute(sql`
    insert into merchant_daily as d (merchant_id, day, gross_sales_minor, refunds_minor, purchases, refunds, customers)
    select b.merchant_id, b.local_date, b.gross, b.refunds_minor, b.purchases, b.refunds, coalesce(c.customers, 0)
    from (
      select merchant_id, local_date,
             coalesce(sum(amount_minor) filter (where kind = 'purchase'), 0) as gross,
             coalesce(-sum(amount_minor) filter (where kind = 'refund'), 0) as refunds_minor,
             count(*) filter (where kind = 'purchase') as purchases,
             count(*) filter (where kind = 'refund') as refunds
      from rollup_batch group by merchant_id, local_date
    ) b
    -- a join on the batch's (merchant, day) pairs, not a lateral subquery: Citus plans no lateral
    -- join of a distributed table to a temporary one (docs/adr/0021-citus.md)
    left join (
      select x.merchant_id, x.day, sum(bit_count(x.bits))::int as customers
      from merchant_day_customer_bitmaps x
      join (select distinct merchant_id, local_date from rollup_batch) k on k.merchant_id = x.merchant_id and k.local_date = x.day
      group by x.merchant_id, x.day
    ) c on c.merchant_id = b.merchant_id and c.day = b.local_date
    order by b.merchant_id, b.local_date
    on conflict (merchant_id, day) do update
      set gross_sales_minor = d.gross_sales_minor + excluded.gross_sales_minor,
          refunds_minor = d.refunds_minor + excluded.refunds_minor,
          purchases = d.purchases + excluded.purchases,
          refunds = d.refunds + excluded.refunds,
          customers = excluded.customers`);
  await addBatchToCohorts(tx);
  // Segment sums and members under each customer's current snapshot (ADR 0029).
  await addBatchToSegments(tx);
  // The touched customers' month totals, bit-sliced, for the regular customers' net revenue (ADR 0029).
  await updateMonthPlanes(tx);
  await bumpRollupVersions(tx, sql`select distinct merchant_id from rollup_batch`);
  await tx.execute(sql`truncate rollup_batch`);
}
