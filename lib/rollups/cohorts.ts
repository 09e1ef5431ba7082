import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { BITMAP_CHUNK_BITS } from "@/db/schema";

/*
 * The cohort rollups (merchant_cohort_bitmaps, merchant_cohort_daily; docs/adr/0020-cohort-rollups.md).
 * A member's contribution to merchant_cohort_daily, from its merchant_customer_daily rows and its
 * first purchase day f: rows on or after f under their own day, rows of f's month before f under
 * f, rows before f's month nowhere. So the per-customer query's figures (members with f < to,
 * rows of months ≥ the cohort month, days < to) are sums over this table's days < to.
 */

const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));

/**
 * Chunk bitmaps from `positions`, a subquery yielding `(merchant_id, key, chunk, pos)` with pos in
 * [0, BITMAP_CHUNK_BITS): one row per (merchant_id, key, chunk) with `bits`, bit pos set (bit 0
 * leftmost), as ADR 0002 builds them: bit_or(B'1'::bit(n) >> pos). (Building the chunk as text,
 * a run of zeros and a one per position cast once, profiled 2.4x slower in the ingest.)
 */
export function chunkBitmaps(positions: SQL): SQL {
  return sql`
    select merchant_id, key, chunk, bit_or((B'1'::bit(${chunkBits})) >> pos) as bits
    from (${positions}) p
    group by merchant_id, key, chunk`;
}

/**
 * Contributions to merchant_cohort_daily of the customers in `members` (a subquery of distinct
 * `(merchant_id, customer_id, first_day)`, first_day not null), from their current
 * merchant_customer_daily rows, multiplied by `sign` (1 adds them, -1 takes them out).
 */
function memberContributions(members: SQL, sign: 1 | -1): SQL {
  return sql`
    select d.merchant_id, date_trunc('month', m.first_day::timestamp)::date as cohort, greatest(d.day, m.first_day) as day,
           ${sql.raw(String(sign))} * sum(d.gross_sales_minor - d.refunds_minor) as net
    from (${members}) m
    join merchant_customer_daily d on d.merchant_id = m.merchant_id and d.customer_id = m.customer_id
                                  and d.day >= date_trunc('month', m.first_day::timestamp)::date
    group by 1, 2, 3`;
}

/** Upserts `(merchant_id, cohort, day, net)` rows into merchant_cohort_daily (nets add). */
async function addCohortNets(tx: Executor, rows: SQL): Promise<void> {
  await tx.execute(sql`
    insert into merchant_cohort_daily as t (merchant_id, cohort, day, net_minor)
    select merchant_id, cohort, day, sum(net) from (${rows}) r group by 1, 2, 3
    order by 1, 2, 3
    on conflict (merchant_id, cohort, day) do update set net_minor = t.net_minor + excluded.net_minor`);
}

/**
 * First half of the cohort rollups' delta, before merchant_customer_daily and merchant_customers
 * take in the batch: finds the customers whose first purchase day the batch moves (new
 * customers, refund-only customers' first purchase, or an earlier purchase from a late file)
 * into `rollup_cohort_moves`, and takes the old contribution of those that had one out of both
 * cohort tables.
 *
 * @param tx inside the merge transaction, with `rollup_batch_customers` filled (lib/rollups/delta.ts)
 */
export async function takeOutMovedCohortMembers(tx: Executor): Promise<void> {
  await tx.execute(sql`
    create temporary table if not exists rollup_cohort_moves (
      merchant_id integer not null, customer_id bigint not null, old_first date, new_first date not null, known boolean not null,
      -- the key makes the anti-join probes of addBatchToCohorts index lookups: for a merchant the
      -- statistics have not seen yet (its first load) the planner expects one batch row and picks
      -- a nested-loop anti-join, which without the key scanned this table once per batch row
      -- (CDNOW after one synthetic merchant: 375 s instead of under 1 s)
      primary key (merchant_id, customer_id)
    ) on commit delete rows`);
  await tx.execute(sql`truncate rollup_cohort_moves`);
  await tx.execute(sql`
    insert into rollup_cohort_moves
    select b.merchant_id, b.customer_id, mc.first_purchase_day, b.first_day, mc.customer_id is not null
    from rollup_batch_customers b
    left join merchant_customers mc on mc.merchant_id = b.merchant_id and mc.customer_id = b.customer_id
    where b.first_day is not null and (mc.first_purchase_day is null or b.first_day < mc.first_purchase_day)`);
  await tx.execute(sql`analyze rollup_cohort_moves`);
  await addCohortNets(
    tx,
    memberContributions(sql`select merchant_id, customer_id, old_first as first_day from rollup_cohort_moves where old_first is not null`, -1),
  );
  await tx.execute(sql`
    update merchant_cohort_bitmaps b set bits = b.bits & ~x.bits
    from (${chunkBitmaps(sql`
      select mv.merchant_id, date_trunc('month', mv.old_first::timestamp)::date as key,
             mc.ordinal / ${chunkBits} as chunk, mc.ordinal % ${chunkBits} as pos
      from rollup_cohort_moves mv
      join merchant_customers mc on mc.merchant_id = mv.merchant_id and mc.customer_id = mv.customer_id
      where mv.old_first is not null`)}) x
    where b.merchant_id = x.merchant_id and b.cohort = x.key and b.chunk = x.chunk`);
}

/**
 * Second half, after merchant_customer_daily and merchant_customers took in the batch: moved
 * customers the merchant knew before (refunds only, or a later first purchase) join their new
 * cohort with their whole contribution (read from their rows); for every other customer with a
 * first purchase (new to the merchant: the batch holds all its rows) the batch's rows are added
 * under its cohort.
 *
 * @param tx the same merge transaction, `rollup_batch` and `rollup_cohort_moves` still filled
 */
export async function addBatchToCohorts(tx: Executor): Promise<void> {
  await addCohortNets(
    tx,
    sql`
      ${memberContributions(sql`select merchant_id, customer_id, new_first as first_day from rollup_cohort_moves where known`, 1)}
      union all
      select b.merchant_id, date_trunc('month', mc.first_purchase_day::timestamp)::date, greatest(b.local_date, mc.first_purchase_day),
             sum(b.amount_minor)
      from rollup_batch b
      join merchant_customers mc on mc.merchant_id = b.merchant_id and mc.customer_id = b.customer_id
      -- an anti-join, not a correlated NOT EXISTS: Citus plans no correlated subquery over a
      -- temporary table (docs/adr/0021-citus.md); PostgreSQL plans both as the same anti-join
      left join rollup_cohort_moves mv on mv.merchant_id = b.merchant_id and mv.customer_id = b.customer_id and mv.known
      where mv.customer_id is null
        and mc.first_purchase_day is not null and b.local_date >= date_trunc('month', mc.first_purchase_day::timestamp)::date
      group by 1, 2, 3`,
  );
  await tx.execute(sql`
    insert into merchant_cohort_bitmaps as b (merchant_id, cohort, chunk, bits)
    select merchant_id, key, chunk, bits from (${chunkBitmaps(sql`
      select mv.merchant_id, date_trunc('month', mv.new_first::timestamp)::date as key,
             mc.ordinal / ${chunkBits} as chunk, mc.ordinal % ${chunkBits} as pos
      from rollup_cohort_moves mv
      join merchant_customers mc on mc.merchant_id = mv.merchant_id and mc.customer_id = mv.customer_id`)}) x
    order by 1, 2, 3
    on conflict (merchant_id, cohort, chunk) do update set bits = b.bits | excluded.bits`);
  await tx.execute(sql`truncate rollup_cohort_moves`);
}

/**
 * Rebuilds both cohort tables of the merchants `merchantIds` selects from merchant_customers and
 * merchant_customer_daily (the full-recompute path, lib/rollups/refresh.ts; cost: the merchants'
 * whole customer-day history).
 */
export async function rebuildCohorts(tx: Executor, merchantIds: SQL): Promise<void> {
  await tx.execute(sql`delete from merchant_cohort_daily where merchant_id in (${merchantIds})`);
  await tx.execute(sql`delete from merchant_cohort_bitmaps where merchant_id in (${merchantIds})`);
  const members = sql`
    select merchant_id, customer_id, first_purchase_day as first_day from merchant_customers
    where merchant_id in (${merchantIds}) and first_purchase_day is not null`;
  await addCohortNets(tx, memberContributions(members, 1));
  await tx.execute(sql`
    insert into merchant_cohort_bitmaps (merchant_id, cohort, chunk, bits)
    select merchant_id, key, chunk, bits from (${chunkBitmaps(sql`
      select merchant_id, date_trunc('month', first_purchase_day::timestamp)::date as key,
             ordinal / ${chunkBits} as chunk, ordinal % ${chunkBits} as pos
      from merchant_customers
      where merchant_id in (${merchantIds}) and first_purchase_day is not null`)}) x`);
}
