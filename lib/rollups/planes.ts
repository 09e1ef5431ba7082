import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "@/db/client";
import { BITMAP_CHUNK_BITS, PLANE_SIDES, type PlaneSide } from "@/db/schema";
import { TOUCHED_MONTHS } from "./touched";

/*
 * The month amount planes (merchant_month_amount_planes, docs/adr/0029-segment-rollups.md): each
 * customer's gross sales, refunds and purchases (a count, ADR 0038) per calendar month, bit-sliced
 * over its ordinal. A plane is a
 * function of the customer's whole month total, not additive: the delta recomputes the month
 * totals of the customers a batch touches (from merchant_customer_daily, already updated), clears
 * their bits in every plane of those months and sets the bits of the new totals.
 */

const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));

/**
 * Plane bitmaps from `totals`, a subquery of distinct `(merchant_id, month, ordinal, gross, refunds,
 * purchases)` (all non-negative): one row per (merchant_id, month, side, plane, chunk) with a set bit.
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
      cross join lateral (values (0, t.gross::bigint), (1, t.refunds::bigint), (2, t.purchases::bigint)) as s(side, amount)
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
 * customer's bits cleared in every plane of the month and set from the new totals. The totals
 * come to Node, which builds the touched months' masks and the new plane chunks
 * ({@link planeBitmapsOf}) and sends them back as hex (ADR 0031). Cost: the touched customers'
 * rows of the touched months, and the touched months' planes rewritten once.
 *
 * @param tx the merge transaction, `rollup_batch` still filled
 */
export async function updateMonthPlanes(tx: Executor): Promise<void> {
  // The bits are set in Node (planeBitmapsOf) and sent as hex: in SQL the build was a window sort
  // of every set bit and a text of 8,192 characters per plane (ADR 0031).
  const totals = (
    await queryRows<{ merchant_id: number; month: string; ordinal: number; gross: number; refunds: number; purchases: number }>(
      tx,
      sql`
        select t.merchant_id, t.month, mc.ordinal, sum(d.gross_sales_minor)::bigint as gross, sum(d.refunds_minor)::bigint as refunds,
               sum(d.purchases)::bigint as purchases
        from (
          select distinct merchant_id, customer_id, date_trunc('month', local_date::timestamp)::date as month from rollup_batch
        ) t
        join merchant_customers mc on mc.merchant_id = t.merchant_id and mc.customer_id = t.customer_id
        join merchant_customer_daily d on d.merchant_id = t.merchant_id and d.customer_id = t.customer_id
                                      and d.day >= t.month and d.day < (t.month + interval '1 month')::date
        group by t.merchant_id, t.month, t.customer_id, mc.ordinal`,
    )
  ).map((r) => ({
    merchantId: r.merchant_id,
    month: r.month,
    ordinal: r.ordinal,
    gross: Number(r.gross),
    refunds: Number(r.refunds),
    purchases: Number(r.purchases),
  }));
  if (totals.length === 0) return;
  // The touched customers' bits leave every plane of their months, then their new totals' bits are set.
  for (const rows of batchesOf(touchedMasksOf(totals), HEX_ROWS_PER_STATEMENT)) {
    await tx.execute(sql`
      update merchant_month_amount_planes p set bits = p.bits & ~x.bits
      from (${hexBitmapRows(rows, false)}) x
      where p.merchant_id = x.merchant_id and p.month = x.month and p.chunk = x.chunk`);
  }
  for (const rows of batchesOf(planeBitmapsOf(totals), HEX_ROWS_PER_STATEMENT)) {
    await tx.execute(sql`
      insert into merchant_month_amount_planes as p (merchant_id, month, side, plane, chunk, bits)
      select merchant_id, month, side, plane, chunk, bits from (${hexBitmapRows(rows, true)}) x
      order by 1, 2, 3, 4, 5
      on conflict (merchant_id, month, side, plane, chunk) do update set bits = p.bits | excluded.bits`);
  }
}

/** One customer's totals of one month at one merchant, the input of {@link planeBitmapsOf}. */
export interface CustomerMonthTotal {
  merchantId: number;
  /** First day of the month, 'YYYY-MM-DD'. */
  month: string;
  /** The customer's merchant_customers.ordinal. */
  ordinal: number;
  /** Gross sales and refunds of the month, non-negative integer minor units (< 2^53). */
  gross: number;
  refunds: number;
  /** Purchases (purchase transactions) of the month, a non-negative integer. */
  purchases: number;
}

/**
 * A bitmap chunk built in Node: `bytes[k]` holds the positions 8k … 8k + 7 of the chunk, the
 * first in the high bit (PostgreSQL's bit(n) reads left to right, `B'1' >> pos` sets position pos).
 */
export interface BitmapChunk {
  merchantId: number;
  month: string;
  /** 0 gross, 1 refunds, 2 purchases (PLANE_SIDES); absent for a month's touched-customer mask. */
  side?: PlaneSide;
  plane?: number;
  chunk: number;
  bytes: Uint8Array;
}

const CHUNK_BYTES = BITMAP_CHUNK_BITS / 8;
/** Rows per statement when bitmaps travel as hex parameters: at most ~4 MB of text each. */
const HEX_ROWS_PER_STATEMENT = 2000;

function setBit(bytes: Uint8Array, pos: number): void {
  bytes[pos >> 3] |= 0x80 >> (pos & 7);
}

interface ChunkGroup {
  merchantId: number;
  month: string;
  /** (side × 64 + plane) × 2^20 + chunk -> chunk: numeric keys in key order. */
  chunks: Map<number, BitmapChunk>;
}

/** Groups bits by (merchant, month), then (side, plane, chunk), creating each chunk on its first bit. */
class ChunkMap {
  private readonly groups = new Map<string, ChunkGroup>();
  group(merchantId: number, month: string): ChunkGroup {
    const key = `${merchantId}|${month}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { merchantId, month, chunks: new Map() }));
    return g;
  }
  set(g: ChunkGroup, side: PlaneSide | undefined, plane: number | undefined, ordinal: number): void {
    const chunk = Math.floor(ordinal / BITMAP_CHUNK_BITS);
    const key = ((side ?? 0) * 64 + (plane ?? 0)) * 2 ** 20 + chunk;
    let c = g.chunks.get(key);
    if (!c) g.chunks.set(key, (c = { merchantId: g.merchantId, month: g.month, side, plane, chunk, bytes: new Uint8Array(CHUNK_BYTES) }));
    setBit(c.bytes, ordinal % BITMAP_CHUNK_BITS);
  }
  /** Every chunk in key order (merchant, month, side, plane, chunk). */
  sorted(): BitmapChunk[] {
    const groups = [...this.groups.values()].sort(
      (a, b) => a.merchantId - b.merchantId || (a.month < b.month ? -1 : a.month > b.month ? 1 : 0),
    );
    return groups.flatMap((g) => [...g.chunks].sort((x, y) => x[0] - y[0]).map(([, c]) => c));
  }
}

/**
 * The bit-sliced index (ADR 0029) of `totals`: for every (merchant, month, side, plane j, chunk)
 * holding a set bit, the chunk with bit `ordinal mod 8192` set for each customer whose total has
 * bit j set. Equal to the SQL build of the full-recompute path (planeBitmaps), which the delta
 * test compares it with.
 *
 * @returns the chunks in key order (merchant, month, side, plane, chunk)
 * @throws Error for a total that is negative, fractional or not below 2^53
 */
export function planeBitmapsOf(totals: Iterable<CustomerMonthTotal>): BitmapChunk[] {
  const out = new ChunkMap();
  for (const t of totals) {
    const g = out.group(t.merchantId, t.month);
    for (const side of [PLANE_SIDES.gross, PLANE_SIDES.refunds, PLANE_SIDES.purchases]) {
      let amount = side === PLANE_SIDES.gross ? t.gross : side === PLANE_SIDES.refunds ? t.refunds : t.purchases;
      if (!Number.isSafeInteger(amount) || amount < 0) {
        throw new Error(`planeBitmapsOf: month total ${amount} is not a non-negative safe integer`);
      }
      for (let plane = 0; amount > 0; plane++, amount = Math.floor(amount / 2)) {
        if (amount % 2 === 1) out.set(g, side, plane, t.ordinal);
      }
    }
  }
  return out.sorted();
}

/** Per (merchant, month, chunk), the bits of the customers in `totals` (whose plane bits are redone). */
function touchedMasksOf(totals: Iterable<CustomerMonthTotal>): BitmapChunk[] {
  const out = new ChunkMap();
  for (const t of totals) out.set(out.group(t.merchantId, t.month), undefined, undefined, t.ordinal);
  return out.sorted();
}

function* batchesOf<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Bitmap chunks as a subquery `(merchant_id, month, [side, plane,] chunk, bits)`: each chunk
 * travels as hex without its trailing zero bytes (a sparse chunk is short) inside one text
 * parameter per column, and is padded back to bit(8192) by PostgreSQL's bit input ('x' + hex).
 */
function hexBitmapRows(rows: readonly BitmapChunk[], withPlane: boolean): SQL {
  const hex = rows.map((r) => {
    let end = r.bytes.length;
    while (end > 0 && r.bytes[end - 1] === 0) end--;
    return Buffer.from(r.bytes.buffer, r.bytes.byteOffset, end).toString("hex");
  });
  const list = (values: ReadonlyArray<string | number>, type: string) =>
    sql`string_to_array(${values.join(",")}, ',')::${sql.raw(type)}[]`;
  const columns = [
    list(rows.map((r) => r.merchantId), "integer"),
    list(rows.map((r) => r.month), "date"),
    ...(withPlane ? [list(rows.map((r) => r.side!), "smallint"), list(rows.map((r) => r.plane!), "smallint")] : []),
    list(rows.map((r) => r.chunk), "integer"),
    list(hex, "text"),
  ];
  const names = withPlane ? sql`merchant_id, month, side, plane, chunk, hex` : sql`merchant_id, month, chunk, hex`;
  const kept = withPlane ? sql`merchant_id, month, side, plane, chunk` : sql`merchant_id, month, chunk`;
  return sql`
    select ${kept}, ('x' || rpad(hex, ${sql.raw(String(CHUNK_BYTES * 2))}, '0'))::bit(${chunkBits}) as bits
    from unnest(${sql.join(columns, sql`, `)}) as h(${names})`;
}

/**
 * The full-recompute path (lib/rollups/refresh.ts): rebuilds the planes of every month that holds
 * a touched merchant-day, from merchant_customer_daily (all the merchant's customers of the month).
 *
 * @param tx inside the refresh's transaction, `rollup_touched` filled and merchant_customer_daily /
 *           merchant_customers already refreshed
 */
export async function rebuildMonthPlanesForTouchedDays(tx: Executor): Promise<void> {
  await tx.execute(sql`
    delete from merchant_month_amount_planes p using (${TOUCHED_MONTHS}) t where p.merchant_id = t.merchant_id and p.month = t.month`);
  await setPlaneBits(
    tx,
    sql`
      select d.merchant_id, t.month, mc.ordinal, sum(d.gross_sales_minor) as gross, sum(d.refunds_minor) as refunds,
             sum(d.purchases) as purchases
      from (${TOUCHED_MONTHS}) t
      join merchant_customer_daily d on d.merchant_id = t.merchant_id and d.day >= t.month and d.day < (t.month + interval '1 month')::date
      join merchant_customers mc on mc.merchant_id = d.merchant_id and mc.customer_id = d.customer_id
      group by 1, 2, 3`,
  );
}
