import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/client";
import { segmentStoredValues, type SegmentStoredDimension } from "@/db/schema";
import { suppressSmallCells, type SuppressedRow } from "@/lib/privacy/suppression";
import { roundHalfUpDiv } from "./math";
import { merchantDays, merchantDaysIn, merchantFilter, merchantMonths } from "./scope";
import { addDays, assertPeriod, periodSchema, wholeMonthsIn, type Period } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/** The demographic dimensions a merchant can split its customers by. */
export const SEGMENT_DIMENSIONS = [
  "gender",
  "ageBand",
  "maritalStatus",
  "payroll",
  "corporate",
  "premium",
  "region",
] as const;
const segmentDimensionSchema = z.enum(SEGMENT_DIMENSIONS);
export type SegmentDimension = z.infer<typeof segmentDimensionSchema>;

/** The value every dimension uses for a missing attribute: its own segment, never dropped. */
export const UNKNOWN = "unknown";

const customerSegmentsOptionsSchema = z.object({
  dimensions: z.array(segmentDimensionSchema).min(1).default([...SEGMENT_DIMENSIONS]),
});
export type CustomerSegmentsOptions = z.input<typeof customerSegmentsOptionsSchema>;
/** The API's query: period plus optional dimensions. */
export const customerSegmentsQuerySchema = z.intersection(periodSchema, customerSegmentsOptionsSchema);

/** One value of one dimension, before suppression. Money in minor units. */
interface SegmentFigures {
  value: string;
  /** Distinct customers of the segment with a purchase in the period. */
  customers: number;
  /** Net revenue (purchases − refunds in the period) of the segment's customers. */
  revenueMinor: number;
  purchases: number;
  /** round half up of the segment's gross sales / purchases; null without purchases. */
  averageCheckMinor: number | null;
  /** revenueMinor / the merchant's net revenue of the period; null when that is ≤ 0. */
  revenueShare: number | null;
}
/** A segment row as shown: figures null and `suppressed` when it describes fewer than 5 customers. */
export type SegmentRow = SuppressedRow<SegmentFigures, "value">;

export interface CustomerSegments {
  period: Period;
  /** The merchant's net revenue of the period (every dimension's rows add up to it before suppression). */
  totalRevenueMinor: number;
  dimensions: Partial<Record<SegmentDimension, SegmentRow[]>>;
}

/** The stored dimension (db/schema SEGMENT_STORED_DIMENSIONS) each shown dimension reads. */
const STORED: Record<SegmentDimension, SegmentStoredDimension> = {
  gender: "gender",
  ageBand: "birthYear",
  maritalStatus: "maritalStatus",
  payroll: "payroll",
  corporate: "corporate",
  premium: "premium",
  region: "region",
};

/**
 * The age band of a stored birth year ('1984', or 'unknown') in the year `refYear`: age is the
 * year difference refYear − birth year, banded <18, 18-24, 25-34, 35-44, 45-54, 55-64, 65+
 * (pure; exported for unit tests).
 * @throws Error when `birthYear` is neither 'unknown' nor a 4-digit year
 */
export function ageBandOf(birthYear: string, refYear: number): string {
  if (birthYear === UNKNOWN) return UNKNOWN;
  if (!/^\d{4}$/.test(birthYear)) throw new Error(`ageBandOf: not a birth year: ${birthYear}`);
  return ageBandOfBirthYear(Number(birthYear), refYear);
}

/**
 * The age band of a birth year (null: not known) in the year `refYear`, as ageBandOf; the one
 * banding of the segment pages, the customer windows (lib/analytics/getCustomerWindows.ts) and
 * the segment rollups' readers.
 */
export function ageBandOfBirthYear(birthYear: number | null, refYear: number): string {
  if (birthYear === null) return UNKNOWN;
  const age = refYear - birthYear;
  if (age < 18) return "<18";
  if (age <= 24) return "18-24";
  if (age <= 34) return "25-34";
  if (age <= 44) return "35-44";
  if (age <= 54) return "45-54";
  if (age <= 64) return "55-64";
  return "65+";
}

/** One (dimension, value) aggregate as the query returns it. */
export interface SegmentAggregateRow {
  dimension: SegmentDimension;
  value: string;
  customers: number;
  purchases: number;
  gross: number;
  refunds: number;
}

/**
 * Customers by segment: for each requested dimension (gender, ageBand, maritalStatus, payroll,
 * corporate, premium, region) and each of its values, the distinct customers with a purchase
 * in the period, their net revenue, purchases, average check and share of the merchant's net
 * revenue, the most solvent segments (highest revenue) first. A missing attribute is the value
 * 'unknown'; booleans are 'yes' / 'no' / 'unknown'. Age is the year difference between the
 * year of the day before `to` and birth_year (bands <18, 18-24, 25-34, 35-44, 45-54, 55-64, 65+, unknown).
 *
 * Revenue counts every customer with activity in the period, including refund-only customers,
 * so each dimension's rows add up to the merchant's net revenue before suppression.
 *
 * Suppression: a row describing fewer than 5 customers keeps its value, every figure is null
 * and `suppressed` is true; suppressed rows are listed after the others (by value), so their
 * position does not reveal their revenue rank.
 *
 * Read from the segment rollups only (docs/adr/0029-segment-rollups.md), so the cost follows the
 * period's days × stored values and the members' bitmap chunks, not the customers: purchases,
 * gross and refunds are sums of merchant_segment_monthly over the period's whole months plus the
 * per-customer rows of the days outside them (at most two cuts, each under a month; ADR 0040),
 * grouped by the customers' current values; a value appears when its
 * customers had any purchase or refund in the period; its distinct buyers are Σ over chunks of
 * bit_count(members & bit_or(the period's day bitmaps)). Age bands are unions of stored birth
 * years (disjoint sets, so their buyers add).
 *
 * Sources: merchant_segment_monthly, merchant_customer_daily and merchant_customers (cut days),
 * merchant_segment_bitmaps, merchant_day_customer_bitmaps.
 * @throws Error on a malformed period or an unknown dimension
 */
export async function getCustomerSegments(
  ctx: AnalyticsContext,
  period: Period,
  options: CustomerSegmentsOptions = {},
): Promise<CustomerSegments> {
  assertPeriod(period);
  const { dimensions } = customerSegmentsOptionsSchema.parse(options);
  const unique = [...new Set(dimensions)];
  const refYear = Number(addDays(period.to, -1).slice(0, 4));
  const storedDimensions = [...new Set(unique.map((d) => STORED[d]))];
  const stored = sql.join(
    storedDimensions.map((d) => sql`${d}`),
    sql`, `,
  );
  const { whole, cuts } = wholeMonthsIn(period);
  const values = segmentStoredValues("mc");
  const rows = await queryRows<{ dimension: SegmentStoredDimension } & Omit<SegmentAggregateRow, "dimension">>(
    ctx.tx,
    sql`
      with sums as (
        -- The period's whole months from the monthly sums, the days outside them per customer
        -- under the customer's current values (ADR 0040); a value shows when it had activity.
        select x.dimension, x.value, sum(x.purchases)::bigint as purchases,
               sum(x.gross)::bigint as gross, sum(x.refunds_minor)::bigint as refunds
        from (
          select s.dimension, s.value, s.purchases, s.gross_sales_minor as gross, s.refunds, s.refunds_minor
          from merchant_segment_monthly s
          where ${merchantMonths(ctx, whole, "s")} and s.dimension in (${stored})
          union all
          -- one pass over the cut days' customers, a grouping set per dimension (g0, g1, … its value)
          select case ${sql.join(storedDimensions.map((d, i) => sql`when grouping(${sql.raw(`g${i}`)}) = 0 then ${d}`), sql` `)} end,
                 coalesce(${sql.raw(storedDimensions.map((_, i) => `g${i}`).join(", "))}),
                 sum(y.purchases), sum(y.gross), sum(y.refunds), sum(y.refunds_minor)
          from (
            select ${sql.join(storedDimensions.map((d, i) => sql`${values[d]} as ${sql.raw(`g${i}`)}`), sql`, `)}, c.*
            from (
              select d.customer_id, sum(d.purchases) as purchases, sum(d.gross_sales_minor) as gross,
                     sum(d.refunds) as refunds, sum(d.refunds_minor) as refunds_minor
              from merchant_customer_daily d
              where ${merchantDaysIn(ctx, cuts, "d")}
              group by d.customer_id
            ) c
            join merchant_customers mc on ${merchantFilter(ctx, "mc")} and mc.customer_id = c.customer_id
          ) y
          group by grouping sets (${sql.raw(storedDimensions.map((_, i) => `(g${i})`).join(", "))})
        ) x
        group by x.dimension, x.value
        having sum(x.purchases) + sum(x.refunds) > 0
      ), active as (
        select b.chunk, bit_or(b.bits) as bits
        from merchant_day_customer_bitmaps b
        where ${merchantDays(ctx, period, "b")}
        group by b.chunk
      ), buyers as (
        select m.dimension, m.value, sum(bit_count(m.bits & a.bits))::bigint as customers
        from merchant_segment_bitmaps m
        join active a on a.chunk = m.chunk
        where ${merchantFilter(ctx, "m")} and m.dimension in (${stored})
        group by m.dimension, m.value
      )
      select s.dimension, s.value, coalesce(b.customers, 0)::bigint as customers, s.purchases, s.gross, s.refunds
      from sums s
      left join buyers b on b.dimension = s.dimension and b.value = s.value`,
  );
  return buildSegments(period, unique, shownSegmentRows(unique, refYear, rows));
}

/**
 * Maps rows of stored values to the shown dimensions: each requested dimension takes the rows of
 * its stored dimension, birth years merged into age bands at `refYear` (figures add). Pure;
 * exported for unit tests.
 */
export function shownSegmentRows(
  dimensions: readonly SegmentDimension[],
  refYear: number,
  rows: readonly ({ dimension: SegmentStoredDimension } & Omit<SegmentAggregateRow, "dimension">)[],
): SegmentAggregateRow[] {
  const out = new Map<string, SegmentAggregateRow>();
  for (const dimension of dimensions) {
    for (const r of rows) {
      if (r.dimension !== STORED[dimension]) continue;
      const value = dimension === "ageBand" ? ageBandOf(r.value, refYear) : r.value;
      const key = `${dimension}\u0000${value}`;
      const seen = out.get(key);
      if (seen) {
        seen.customers += r.customers;
        seen.purchases += r.purchases;
        seen.gross += r.gross;
        seen.refunds += r.refunds;
      } else {
        out.set(key, { dimension, value, customers: r.customers, purchases: r.purchases, gross: r.gross, refunds: r.refunds });
      }
    }
  }
  return [...out.values()];
}

/** Shapes, ranks and suppresses the grouped rows (pure; exported for unit tests). */
export function buildSegments(
  period: Period,
  dimensions: readonly SegmentDimension[],
  rows: readonly SegmentAggregateRow[],
): CustomerSegments {
  const first = rows.filter((r) => r.dimension === dimensions[0]);
  const totalRevenueMinor = first.reduce((s, r) => s + r.gross - r.refunds, 0);
  const out: Partial<Record<SegmentDimension, SegmentRow[]>> = {};
  for (const dimension of dimensions) {
    const figures: SegmentFigures[] = rows
      .filter((r) => r.dimension === dimension)
      .map((r) => {
        const revenueMinor = r.gross - r.refunds;
        return {
          value: r.value,
          customers: r.customers,
          revenueMinor,
          purchases: r.purchases,
          averageCheckMinor: roundHalfUpDiv(r.gross, r.purchases),
          revenueShare: totalRevenueMinor > 0 ? revenueMinor / totalRevenueMinor : null,
        };
      });
    const shown = suppressSmallCells(figures, ["value"]);
    shown.sort((a, b) => {
      if (a.suppressed !== b.suppressed) return a.suppressed ? 1 : -1;
      if (!a.suppressed && a.revenueMinor !== b.revenueMinor) return (b.revenueMinor ?? 0) - (a.revenueMinor ?? 0);
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    });
    out[dimension] = shown;
  }
  return { period, totalRevenueMinor, dimensions: out };
}
