import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { suppressSmallCells, type SuppressedRow } from "@/lib/privacy/suppression";
import { ratio, roundHalfUpDiv } from "./math";
import { merchantDays, merchantDaysIn, merchantFilter, merchantMonths } from "./scope";
import { BITMAP_CHUNK_BITS, PLANE_SIDES } from "@/db/schema";
import { assertPeriod, wholeMonthsIn, type Period } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/**
 * The frequency bands, by the number of purchases a customer made in the period: the lower bound
 * of each band, in order; a band runs to the next one's lower bound (the last is open).
 * 1, 2, 3, 4–5, 6–9, 10+ (the usual purchase-frequency distribution of retail analytics, with
 * the repeat buyers split finer where most customers are).
 */
const BAND_LOWER_BOUNDS = [1, 2, 3, 4, 6, 10] as const;

/** A band's label: "1", "2", "3", "4-5", "6-9", "10+". */
type FrequencyBand = "1" | "2" | "3" | "4-5" | "6-9" | "10+";
const BANDS: readonly FrequencyBand[] = ["1", "2", "3", "4-5", "6-9", "10+"];

/** One band's figures. Money in minor units of the merchant's currency. */
interface FrequencyFigures {
  band: FrequencyBand;
  /** Smallest number of purchases in the band. */
  minPurchases: number;
  /** Largest number of purchases in the band; null for the open last band. */
  maxPurchases: number | null;
  /** Customers whose purchases in the period fall in the band. */
  customers: number;
  /** customers / all customers with a purchase in the period. */
  customerShare: number | null;
  /** Their purchases in the period. */
  purchases: number;
  /** Their net revenue in the period (purchases − refunds, both in the period). */
  revenueMinor: number;
  /** revenueMinor / the net revenue of all customers with a purchase in the period; null when that is ≤ 0. */
  revenueShare: number | null;
  /** revenueMinor / customers, rounded half up to a minor unit. */
  revenuePerCustomerMinor: number | null;
}

/** A band as released: labels and bounds stay, figures are null when it has fewer than 5 customers. */
export type FrequencyBandRow = SuppressedRow<FrequencyFigures, "band" | "minPurchases" | "maxPurchases">;

export interface PurchaseFrequency {
  period: Period;
  /** The six bands in order, every band present (an empty band has 0 customers and is suppressed). */
  bands: FrequencyBandRow[];
}

/** One band's aggregate as the query returns it. */
export interface FrequencyAggregateRow {
  /** 0-based index into the bands. */
  band: number;
  customers: number;
  purchases: number;
  net: number;
}

/**
 * The purchase-frequency distribution of the period: the customers who made at least one
 * purchase in [from, to), grouped by how many purchases they made (bands 1, 2, 3, 4–5, 6–9, 10+),
 * with each band's share of those customers and of their net revenue. It answers "how much of
 * my revenue comes from the customers who come back" (the repeat-purchase distribution of
 * Ehrenberg, "Repeat-Buying", 2nd ed. 1988, ch. 2, as a table).
 *
 * A purchase is a purchase transaction (refunds are not purchases); a customer who only refunded
 * in the period is in no band. Net revenue subtracts the refunds of the banded customers in the
 * period. Bands with fewer than 5 customers are suppressed (lib/privacy/suppression).
 *
 * How (docs/adr/0038-purchase-frequency-from-month-planes.md): the period's whole calendar months
 * are read from the month planes (bit-sliced purchases, gross sales and refunds per customer and
 * month; O'Neil & Quass, SIGMOD 1997), added bit-sliced in memory and banded by bit-sliced
 * comparisons ({@link PeriodCustomerTotals}); the days outside whole months (at most two cuts,
 * each under a month) are read per customer. A period without a whole month (under two months)
 * is summed per customer in SQL. The cost follows months × planes × 8,192-customer chunks plus
 * under two months of customer-days, not the period's customer-days.
 *
 * Sources: merchant_month_amount_planes, merchant_customer_daily and merchant_customers (rollups only).
 * @throws Error on a malformed period
 */
export async function getPurchaseFrequency(ctx: AnalyticsContext, period: Period): Promise<PurchaseFrequency> {
  assertPeriod(period);
  const { whole, cuts } = wholeMonthsIn(period);
  if (!whole) {
    // No whole month (a 30-day preset, mostly): under two months of customer-days, summed per
    // customer in SQL, which beats reading planes at that size.
    const rows = await queryRows<FrequencyAggregateRow>(
      ctx.tx,
      sql`
        with per_customer as (
          select d.customer_id, sum(d.purchases)::bigint as purchases, sum(d.gross_sales_minor - d.refunds_minor)::bigint as net
          from merchant_customer_daily d
          where ${merchantDays(ctx, period, "d")}
          group by d.customer_id
          having sum(d.purchases) > 0
        )
        select (width_bucket(purchases, string_to_array(${BAND_LOWER_BOUNDS.join(",")}, ',')::bigint[]) - 1)::int as band,
               count(*)::bigint as customers, sum(purchases)::bigint as purchases, sum(net)::bigint as net
        from per_customer
        group by 1
        order by 1`,
    );
    return { period, bands: buildFrequencyBands(rows) };
  }
  const totals = new PeriodCustomerTotals();
  const planes = await queryRows<{ side: number; plane: number; chunk: number; hex: string }>(
    ctx.tx,
    // The chunk's bytes without varbit_send's 4-byte length and without trailing zero bytes (the
    // ordinals above a merchant's customers), as hex text: PGlite parses a bytea result about 5×
    // slower than Node decodes the same bytes from hex (22 vs 4 ms for 550 planes).
    sql`select p.side, p.plane, p.chunk, encode(rtrim(substring(varbit_send(p.bits) from 5), decode('00', 'hex')), 'hex') as hex
        from merchant_month_amount_planes p
        where ${merchantMonths(ctx, whole, "p")}`,
  );
  for (const p of planes) totals.addPlane(Number(p.side), Number(p.plane), Number(p.chunk), Buffer.from(p.hex, "hex"));
  if (cuts.length > 0) {
    const rows = await queryRows<{ ordinal: number; purchases: number; net: number }>(
      ctx.tx,
      sql`select mc.ordinal, sum(d.purchases)::bigint as purchases, sum(d.gross_sales_minor - d.refunds_minor)::bigint as net
          from merchant_customer_daily d
          join merchant_customers mc on ${merchantFilter(ctx, "mc")} and mc.customer_id = d.customer_id
          where ${merchantDaysIn(ctx, cuts, "d")}
          group by mc.ordinal`,
    );
    for (const r of rows) totals.addCustomer(Number(r.ordinal), Number(r.purchases), Number(r.net));
  }
  return { period, bands: buildFrequencyBands(totals.bandRows()) };
}

const CHUNK_BYTES = BITMAP_CHUNK_BITS / 8;
const CHUNK_WORDS = BITMAP_CHUNK_BITS / 32;

/** Set bits of a 32-bit word (SWAR popcount, Hacker's Delight 5-1). */
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * A bit-sliced number per customer of one chunk (O'Neil & Quass 1997): plane j holds bit j of every
 * customer's value, as 32-bit words over the chunk's bytes (a customer is the same bit of every
 * plane, so word-wise AND, XOR and popcount work whatever the byte order).
 */
class SlicedSum {
  readonly planes: Uint32Array[] = [];

  private plane(j: number): Uint32Array {
    while (this.planes.length <= j) this.planes.push(new Uint32Array(CHUNK_WORDS));
    return this.planes[j];
  }

  /** Adds 2^j to every customer whose bit is set in `words` (ripple carry; `words` is consumed). */
  addPlane(j: number, words: Uint32Array): void {
    for (let k = j, carry = words; ; k++) {
      const a = this.plane(k);
      let any = 0;
      for (let i = 0; i < CHUNK_WORDS; i++) {
        const c = a[i] & carry[i];
        a[i] ^= carry[i];
        carry[i] = c;
        any |= c;
      }
      if (any === 0) return;
    }
  }

  /** The customers whose value is ≥ `bound` (a positive integer), as words (bit-sliced comparison, MSB first). */
  atLeast(bound: number): Uint32Array {
    const top = Math.max(this.planes.length, Math.floor(Math.log2(bound)) + 1);
    const gt = new Uint32Array(CHUNK_WORDS);
    const eq = new Uint32Array(CHUNK_WORDS).fill(0xffffffff);
    for (let j = top - 1; j >= 0; j--) {
      const a = this.planes[j];
      const bitOfBound = Math.floor(bound / 2 ** j) % 2 === 1;
      for (let i = 0; i < CHUNK_WORDS; i++) {
        const x = a ? a[i] : 0;
        if (bitOfBound) eq[i] &= x;
        else {
          gt[i] |= eq[i] & x;
          eq[i] &= ~x;
        }
      }
    }
    for (let i = 0; i < CHUNK_WORDS; i++) gt[i] |= eq[i];
    return gt;
  }

  /** Σ over the customers in `mask` of their values: Σ_j 2^j × popcount(mask & plane_j). */
  sumOver(mask: Uint32Array): number {
    let total = 0;
    for (let j = 0; j < this.planes.length; j++) {
      const a = this.planes[j];
      let n = 0;
      for (let i = 0; i < CHUNK_WORDS; i++) if (mask[i] & a[i]) n += popcount32(mask[i] & a[i]);
      total += n * 2 ** j;
    }
    return total;
  }
}

/** One chunk's bit-sliced purchases, gross sales and refunds, and its customers' figures of the cut days (by position). */
interface ChunkTotals {
  purchases: SlicedSum;
  gross: SlicedSum;
  refunds: SlicedSum;
  cut: Map<number, { purchases: number; net: number }>;
  /** The cut days' purchases have been added to `purchases` (bandRows folds them once). */
  cutFolded: boolean;
}

/**
 * Each customer's purchases and net revenue (minor units) over a period, per 8,192-customer chunk
 * of merchant_customers.ordinal, kept bit-sliced: the month planes are added word-wise (ripple
 * carry), the cut days' per-customer rows bit by bit, and the bands come from bit-sliced
 * comparisons and popcounts (O'Neil & Quass, "Improved query performance with variant indexes",
 * SIGMOD 1997, §3 bit-sliced sums and range predicates). The work follows months × planes × words
 * of each chunk, not the customers in it. Exact while every sum stays below 2^53.
 */
export class PeriodCustomerTotals {
  private readonly chunks = new Map<number, ChunkTotals>();

  private chunk(index: number): ChunkTotals {
    let c = this.chunks.get(index);
    if (!c) this.chunks.set(index, (c = { purchases: new SlicedSum(), gross: new SlicedSum(), refunds: new SlicedSum(), cut: new Map(), cutFolded: false }));
    return c;
  }

  /**
   * Adds one month plane: 2^plane to the side's sum (PLANE_SIDES: purchases, gross sales,
   * refunds) of every customer whose bit is set.
   * @param bytes the chunk's bits as bytes, position 0 in the first byte's high bit (PostgreSQL's
   *   `bit(8192)` order), trailing zero bytes optionally left out
   * @throws Error for an unknown side or more than BITMAP_CHUNK_BITS / 8 bytes
   */
  addPlane(side: number, plane: number, chunk: number, bytes: Uint8Array): void {
    if (bytes.length > CHUNK_BYTES) throw new Error(`PeriodCustomerTotals: a plane chunk of ${bytes.length} bytes, at most ${CHUNK_BYTES} expected`);
    const c = this.chunk(chunk);
    const sum = side === PLANE_SIDES.purchases ? c.purchases : side === PLANE_SIDES.gross ? c.gross : side === PLANE_SIDES.refunds ? c.refunds : null;
    if (!sum) throw new Error(`PeriodCustomerTotals: unknown plane side ${side}`);
    const words = new Uint32Array(CHUNK_WORDS);
    new Uint8Array(words.buffer).set(bytes);
    sum.addPlane(plane, words);
  }

  /**
   * Adds one customer's purchases (a non-negative integer) and net revenue (minor units, may be
   * negative) of some days.
   * @throws Error for a negative or fractional purchase count
   */
  addCustomer(ordinal: number, purchases: number, net: number): void {
    if (!Number.isSafeInteger(purchases) || purchases < 0) throw new Error(`PeriodCustomerTotals: purchases ${purchases} is not a non-negative integer`);
    const c = this.chunk(Math.floor(ordinal / BITMAP_CHUNK_BITS));
    if (c.cutFolded) throw new Error("PeriodCustomerTotals: addCustomer after bandRows");
    const pos = ordinal % BITMAP_CHUNK_BITS;
    const held = c.cut.get(pos);
    if (held) {
      held.purchases += purchases;
      held.net += net;
    } else c.cut.set(pos, { purchases, net });
  }

  /** The bands' aggregates (customers with at least one purchase only), as {@link buildFrequencyBands} takes them. */
  bandRows(): FrequencyAggregateRow[] {
    const rows = BAND_LOWER_BOUNDS.map((_, band) => ({ band, customers: 0, purchases: 0, net: 0 }));
    for (const c of this.chunks.values()) {
      // The cut days' purchases join the sum as planes of their own (bit j of each customer's count).
      for (let j = 0, rest = c.cutFolded ? [] : [...c.cut]; rest.length > 0; j++) {
        const words = new Uint32Array(CHUNK_WORDS);
        const bytes = new Uint8Array(words.buffer);
        for (const [pos, f] of rest) if (Math.floor(f.purchases / 2 ** j) % 2 === 1) bytes[pos >> 3] |= 0x80 >> (pos & 7);
        c.purchases.addPlane(j, words);
        rest = rest.filter(([, f]) => f.purchases >= 2 ** (j + 1));
      }
      c.cutFolded = true;
      const atLeast = BAND_LOWER_BOUNDS.map((bound) => c.purchases.atLeast(bound));
      atLeast.forEach((from, band) => {
        const next = atLeast[band + 1];
        const mask = next ? from.map((w, i) => w & ~next[i]) : from;
        const bytes = new Uint8Array(mask.buffer);
        let customers = 0;
        for (let i = 0; i < CHUNK_WORDS; i++) if (mask[i]) customers += popcount32(mask[i]);
        if (customers === 0) return;
        let cutNet = 0;
        for (const [pos, f] of c.cut) if (bytes[pos >> 3] & (0x80 >> (pos & 7))) cutNet += f.net;
        const row = rows[band];
        row.customers += customers;
        row.purchases += c.purchases.sumOver(mask);
        row.net += c.gross.sumOver(mask) - c.refunds.sumOver(mask) + cutNet;
      });
    }
    return rows.filter((r) => r.customers > 0);
  }
}

/**
 * Fills the six bands from the query's aggregates, computes the shares and suppresses bands under
 * 5 customers (pure; exported for unit tests).
 * @throws Error when a row names a band outside 0..5
 */
export function buildFrequencyBands(rows: readonly FrequencyAggregateRow[]): FrequencyBandRow[] {
  const byBand = new Map<number, FrequencyAggregateRow>();
  for (const row of rows) {
    if (!Number.isInteger(row.band) || row.band < 0 || row.band >= BANDS.length) {
      throw new Error(`buildFrequencyBands: band index ${row.band} outside 0..${BANDS.length - 1}`);
    }
    byBand.set(row.band, row);
  }
  let allCustomers = 0;
  let allNet = 0;
  for (const row of byBand.values()) {
    allCustomers += Number(row.customers);
    allNet += Number(row.net);
  }
  const figures: FrequencyFigures[] = BANDS.map((band, i) => {
    const row = byBand.get(i);
    const customers = row ? Number(row.customers) : 0;
    const revenueMinor = row ? Number(row.net) : 0;
    const next = BAND_LOWER_BOUNDS[i + 1];
    return {
      band,
      minPurchases: BAND_LOWER_BOUNDS[i],
      maxPurchases: next === undefined ? null : next - 1,
      customers,
      customerShare: allCustomers > 0 ? customers / allCustomers : null,
      purchases: row ? Number(row.purchases) : 0,
      revenueMinor,
      revenueShare: allNet > 0 ? ratio(revenueMinor, allNet) : null,
      revenuePerCustomerMinor: customers > 0 ? roundHalfUpDiv(revenueMinor, customers) : null,
    };
  });
  return suppressSmallCells(figures, ["band", "minPurchases", "maxPurchases"]);
}
