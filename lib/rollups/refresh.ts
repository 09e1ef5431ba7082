import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { BITMAP_CHUNK_BITS } from "@/db/schema";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A set of local days as one SQL `date[]` value (one parameter, whatever the count). */
function dayArray(days: readonly string[]) {
  for (const d of days) if (!DAY.test(d)) throw new Error(`refreshRollups: not a YYYY-MM-DD day: ${d}`);
  return sql`string_to_array(${days.join(",")}, ',')::date[]`;
}

/**
 * Recomputes every rollup of one merchant for exactly the given local days, from its
 * transactions (the incremental model of Citus' real-time dashboards: re-aggregate the touched
 * merchant-days, never rebuild). Run it inside the ingest's transaction, so the rollups commit
 * or roll back with the rows they describe.
 *
 * Maintains: merchant_daily, merchant_hourly, merchant_customer_daily, merchant_customers
 * (new customers get the next dense ordinals; lifetime figures of the touched customers are
 * re-summed; demographics copied from `customers`) and merchant_day_customer_bitmaps.
 *
 * @param tx    a transaction of the bank's (owner) connection, not a merchant scope
 * @param days  local calendar days, 'YYYY-MM-DD', in the merchant's time zone
 * @throws Error on a malformed day
 */
export async function refreshRollups(tx: Executor, merchantId: number, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  const dayList = dayArray([...new Set(days)].sort());
  // One writer per merchant at a time: ordinals are max+1 and must stay dense and unique.
  await tx.execute(sql`select pg_advisory_xact_lock(${merchantId})`);

  await tx.execute(sql`delete from merchant_daily where merchant_id = ${merchantId} and day = any(${dayList})`);
  await tx.execute(sql`
    insert into merchant_daily (merchant_id, day, gross_sales_minor, refunds_minor, purchases, refunds, customers)
    select merchant_id, local_date,
           coalesce(sum(amount_minor) filter (where kind = 'purchase'), 0),
           coalesce(-sum(amount_minor) filter (where kind = 'refund'), 0),
           count(*) filter (where kind = 'purchase'),
           count(*) filter (where kind = 'refund'),
           count(distinct customer_id) filter (where kind = 'purchase')
    from transactions
    where merchant_id = ${merchantId} and local_date = any(${dayList})
    group by merchant_id, local_date`);

  await tx.execute(
    sql`delete from merchant_customer_daily where merchant_id = ${merchantId} and day = any(${dayList})`,
  );
  await tx.execute(sql`
    insert into merchant_customer_daily (merchant_id, day, customer_id, purchases, gross_sales_minor, refunds, refunds_minor)
    select merchant_id, local_date, customer_id,
           count(*) filter (where kind = 'purchase'),
           coalesce(sum(amount_minor) filter (where kind = 'purchase'), 0),
           count(*) filter (where kind = 'refund'),
           coalesce(-sum(amount_minor) filter (where kind = 'refund'), 0)
    from transactions
    where merchant_id = ${merchantId} and local_date = any(${dayList})
    group by merchant_id, local_date, customer_id`);

  // New merchant-customer pairs get the next ordinals, in customer id order (deterministic).
  await tx.execute(sql`
    insert into merchant_customers (merchant_id, customer_id, ordinal, purchases, gross_sales_minor, refunds_minor,
                                    gender, birth_year, marital_status, is_payroll, is_corporate, is_premium, region)
    select ${merchantId}, c.id,
           (select coalesce(max(ordinal), -1) from merchant_customers where merchant_id = ${merchantId})
             + row_number() over (order by c.id),
           0, 0, 0,
           c.gender, c.birth_year, c.marital_status, c.is_payroll, c.is_corporate, c.is_premium, c.region
    from customers c
    where c.id in (select distinct customer_id from merchant_customer_daily
                   where merchant_id = ${merchantId} and day = any(${dayList}))
      and not exists (select 1 from merchant_customers mc where mc.merchant_id = ${merchantId} and mc.customer_id = c.id)`);

  await tx.execute(sql`
    update merchant_customers mc
    set first_purchase_day = agg.first_day, last_purchase_day = agg.last_day, purchases = agg.purchases,
        gross_sales_minor = agg.gross, refunds_minor = agg.refunds
    from (
      select d.customer_id,
             min(d.day) filter (where d.purchases > 0) as first_day,
             max(d.day) filter (where d.purchases > 0) as last_day,
             sum(d.purchases)::int as purchases, sum(d.gross_sales_minor) as gross, sum(d.refunds_minor) as refunds
      from merchant_customer_daily d
      where d.merchant_id = ${merchantId}
        and d.customer_id in (select customer_id from merchant_customer_daily
                              where merchant_id = ${merchantId} and day = any(${dayList}))
      group by d.customer_id
    ) agg
    where mc.merchant_id = ${merchantId} and mc.customer_id = agg.customer_id`);

  await tx.execute(sql`delete from merchant_hourly where merchant_id = ${merchantId} and day = any(${dayList})`);
  await tx.execute(sql`
    insert into merchant_hourly (merchant_id, day, hour, gross_sales_minor, purchases, customer_ordinals)
    select t.merchant_id, t.local_date, t.local_hour, sum(t.amount_minor), count(*),
           array_agg(distinct mc.ordinal order by mc.ordinal)
    from transactions t
    join merchant_customers mc on mc.merchant_id = t.merchant_id and mc.customer_id = t.customer_id
    where t.merchant_id = ${merchantId} and t.local_date = any(${dayList}) and t.kind = 'purchase'
    group by t.merchant_id, t.local_date, t.local_hour`);

  await tx.execute(
    sql`delete from merchant_day_customer_bitmaps where merchant_id = ${merchantId} and day = any(${dayList})`,
  );
  const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));
  await tx.execute(sql`
    insert into merchant_day_customer_bitmaps (merchant_id, day, chunk, bits)
    select ${merchantId}, d.day, mc.ordinal / ${chunkBits},
           bit_or((B'1'::bit(${chunkBits})) >> (mc.ordinal % ${chunkBits}))
    from merchant_customer_daily d
    join merchant_customers mc on mc.merchant_id = d.merchant_id and mc.customer_id = d.customer_id
    where d.merchant_id = ${merchantId} and d.day = any(${dayList}) and d.purchases > 0
    group by d.day, mc.ordinal / ${chunkBits}`);
}

/**
 * Copies the bank's current demographics into `merchant_customers` for the given customers
 * (after a customers CSV load), across every merchant they shop at. Bank-level work: run it on
 * the owner connection inside the load's transaction.
 *
 * @param customerIds internal `customers.id` values; an empty list does nothing
 */
export async function refreshCustomerSnapshots(tx: Executor, customerIds: readonly number[]): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.execute(sql`
    update merchant_customers mc
    set gender = c.gender, birth_year = c.birth_year, marital_status = c.marital_status,
        is_payroll = c.is_payroll, is_corporate = c.is_corporate, is_premium = c.is_premium, region = c.region
    from customers c
    where c.id = mc.customer_id
      and c.id = any(string_to_array(${customerIds.join(",")}, ',')::bigint[])`);
}
