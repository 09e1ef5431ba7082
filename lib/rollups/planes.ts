import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { BITMAP_CHUNK_BITS } from "@/db/schema";

/*
 * The month amount planes (merchant_month_amount_planes, docs/adr/0029-segment-rollups.md): each
 * customer's gross sales and refunds per calendar month, bit-sliced over its ordinal. A plane is a
 * function of the customer's whole month total, not additive: the delta recomputes the month
 * totals of the customers a batch touches (from merchant_customer_daily, already updated), clears
 * their bits in every plane of those months and sets the bits of the new totals.
 */

const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));

/**
 * Plane bitmaps from `totals`, a subquery of distinct `(merchant_id, month, ordinal, gross, refunds)`
 * (money non-negative): one row per (merchant_id, month, side, plane, chunk) with a set bit.
 * Built as text (a run of zeros and a one per set position, padded, cast once): a plane of a first
 * load holds hundreds of customers per chunk, where `bit_or` of shifted bits costs a 1 KiB value
 * per position.
 */
function planeBitmaps(totals: SQL): SQL {
  return sql`
    select merchant_id, month, side, plane, chunk,
           rpad(string_agg(repeat('0', pos - prev - 1) || '1', '' order by pos), ${chunkBits}, '0')::bit(${chunkBits}) as bits
    from (
      select t.merchant_id, t.month, s.side, j.plane, t.ordinal / ${chunkBits} as chunk, t.ordinal % ${chunkBits} as pos,
             coalesce(lag(t.ordinal % ${chunkBits}) over (
               partition by t.merchant_id, t.month, s.side, j.plane, t.ordinal / ${chunkBits} order by t.ordinal), -1) as prev
      from (${totals}) t
      cross join lateral (values (0, t.gross::bigint), (1, t.refunds::bigint)) as s(side, amount)
      -- planes 0 … ⌊log2 amount⌋ (+1: a float log a hair low at a power of two; the filter drops extras)
      cross join lateral generate_series(0, case when s.amount > 0 then floor(ln(s.amount::float8) / ln(2::float8))::int + 1 else -1 end) as j(plane)
      where (s.amount >> j.plane) & 1 = 1
    ) p
    group by 1, 2, 3, 4, 5`;
}

/** Sets the plane bits of `totals` (see {@link planeBitmaps}) over whatever is stored (bits unite). */
async function setPlaneBits(tx: Executor, totals: SQL): Promise<void> {
  await tx.execute(sql`
    insert into merchant_month_amount_planes as p (merchant_id, month, side, plane, chunk, bits)
    select merchant_id, month, side, plane, chunk, bits from (${planeBitmaps(totals)}) x
    order by 1, 2, 3, 4, 5
    on conflict (merchant_id, month, side, plane, chunk) do update set bits = p.bits | excluded.bits`);
}

/**
 * The month planes' delta of one ingest batch (lib/rollups/delta.ts), after
 * merchant_customer_daily and merchant_customers took in the batch: for every (merchant, customer,
 * month) the batch touches, the month totals are re-read from merchant_customer_daily, the
 * customer's bits cleared in every plane of the month and set from the new totals. Cost: the
 * touched customers' rows of the touched months, and the touched months' planes rewritten once.
 *
 * @param tx the merge transaction, `rollup_batch` still filled
 */
export async function updateMonthPlanes(tx: Executor): Promise<void> {
  await tx.execute(sql`
    create temporary table if not exists rollup_plane_months (
      merchant_id integer not null, month date not null, customer_id bigint not null, ordinal integer not null,
      gross bigint not null, refunds bigint not null,
      primary key (merchant_id, month, customer_id)
    ) on commit delete rows`);
  await tx.execute(sql`truncate rollup_plane_months`);
  await tx.execute(sql`
    insert into rollup_plane_months
    select t.merchant_id, t.month, t.customer_id, mc.ordinal, sum(d.gross_sales_minor), sum(d.refunds_minor)
    from (
      select distinct merchant_id, customer_id, date_trunc('month', local_date::timestamp)::date as month from rollup_batch
    ) t
    join merchant_customers mc on mc.merchant_id = t.merchant_id and mc.customer_id = t.customer_id
    join merchant_customer_daily d on d.merchant_id = t.merchant_id and d.customer_id = t.customer_id
                                  and d.day >= t.month and d.day < (t.month + interval '1 month')::date
    group by 1, 2, 3, 4`);
  await tx.execute(sql`analyze rollup_plane_months`);
  await tx.execute(sql`
    update merchant_month_amount_planes p set bits = p.bits & ~x.bits
    from (
      select merchant_id, month, ordinal / ${chunkBits} as chunk, bit_or((B'1'::bit(${chunkBits})) >> (ordinal % ${chunkBits})) as bits
      from rollup_plane_months group by 1, 2, 3
    ) x
    where p.merchant_id = x.merchant_id and p.month = x.month and p.chunk = x.chunk`);
  await setPlaneBits(tx, sql`select merchant_id, month, ordinal, gross, refunds from rollup_plane_months`);
  await tx.execute(sql`truncate rollup_plane_months`);
}

/**
 * The full-recompute path (lib/rollups/refresh.ts): rebuilds the planes of every month that holds
 * a touched merchant-day, from merchant_customer_daily (all the merchant's customers of the month).
 *
 * @param tx inside the refresh's transaction, `rollup_touched` filled and merchant_customer_daily /
 *           merchant_customers already refreshed
 */
export async function rebuildMonthPlanesForTouchedDays(tx: Executor): Promise<void> {
  const touchedMonths = sql`select distinct merchant_id, date_trunc('month', day::timestamp)::date as month from rollup_touched`;
  await tx.execute(sql`
    delete from merchant_month_amount_planes p using (${touchedMonths}) t where p.merchant_id = t.merchant_id and p.month = t.month`);
  await setPlaneBits(
    tx,
    sql`
      select d.merchant_id, t.month, mc.ordinal, sum(d.gross_sales_minor) as gross, sum(d.refunds_minor) as refunds
      from (${touchedMonths}) t
      join merchant_customer_daily d on d.merchant_id = t.merchant_id and d.day >= t.month and d.day < (t.month + interval '1 month')::date
      join merchant_customers mc on mc.merchant_id = d.merchant_id and mc.customer_id = d.customer_id
      group by 1, 2, 3`,
  );
}
