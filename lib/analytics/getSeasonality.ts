import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/client";
import { suppressSmallCells, type SuppressedRow } from "@/lib/privacy/suppression";
import { ratio, roundHalfUpDiv } from "./math";
import { merchantDays, merchantDaysIn, merchantMonths } from "./scope";
import { BITMAP_CHUNK_BITS } from "@/db/schema";
import { assertPeriod, wholeMonthsIn, type Period } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";

const seasonalityOptionsSchema = z.object({}).strict();
export type SeasonalityOptions = z.infer<typeof seasonalityOptionsSchema>;

/** One day-of-week × hour cell over the whole period. Money in minor units. */
interface HeatmapFigures {
  /** ISO day of week: 1 = Monday … 7 = Sunday. */
  dow: number;
  /** Local hour 0–23. */
  hour: number;
  purchases: number;
  /** Gross sales (purchases only: the hourly rollup holds no refunds). */
  grossSalesMinor: number;
  /** Exact distinct customers with a purchase in this cell, over all its days. */
  customers: number;
  /** round half up of gross / purchases; null without purchases. */
  averageCheckMinor: number | null;
}
export type HeatmapCell = SuppressedRow<HeatmapFigures, "dow" | "hour">;

/** One calendar month of the year, averaged over the years in which it has sales in the period. */
interface MonthProfileFigures {
  /** 1 = January … 12 = December. */
  month: number;
  /** Years with at least one transaction day in this calendar month, within the period. */
  years: number;
  /** Exact distinct customers with a purchase in this calendar month, over all those years. */
  customers: number;
  /** Gross sales per year: round half up of the total / years. */
  grossSalesMinor: number | null;
  /** Net revenue (gross − refunds) per year: round half up of the total / years. */
  netRevenueMinor: number | null;
  /** Purchases per year (total / years). */
  purchases: number | null;
}
export type MonthProfileRow = SuppressedRow<MonthProfileFigures, "month">;

export interface Seasonality {
  period: Period;
  /** 168 cells, Monday 00 h first, ordered by dow then hour. */
  heatmap: HeatmapCell[];
  /** 12 rows, January first. */
  monthProfile: MonthProfileRow[];
}

/** One (dow, hour) aggregate as the query returns it. */
export interface HeatmapAggregateRow {
  dow: number;
  hour: number;
  purchases: number;
  gross: number;
  customers: number;
}
/** One calendar-month aggregate as the query returns it. */
export interface MonthAggregateRow {
  month: number;
  years: number;
  gross: number;
  refunds: number;
  purchases: number;
  customers: number;
}

/**
 * Seasonality of purchases over [from, to):
 * - heatmap: ISO day of week × local hour (7 × 24 cells), purchases, gross sales, average
 *   check and the exact distinct customers of the cell (a customer seen on several Mondays at
 *   10 h counts once): over the period's whole months the union of the month slots' customer
 *   bitmaps, plus the customers of the days outside them (merchant_hourly.customer_ordinals)
 *   not already in it (docs/adr/0039-seasonality-month-hour-bitmaps.md);
 * - month-of-year profile: per calendar month, gross sales, net revenue and purchases averaged
 *   over the years in which that month has transactions within the period, and the exact
 *   distinct customers of that month over those years (bitmaps).
 *
 * Suppression: every heatmap cell and month row describing fewer than 5 customers (empty ones
 * included) keeps its coordinates, figures null, `suppressed: true`.
 *
 * Sources: merchant_hourly, merchant_month_hour_bitmaps, merchant_daily,
 * merchant_day_customer_bitmaps (rollups only).
 * @throws Error on a malformed period
 */
export async function getSeasonality(
  ctx: AnalyticsContext,
  period: Period,
  options: SeasonalityOptions = {},
): Promise<Seasonality> {
  assertPeriod(period);
  seasonalityOptionsSchema.parse(options);
  const { whole, cuts } = wholeMonthsIn(period);
  const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));
  const heatRows = await queryRows<HeatmapAggregateRow>(
    ctx.tx,
    sql`
      with cells as (
        select extract(isodow from h.day)::int as dow, h.hour::int as hour,
               sum(h.purchases)::bigint as purchases, sum(h.gross_sales_minor)::bigint as gross
        from merchant_hourly h
        where ${merchantDays(ctx, period, "h")}
        group by 1, 2
      ), whole as (
        -- The period's whole months: each slot's customers as the union of the months' bitmaps (ADR 0039).
        -- Stored sparse (ADR 0041): padded back to a whole chunk before the union.
        select b.dow::int as dow, b.hour::int as hour, b.chunk, bit_or(b.bits::bit(${chunkBits})) as bits
        from merchant_month_hour_bitmaps b
        where ${merchantMonths(ctx, whole, "b")}
        group by 1, 2, 3
      ), cut as (
        -- The days outside whole months (under two months): the hourly ordinal lists.
        select distinct extract(isodow from h.day)::int as dow, h.hour::int as hour, o.ordinal
        from merchant_hourly h
        cross join lateral unnest(h.customer_ordinals) as o(ordinal)
        where ${merchantDaysIn(ctx, cuts, "h")}
      ), people as (
        -- Exact distinct customers: the whole months' bit counts plus the cut days' customers not in them.
        select dow, hour, sum(n)::bigint as customers from (
          select dow, hour, bit_count(bits) as n from whole
          union all
          select c.dow, c.hour, count(*) as n
          from cut c
          left join whole w on w.dow = c.dow and w.hour = c.hour and w.chunk = c.ordinal / ${chunkBits}
          where w.bits is null or get_bit(w.bits, c.ordinal % ${chunkBits}) = 0
          group by 1, 2
        ) u
        group by 1, 2
      )
      select c.dow, c.hour, c.purchases, c.gross, coalesce(p.customers, 0)::bigint as customers
      from cells c left join people p on p.dow = c.dow and p.hour = c.hour`,
  );
  const monthRows = await queryRows<MonthAggregateRow>(
    ctx.tx,
    sql`
      with sums as (
        select extract(month from d.day)::int as month, count(distinct extract(year from d.day))::int as years,
               sum(d.gross_sales_minor)::bigint as gross, sum(d.refunds_minor)::bigint as refunds,
               sum(d.purchases)::bigint as purchases
        from merchant_daily d
        where ${merchantDays(ctx, period, "d")}
        group by 1
      ), chunks as (
        select extract(month from b.day)::int as month, bit_count(bit_or(b.bits)) as n
        from merchant_day_customer_bitmaps b
        where ${merchantDays(ctx, period, "b")}
        group by 1, b.chunk
      ), people as (
        select month, sum(n)::bigint as customers from chunks group by month
      )
      select s.month, s.years, s.gross, s.refunds, s.purchases, coalesce(p.customers, 0)::bigint as customers
      from sums s left join people p on p.month = s.month`,
  );
  return { period, heatmap: buildHeatmap(heatRows), monthProfile: buildMonthProfile(monthRows) };
}

/** Gap-fills the 7 × 24 grid and suppresses small cells (pure; exported for unit tests). */
export function buildHeatmap(rows: readonly HeatmapAggregateRow[]): HeatmapCell[] {
  const byCell = new Map(rows.map((r) => [`${r.dow}|${r.hour}`, r] as const));
  const cells: HeatmapFigures[] = [];
  for (let dow = 1; dow <= 7; dow++) {
    for (let hour = 0; hour < 24; hour++) {
      const r = byCell.get(`${dow}|${hour}`);
      const purchases = r?.purchases ?? 0;
      const gross = r?.gross ?? 0;
      cells.push({
        dow,
        hour,
        purchases,
        grossSalesMinor: gross,
        customers: r?.customers ?? 0,
        averageCheckMinor: roundHalfUpDiv(gross, purchases),
      });
    }
  }
  return suppressSmallCells(cells, ["dow", "hour"]);
}

/**
 * Averages per year, gap-fills the 12 months and suppresses small rows (pure). A month without
 * data in the period is not suppressed: years 0, customers 0, null figures ("no data").
 */
export function buildMonthProfile(rows: readonly MonthAggregateRow[]): MonthProfileRow[] {
  const byMonth = new Map(rows.map((r) => [r.month, r] as const));
  const out: MonthProfileFigures[] = [];
  for (let month = 1; month <= 12; month++) {
    const r = byMonth.get(month);
    const years = r?.years ?? 0;
    out.push({
      month,
      years,
      customers: r?.customers ?? 0,
      grossSalesMinor: r ? roundHalfUpDiv(r.gross, years) : null,
      netRevenueMinor: r ? roundHalfUpDiv(r.gross - r.refunds, years) : null,
      purchases: r ? ratio(r.purchases, years) : null,
    });
  }
  // A month outside the period (no year of it has data) describes no customer: it stays
  // unsuppressed with years 0 and null figures, so the page says "no data", not the privacy marker.
  const suppressed = suppressSmallCells(out.filter((m) => m.years > 0), ["month"]);
  const byMonthOut = new Map(suppressed.map((m) => [m.month, m] as const));
  return out.map((m) => byMonthOut.get(m.month) ?? { ...m, suppressed: false });
}
