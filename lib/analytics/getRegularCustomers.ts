import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/client";
import { BITMAP_CHUNK_BITS, PLANE_SIDES } from "@/db/schema";
import { suppressSmallCells, type SuppressedRow } from "@/lib/privacy/suppression";
import { ratio } from "./math";
import { bucketStartSql, column, merchantDays, merchantFilter } from "./scope";
import { addMonthsToMonthStart, assertPeriod, monthStartsIn, type Period } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/** The rule: purchases in at least MIN_ACTIVE_MONTHS of the WINDOW_MONTHS calendar months. */
export const REGULAR_RULE = { minActiveMonths: 3, windowMonths: 6 } as const;

const regularCustomersOptionsSchema = z.object({}).strict();
export type RegularCustomersOptions = z.infer<typeof regularCustomersOptionsSchema>;

/** The regular-customer figures for the window ending with one month. Money in minor units. */
interface RegularFigures {
  /** First day of the month the window ends with. */
  month: string;
  /** The window [from, to): six calendar months ending with `month`, cut at the period's `to`. */
  from: string;
  to: string;
  /** Regular customers (the rule holds for them in this window). */
  customers: number;
  /** Customers with at least one purchase in the window. */
  activeCustomers: number;
  /** customers / activeCustomers. */
  share: number | null;
  /** Net revenue (purchases − refunds) of the regular customers in the window. */
  revenueMinor: number;
  /** revenueMinor / the merchant's net revenue in the window; null when that is ≤ 0. */
  revenueShare: number | null;
}
/** Figures as shown: all null and `suppressed` when fewer than 5 regular customers. */
export type RegularPoint = SuppressedRow<RegularFigures, "month" | "from" | "to">;

export interface RegularCustomers {
  period: Period;
  rule: typeof REGULAR_RULE;
  /** The window ending with the month that contains the day before `to` (the last trend point). */
  current: RegularPoint;
  /** One point per calendar month intersecting the period, each over its own 6-month window. */
  trend: RegularPoint[];
}

/** One month's aggregate as the query returns it. */
export interface RegularAggregateRow {
  month: string;
  regulars: number;
  active: number;
  regular_net: number;
  total_net: number;
}

/**
 * Regular customers. Rule: a customer is regular at month M when they made purchases in at
 * least 3 of the 6 calendar months ending with M (M − 5 … M), counting only days before the
 * period's `to`; several purchases in one month count as one month. For the headline M is the
 * month that contains the day before `to`; the monthly trend evaluates every month that
 * intersects [from, to) with its own window.
 *
 * Per point: the number of regular customers, their share of the window's active customers
 * (at least one purchase in the window), their net revenue in the window and its share of the
 * merchant's net revenue in the window (refund-only customers included in the denominator).
 *
 * Suppression: a point with fewer than 5 regular customers keeps its month and window, every
 * figure is null and `suppressed` is true.
 *
 * Read from rollups whose size does not follow the customers (docs/adr/0029-segment-rollups.md):
 * - a month's active customers are the union of its day bitmaps before `to`; the regular
 *   customers of a window are the customers in at least 3 of its 6 month sets, the union over the
 *   20 triples of months of their intersection; counts are bit counts;
 * - the regular customers' net revenue over the window's whole months is Σ over the month amount
 *   planes of 2^plane × bit_count(regulars & plane) (gross minus refunds; bit-sliced sums, O'Neil
 *   & Quass 1997); a month cut short by `to` (only ever the last month of the last window) reads
 *   its per-customer rows of that month before `to`, the regulars picked by their bit;
 * - the window's net revenue is the sum of merchant_daily.
 *
 * Sources: merchant_day_customer_bitmaps, merchant_month_amount_planes, merchant_daily,
 * merchant_customer_daily (the cut month only), merchant_customers (ordinals).
 * @throws Error on a malformed period
 */
export async function getRegularCustomers(
  ctx: AnalyticsContext,
  period: Period,
  options: RegularCustomersOptions = {},
): Promise<RegularCustomers> {
  assertPeriod(period);
  regularCustomersOptionsSchema.parse(options);
  const months = monthStartsIn(period);
  const windowStart = addMonthsToMonthStart(months[0], 1 - REGULAR_RULE.windowMonths);
  const window: Period = { from: windowStart, to: period.to };
  const last = months[months.length - 1];
  // Planes hold whole calendar months; a `to` inside the last month cuts it short.
  const cut = addMonthsToMonthStart(last, 1) > period.to;
  const wholeMonthsTo = cut ? last : addMonthsToMonthStart(last, 1);
  const lookback = sql.raw(`'${REGULAR_RULE.windowMonths - 1} months'`);
  const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));
  const monthOf = (alias: string, col: string) => bucketStartSql("month", column(alias, col));

  const rows = await queryRows<RegularAggregateRow>(
    ctx.tx,
    sql`
      with targets as (
        select unnest(string_to_array(${months.join(",")}, ',')::date[]) as month
      ), activity as (
        select ${monthOf("b", "day")} as month, b.chunk, bit_or(b.bits) as bits
        from merchant_day_customer_bitmaps b
        where ${merchantDays(ctx, window, "b")}
        group by 1, 2
      ), win as (
        select t.month as target, a.month, a.chunk, a.bits
        from targets t join activity a on a.month >= (t.month - interval ${lookback})::date and a.month <= t.month
      ), active as (
        select target, chunk, bit_or(bits) as bits from win group by 1, 2
      ), regular as (
        -- in at least 3 of the window's months (REGULAR_RULE.minActiveMonths): some triple of them all hold the bit
        select a.target, a.chunk, bit_or(a.bits & b.bits & c.bits) as bits
        from win a
        join win b on b.target = a.target and b.chunk = a.chunk and b.month > a.month
        join win c on c.target = a.target and c.chunk = a.chunk and c.month > b.month
        group by 1, 2
      ), counts as (
        select a.target, sum(bit_count(a.bits))::bigint as active, coalesce(sum(bit_count(r.bits)), 0)::bigint as regulars
        from active a left join regular r on r.target = a.target and r.chunk = a.chunk
        group by 1
      ), plane_net as (
        select r.target,
               sum(case when p.side = ${PLANE_SIDES.gross} then 1 else -1 end * (1::bigint << p.plane)::numeric * bit_count(r.bits & p.bits)) as net
        from regular r
        join merchant_month_amount_planes p
          on ${merchantFilter(ctx, "p")} and p.chunk = r.chunk and p.side in (${PLANE_SIDES.gross}, ${PLANE_SIDES.refunds})
         and p.month >= (r.target - interval ${lookback})::date and p.month <= r.target and p.month < ${wholeMonthsTo}::date
        group by 1
      ), cut_net as (
        select r.target, sum(c.net) as net
        from (
          select d.customer_id, sum(d.gross_sales_minor - d.refunds_minor) as net
          from merchant_customer_daily d
          where ${cut ? sql`${merchantDays(ctx, { from: last, to: period.to }, "d")}` : sql`false`}
          group by 1
        ) c
        join merchant_customers mc on ${merchantFilter(ctx, "mc")} and mc.customer_id = c.customer_id
        join regular r on r.target = ${last}::date and r.chunk = mc.ordinal / ${chunkBits}
                      and get_bit(r.bits, mc.ordinal % ${chunkBits}) = 1
        group by 1
      ), totals as (
        select t.month as target, sum(d.gross_sales_minor - d.refunds_minor) as net
        from targets t
        join merchant_daily d on ${merchantFilter(ctx, "d")}
         and d.day >= (t.month - interval ${lookback})::date and d.day < (t.month + interval '1 month')::date
         and d.day < ${period.to}::date
        group by 1
      )
      select t.month::text as month, coalesce(k.regulars, 0)::bigint as regulars, coalesce(k.active, 0)::bigint as active,
             (coalesce(p.net, 0) + coalesce(c.net, 0))::bigint as regular_net, coalesce(n.net, 0)::bigint as total_net
      from targets t
      left join counts k on k.target = t.month
      left join plane_net p on p.target = t.month
      left join cut_net c on c.target = t.month
      left join totals n on n.target = t.month
      order by 1`,
  );
  const trend = buildRegularTrend(period, rows);
  return { period, rule: REGULAR_RULE, current: trend[trend.length - 1], trend };
}

/** Gap-fills and suppresses the monthly aggregates (pure; exported for unit tests). */
export function buildRegularTrend(period: Period, rows: readonly RegularAggregateRow[]): RegularPoint[] {
  const byMonth = new Map(rows.map((r) => [r.month, r] as const));
  const figures: RegularFigures[] = monthStartsIn(period).map((month) => {
    const r = byMonth.get(month);
    const end = addMonthsToMonthStart(month, 1);
    const totalNet = r?.total_net ?? 0;
    const revenueMinor = r?.regular_net ?? 0;
    return {
      month,
      from: addMonthsToMonthStart(month, 1 - REGULAR_RULE.windowMonths),
      to: end < period.to ? end : period.to,
      customers: r?.regulars ?? 0,
      activeCustomers: r?.active ?? 0,
      share: ratio(r?.regulars ?? 0, r?.active ?? 0),
      revenueMinor,
      revenueShare: totalNet > 0 ? revenueMinor / totalNet : null,
    };
  });
  return suppressSmallCells(figures, ["month", "from", "to"]);
}
