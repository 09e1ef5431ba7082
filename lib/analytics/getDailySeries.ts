import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { bucketStartSql, merchantDays } from "./scope";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { assertPeriod, daysIn, type Period } from "@/lib/days";

/** One local day of the merchant's till. Money in minor units; `customers` distinct that day. */
export interface DailySeriesPoint {
  day: string;
  grossMinor: number;
  netMinor: number;
  purchases: number;
  customers: number;
}

/**
 * The merchant's daily series over [from, to), gap-filled: every day of the period, zeros on
 * days without transactions. Net = gross sales − refunds.
 *
 * Sources: merchant_daily (rollup).
 * @throws Error on a malformed period
 */
export async function getDailySeries(ctx: AnalyticsContext, period: Period): Promise<DailySeriesPoint[]> {
  assertPeriod(period);
  const rows = await queryRows<{ day: string; gross: number; refunds: number; purchases: number; customers: number }>(
    ctx.tx,
    sql`select day::text as day, gross_sales_minor::bigint as gross, refunds_minor::bigint as refunds,
               purchases::bigint as purchases, customers::bigint as customers
        from merchant_daily where ${merchantDays(ctx, period)} order by day`,
  );
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DailySeriesPoint[] = [];
  for (const d of daysIn(period)) {
    const r = byDay.get(d);
    out.push(
      r
        ? { day: d, grossMinor: Number(r.gross), netMinor: Number(r.gross) - Number(r.refunds), purchases: Number(r.purchases), customers: Number(r.customers) }
        : { day: d, grossMinor: 0, netMinor: 0, purchases: 0, customers: 0 },
    );
  }
  return out;
}

/**
 * Exact distinct customers per ISO week (Monday start) over [from, to): for each week,
 * Σ over bitmap chunks of bit_count(bit_or(bits)) (daily counts cannot be summed). Weeks without
 * purchases are absent; the caller gap-fills.
 *
 * Sources: merchant_day_customer_bitmaps (rollup).
 * @throws Error on a malformed period
 */
export async function getWeeklyCustomers(ctx: AnalyticsContext, period: Period): Promise<Map<string, number>> {
  assertPeriod(period);
  const rows = await queryRows<{ week: string; customers: number }>(
    ctx.tx,
    sql`select week::text as week, sum(n)::bigint as customers from (
          select ${bucketStartSql("week", sql`day`)} as week, chunk, bit_count(bit_or(bits)) as n
          from merchant_day_customer_bitmaps where ${merchantDays(ctx, period)}
          group by 1, 2) w
        group by week`,
  );
  return new Map(rows.map((r) => [r.week, Number(r.customers)]));
}
