import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { BITMAP_CHUNK_BITS, SEGMENT_STORED_DIMENSIONS, segmentStoredValues } from "@/db/schema";
import { TOUCHED_MONTHS } from "./touched";

/*
 * The segment rollups (merchant_segment_monthly, merchant_segment_bitmaps;
 * docs/adr/0029-segment-rollups.md, month grain since docs/adr/0040-segment-sums-by-month.md).
 * Every customer belongs to exactly one value per stored dimension, the value of its
 * merchant_customers snapshot; its merchant_customer_daily rows are summed by calendar month
 * under that value and its ordinal is a member bit of it. The snapshot changes only
 * through a customers file (refreshCustomerSnapshots), which moves the customer's whole history
 * from the old value to the new one ({@link moveSegmentMembers}).
 */

const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));

/** `(values ('gender', <value>), …) as sv(dimension, value)` over the alias `mc`, for a lateral join. */
function segmentValuesOfMc(): SQL {
  const values = segmentStoredValues("mc");
  const rows = SEGMENT_STORED_DIMENSIONS.map((d) => sql`(${sql.raw(`'${d}'`)}, ${values[d]})`);
  return sql`(values ${sql.join(rows, sql`, `)}) as sv(dimension, value)`;
}

/**
 * Upserts `(merchant_id, month, dimension, value, purchases, gross, refunds, refunds_minor)` rows
 * (month: the first day of a calendar month) into merchant_segment_monthly: figures add, in key order.
 */
async function addSegmentSums(tx: Executor, rows: SQL): Promise<void> {
  await tx.execute(sql`
    insert into merchant_segment_monthly as t (merchant_id, month, dimension, value, purchases, gross_sales_minor, refunds, refunds_minor)
    select merchant_id, month, dimension, value, sum(purchases), sum(gross), sum(refunds), sum(refunds_minor)
    from (${rows}) r
    group by 1, 2, 3, 4
    order by 1, 2, 3, 4
    on conflict (merchant_id, month, dimension, value) do update
      set purchases = t.purchases + excluded.purchases,
          gross_sales_minor = t.gross_sales_minor + excluded.gross_sales_minor,
          refunds = t.refunds + excluded.refunds,
          refunds_minor = t.refunds_minor + excluded.refunds_minor`);
}

/**
 * Member bitmaps from `positions`, a subquery of `(merchant_id, dimension, value, ordinal)`: one row
 * per (merchant, dimension, value, chunk), bit (ordinal mod 8192) set, as ADR 0002 builds them.
 */
function memberBitmaps(positions: SQL): SQL {
  return sql`
    select merchant_id, dimension, value, ordinal / ${chunkBits} as chunk,
           bit_or((B'1'::bit(${chunkBits})) >> (ordinal % ${chunkBits})) as bits
    from (${positions}) p
    group by 1, 2, 3, 4`;
}

/** Sets the member bits of `positions` (see {@link memberBitmaps}); idempotent. */
async function setMemberBits(tx: Executor, positions: SQL): Promise<void> {
  await tx.execute(sql`
    insert into merchant_segment_bitmaps as s (merchant_id, dimension, value, chunk, bits)
    select merchant_id, dimension, value, chunk, bits from (${memberBitmaps(positions)}) x
    order by 1, 2, 3, 4
    on conflict (merchant_id, dimension, value, chunk) do update set bits = s.bits | excluded.bits`);
}

/**
 * The segment rollups' delta of one ingest batch (lib/rollups/delta.ts), after merchant_customers
 * took in the batch (every batch customer has its snapshot there): the batch's rows are added
 * to their month under each customer's current values, and each batch customer's ordinal is set
 * as a member of its values (a no-op for members already set). Cost: the batch's customer-months
 * × 7 dimensions.
 *
 * @param tx the merge transaction, with `rollup_batch` and `rollup_batch_customers` filled
 */
export async function addBatchToSegments(tx: Executor): Promise<void> {
  await addSegmentSums(
    tx,
    sql`
      select b.merchant_id, b.month, sv.dimension, sv.value, b.purchases, b.gross, b.refunds, b.refunds_minor
      from (
        -- int counts: their sums keep a plain int8 state instead of a 128-bit one per group
        select merchant_id, customer_id, date_trunc('month', local_date::timestamp)::date as month,
               (count(*) filter (where kind = 'purchase'))::int as purchases,
               coalesce(sum(amount_minor) filter (where kind = 'purchase'), 0) as gross,
               (count(*) filter (where kind = 'refund'))::int as refunds,
               coalesce(-sum(amount_minor) filter (where kind = 'refund'), 0) as refunds_minor
        from rollup_batch
        group by 1, 2, 3
      ) b
      join merchant_customers mc on mc.merchant_id = b.merchant_id and mc.customer_id = b.customer_id
      cross join lateral ${segmentValuesOfMc()}`,
  );
  await setMemberBits(
    tx,
    sql`
      select mc.merchant_id, sv.dimension, sv.value, mc.ordinal
      from rollup_batch_customers b
      join merchant_customers mc on mc.merchant_id = b.merchant_id and mc.customer_id = b.customer_id
      cross join lateral ${segmentValuesOfMc()}`,
  );
}

/**
 * Moves customers whose bank attributes change between segment values, before their
 * merchant_customers snapshots are overwritten (lib/rollups/refresh.ts refreshCustomerSnapshots):
 * for every merchant they shop at and every stored dimension whose value changes, their whole
 * merchant_customer_daily history is subtracted from the old value's monthly sums and added to
 * the new value's, and their member bit moves from the old value's bitmap to the new one's (ADR
 * 0020's "move"). Cost: the moved customers' history, once.
 *
 * @param tx          the customers load's transaction; `customers` already holds the new values
 * @param customerIds a SQL array expression of the changed `customers.id` values (bigint[])
 */
export async function moveSegmentMembers(tx: Executor, customerIds: SQL): Promise<void> {
  const before = segmentStoredValues("mc");
  const after = segmentStoredValues("c");
  const pairs = SEGMENT_STORED_DIMENSIONS.map((d) => sql`(${sql.raw(`'${d}'`)}, ${before[d]}, ${after[d]})`);
  await tx.execute(sql`
    create temporary table if not exists rollup_segment_moves (
      merchant_id integer not null, customer_id bigint not null, ordinal integer not null,
      dimension text not null, old_value text not null, new_value text not null,
      primary key (merchant_id, customer_id, dimension)
    ) on commit delete rows`);
  await tx.execute(sql`truncate rollup_segment_moves`);
  await tx.execute(sql`
    insert into rollup_segment_moves
    select mc.merchant_id, mc.customer_id, mc.ordinal, mv.dimension, mv.old_value, mv.new_value
    from merchant_customers mc
    join customers c on c.id = mc.customer_id
    cross join lateral (values ${sql.join(pairs, sql`, `)}) as mv(dimension, old_value, new_value)
    where c.id = any(${customerIds}) and mv.old_value <> mv.new_value`);
  await tx.execute(sql`analyze rollup_segment_moves`);
  await addSegmentSums(
    tx,
    sql`
      select d.merchant_id, date_trunc('month', d.day::timestamp)::date as month, mv.dimension, v.value,
             v.sign * d.purchases as purchases, v.sign * d.gross_sales_minor as gross,
             v.sign * d.refunds as refunds, v.sign * d.refunds_minor as refunds_minor
      from rollup_segment_moves mv
      join merchant_customer_daily d on d.merchant_id = mv.merchant_id and d.customer_id = mv.customer_id
      cross join lateral (values (mv.old_value, -1), (mv.new_value, 1)) as v(value, sign)`,
  );
  await tx.execute(sql`
    update merchant_segment_bitmaps s set bits = s.bits & ~x.bits
    from (${memberBitmaps(sql`select merchant_id, dimension, old_value as value, ordinal from rollup_segment_moves`)}) x
    where s.merchant_id = x.merchant_id and s.dimension = x.dimension and s.value = x.value and s.chunk = x.chunk`);
  await setMemberBits(tx, sql`select merchant_id, dimension, new_value as value, ordinal from rollup_segment_moves`);
  await tx.execute(sql`truncate rollup_segment_moves`);
}

/**
 * The full-recompute path (lib/rollups/refresh.ts refreshRollupsForDays): rebuilds
 * merchant_segment_monthly for every month holding a touched merchant-day from that month's
 * merchant_customer_daily rows, and the touched merchants' member bitmaps from merchant_customers
 * (all their customers).
 *
 * @param tx inside the refresh's transaction, `rollup_touched` filled and merchant_customer_daily /
 *           merchant_customers already refreshed
 */
export async function rebuildSegmentsForTouchedDays(tx: Executor): Promise<void> {
  await tx.execute(sql`
    delete from merchant_segment_monthly s using (${TOUCHED_MONTHS}) t where s.merchant_id = t.merchant_id and s.month = t.month`);
  await addSegmentSums(
    tx,
    sql`
      select d.merchant_id, t.month, sv.dimension, sv.value, d.purchases, d.gross_sales_minor as gross, d.refunds, d.refunds_minor
      from (${TOUCHED_MONTHS}) t
      join merchant_customer_daily d on d.merchant_id = t.merchant_id and d.day >= t.month and d.day < (t.month + interval '1 month')::date
      join merchant_customers mc on mc.merchant_id = d.merchant_id and mc.customer_id = d.customer_id
      cross join lateral ${segmentValuesOfMc()}`,
  );
  await tx.execute(sql`
    delete from merchant_segment_bitmaps where merchant_id in (select distinct merchant_id from rollup_touched)`);
  await setMemberBits(
    tx,
    sql`
      select mc.merchant_id, sv.dimension, sv.value, mc.ordinal
      from merchant_customers mc
      cross join lateral ${segmentValuesOfMc()}
      where mc.merchant_id in (select distinct merchant_id from rollup_touched)`,
  );
}
