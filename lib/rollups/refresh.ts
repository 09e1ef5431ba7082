import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { BITMAP_CHUNK_BITS } from "@/db/schema";
import { rebuildCohorts } from "./cohorts";
import { insertNewMerchantCustomers } from "./ordinals";
import { rebuildMonthPlanesForTouchedDays } from "./planes";
import { moveSegmentMembers, rebuildSegmentsForTouchedDays } from "./segments";
import { sparseBitsOf } from "./sparse";
import { TOUCHED_MONTHS } from "./touched";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Recomputes every rollup of one merchant for exactly the given local days. See
 * {@link refreshRollupsForDays}, which does the work for many merchants at once.
 *
 * @param tx    a transaction of the bank's (owner) connection, not a merchant scope
 * @param days  local calendar days, 'YYYY-MM-DD', in the merchant's time zone
 * @throws Error on a malformed day
 */
export async function refreshRollups(tx: Executor, merchantId: number, days: readonly string[]): Promise<void> {
  await refreshRollupsForDays(tx, new Map([[merchantId, days]]));
}

/**
 * Recomputes every rollup for exactly the touched merchant-days, from the transactions (the
 * incremental model of Citus' real-time dashboards: re-aggregate what changed, never rebuild).
 * Run it inside the ingest's transaction, so the rollups commit or roll back with the rows they
 * describe. Set-based: the touched (merchant, day) pairs go into a temporary table and each
 * rollup is refreshed by one statement for all merchants, so the cost follows the rows touched,
 * not the number of merchants.
 *
 * Maintains: merchant_customer_daily, merchant_daily, merchant_customers (new customers get the
 * next dense ordinals of their merchant; lifetime figures of the touched customers are re-summed;
 * demographics copied from `customers`), merchant_hourly and merchant_day_customer_bitmaps, and
 * rebuilds the touched merchants' cohort tables whole (lib/rollups/cohorts.ts), the segment daily
 * sums of the touched days and the touched merchants' segment members (lib/rollups/segments.ts), the
 * month amount planes of the touched months (lib/rollups/planes.ts), and adds 1 to the
 * touched merchants' `rollup_version`.
 *
 * @param tx      a transaction of the bank's (owner) connection, not a merchant scope
 * @param touched merchant id -> local days ('YYYY-MM-DD', merchant's time zone)
 * @throws Error on a malformed day or merchant id
 */
export async function refreshRollupsForDays(tx: Executor, touched: ReadonlyMap<number, readonly string[]>): Promise<void> {
  const merchantIds: number[] = [];
  const days: string[] = [];
  for (const [merchantId, list] of touched) {
    if (!Number.isInteger(merchantId) || merchantId <= 0) throw new Error(`refreshRollups: invalid merchant id ${merchantId}`);
    for (const d of new Set(list)) {
      if (!DAY.test(d)) throw new Error(`refreshRollups: not a YYYY-MM-DD day: ${d}`);
      merchantIds.push(merchantId);
      days.push(d);
    }
  }
  if (days.length === 0) return;

  // Aggregates of a large load sort and hash far more than the 4 MB default; spilling to disk
  // doubled the refresh time. Transaction-local, so the setting ends with the ingest.
  await tx.execute(sql`set local work_mem = '128MB'`);
  await tx.execute(sql`
    create temporary table if not exists rollup_touched (merchant_id integer not null, day date not null, primary key (merchant_id, day))
    on commit delete rows`);
  await tx.execute(sql`truncate rollup_touched`);
  await tx.execute(sql`
    insert into rollup_touched (merchant_id, day)
    select unnest(string_to_array(${merchantIds.join(",")}, ',')::integer[]),
           unnest(string_to_array(${days.join(",")}, ',')::date[])`);
  await tx.execute(sql`analyze rollup_touched`);
  // One writer per merchant at a time (ordinals are max+1 and must stay dense and unique);
  // taken in id order so two concurrent ingests cannot deadlock.
  await tx.execute(sql`
    select pg_advisory_xact_lock(merchant_id) from (select distinct merchant_id from rollup_touched order by merchant_id) m`);

  await tx.execute(sql`
    delete from merchant_customer_daily d using rollup_touched t where d.merchant_id = t.merchant_id and d.day = t.day`);
  await tx.execute(sql`
    insert into merchant_customer_daily (merchant_id, day, customer_id, purchases, gross_sales_minor, refunds, refunds_minor)
    select x.merchant_id, x.local_date, x.customer_id,
           count(*) filter (where x.kind = 'purchase'),
           coalesce(sum(x.amount_minor) filter (where x.kind = 'purchase'), 0),
           count(*) filter (where x.kind = 'refund'),
           coalesce(-sum(x.amount_minor) filter (where x.kind = 'refund'), 0)
    from transactions x
    join rollup_touched t on t.merchant_id = x.merchant_id and t.day = x.local_date
    group by x.merchant_id, x.local_date, x.customer_id`);

  // Daily totals from the customer-day rollup just built: one scan of transactions fewer.
  await tx.execute(sql`delete from merchant_daily d using rollup_touched t where d.merchant_id = t.merchant_id and d.day = t.day`);
  await tx.execute(sql`
    insert into merchant_daily (merchant_id, day, gross_sales_minor, refunds_minor, purchases, refunds, customers)
    select d.merchant_id, d.day, sum(d.gross_sales_minor), sum(d.refunds_minor), sum(d.purchases), sum(d.refunds),
           count(*) filter (where d.purchases > 0)
    from merchant_customer_daily d
    join rollup_touched t on t.merchant_id = d.merchant_id and t.day = d.day
    group by d.merchant_id, d.day`);

  // New merchant-customer pairs get their merchant's next ordinals, in customer id order (deterministic).
  await insertNewMerchantCustomers(
    tx,
    sql`select distinct d.merchant_id, d.customer_id from merchant_customer_daily d
        join rollup_touched t on t.merchant_id = d.merchant_id and t.day = d.day`,
  );

  await tx.execute(sql`
    update merchant_customers mc
    set first_purchase_day = agg.first_day, last_purchase_day = agg.last_day, purchases = agg.purchases,
        gross_sales_minor = agg.gross, refunds_minor = agg.refunds
    from (
      select d.merchant_id, d.customer_id,
             min(d.day) filter (where d.purchases > 0) as first_day,
             max(d.day) filter (where d.purchases > 0) as last_day,
             sum(d.purchases)::int as purchases, sum(d.gross_sales_minor) as gross, sum(d.refunds_minor) as refunds
      from merchant_customer_daily d
      where (d.merchant_id, d.customer_id) in (
        select d2.merchant_id, d2.customer_id from merchant_customer_daily d2
        join rollup_touched t on t.merchant_id = d2.merchant_id and t.day = d2.day)
      group by d.merchant_id, d.customer_id
    ) agg
    where mc.merchant_id = agg.merchant_id and mc.customer_id = agg.customer_id`);

  await tx.execute(sql`delete from merchant_hourly h using rollup_touched t where h.merchant_id = t.merchant_id and h.day = t.day`);
  await tx.execute(sql`
    insert into merchant_hourly (merchant_id, day, hour, gross_sales_minor, purchases, customer_ordinals)
    select x.merchant_id, x.local_date, x.local_hour, sum(x.amount_minor), count(*),
           array_agg(distinct mc.ordinal order by mc.ordinal)
    from transactions x
    join rollup_touched t on t.merchant_id = x.merchant_id and t.day = x.local_date
    join merchant_customers mc on mc.merchant_id = x.merchant_id and mc.customer_id = x.customer_id
    where x.kind = 'purchase'
    group by x.merchant_id, x.local_date, x.local_hour`);

  await tx.execute(sql`
    delete from merchant_day_customer_bitmaps b using rollup_touched t where b.merchant_id = t.merchant_id and b.day = t.day`);
  const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));
  await tx.execute(sql`
    insert into merchant_day_customer_bitmaps (merchant_id, day, chunk, bits)
    select d.merchant_id, d.day, mc.ordinal / ${chunkBits},
           bit_or((B'1'::bit(${chunkBits})) >> (mc.ordinal % ${chunkBits}))
    from merchant_customer_daily d
    join rollup_touched t on t.merchant_id = d.merchant_id and t.day = d.day
    join merchant_customers mc on mc.merchant_id = d.merchant_id and mc.customer_id = d.customer_id
    where d.purchases > 0
    group by d.merchant_id, d.day, mc.ordinal / ${chunkBits}`);
  // The touched months' (day of week, hour) bitmaps, from the hourly lists of the whole month (ADR 0039).
  await tx.execute(sql`
    delete from merchant_month_hour_bitmaps b using (${TOUCHED_MONTHS}) t where b.merchant_id = t.merchant_id and b.month = t.month`);
  await tx.execute(sql`
    insert into merchant_month_hour_bitmaps (merchant_id, month, dow, hour, chunk, bits)
    select h.merchant_id, t.month, extract(isodow from h.day)::smallint, h.hour, o.ordinal / ${chunkBits},
           ${sparseBitsOf(sql`(o.ordinal % ${chunkBits})`)}
    from (${TOUCHED_MONTHS}) t
    join merchant_hourly h on h.merchant_id = t.merchant_id and h.day >= t.month and h.day < (t.month + interval '1 month')::date
    cross join lateral unnest(h.customer_ordinals) as o(ordinal)
    group by 1, 2, 3, 4, 5`);
  await rebuildCohorts(tx, sql`select distinct merchant_id from rollup_touched`);
  await rebuildSegmentsForTouchedDays(tx);
  await rebuildMonthPlanesForTouchedDays(tx);
  await bumpRollupVersions(tx, sql`select distinct merchant_id from rollup_touched`);
  await tx.execute(sql`truncate rollup_touched`);
}

/**
 * Adds 1 to `merchants.rollup_version` of the merchants `merchantIds` selects: the mark that
 * their rollups changed, which stored competitor reports are keyed on
 * (docs/adr/0007-stored-competitor-reports.md). Run in the transaction that changed them.
 */
export async function bumpRollupVersions(tx: Executor, merchantIds: SQL): Promise<void> {
  await tx.execute(sql`update merchants set rollup_version = rollup_version + 1 where id in (${merchantIds})`);
}

/**
 * Copies the bank's current demographics into `merchant_customers` for the given customers
 * (after a customers CSV load), across every merchant they shop at, and first moves their
 * history between segment values where an attribute changed (lib/rollups/segments.ts
 * moveSegmentMembers). Bank-level work: run it on the owner connection inside the load's
 * transaction, after `customers` took the new values.
 *
 * @param customerIds internal `customers.id` values; an empty list does nothing
 * @throws Error when an id is not a positive integer
 */
export async function refreshCustomerSnapshots(tx: Executor, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return;
  for (const id of customerIds) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`refreshCustomerSnapshots: invalid customer id ${id}`);
  }
  // On Citus (docs/adr/0021-citus.md) `customers` is a reference table this transaction has just
  // written over one connection per node; the multi-shard statements below read it next to the
  // distributed rollups and must go over those same connections, else Citus refuses them ("cannot
  // perform query with placements that were modified over multiple connections"). Without Citus
  // the setting is an unused placeholder, gone at commit.
  await tx.execute(sql`set local citus.multi_shard_modify_mode = 'sequential'`);
  // The moved customers' merchants are written below: one writer per merchant, as the ingest.
  await tx.execute(sql`
    select pg_advisory_xact_lock(merchant_id) from (
      select distinct merchant_id from merchant_customers
      where customer_id = any(string_to_array(${customerIds.join(",")}, ',')::bigint[]) order by merchant_id) m`);
  await moveSegmentMembers(tx, sql`string_to_array(${customerIds.join(",")}, ',')::bigint[]`);
  await tx.execute(sql`
    update merchant_customers mc
    set gender = c.gender, birth_year = c.birth_year, marital_status = c.marital_status,
        is_payroll = c.is_payroll, is_corporate = c.is_corporate, is_premium = c.is_premium, region = c.region
    from customers c
    where c.id = mc.customer_id
      and c.id = any(string_to_array(${customerIds.join(",")}, ',')::bigint[])`);
}
