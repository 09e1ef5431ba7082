import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "@/db/client";
import { windowCovered } from "@/lib/days";
import type { DayPeriod } from "../periods";
import { between, inList } from "./sql.internal";

/*
 * Per-member figures of the peer group's members, read from the rollups on the owner connection
 * (merchant_daily, merchant_day_customer_bitmaps, merchant_customers): each member's own totals,
 * daily net revenue and monthly distinct customers. NOT GUARDED: these are other merchants'
 * figures one by one. Internal to lib/privacy (*.internal.ts); the report releases them only
 * through ./benchmarks.ts and ./revenueIndex.ts.
 */

/** One member's own totals over the request's windows (internal to lib/privacy). */
export interface MemberFigures {
  id: number;
  net: number;
  netPrev: number;
  netYearAgo: number;
  gross: number;
  purchases: number;
  customers: number;
  customersPrev: number;
  customersYearAgo: number;
  retentionBase: number;
  retained: number;
  newCustomers: number;
  /**
   * Whether the member has data on at least half the days of the previous period (and of the
   * period a year ago), counted from its first day (lib/days windowCovered). A growth from a
   * window the member hardly existed in is no growth (issue 19).
   */
  prevComparable: boolean;
  yearAgoComparable: boolean;
}

/** Per-member sums, exact distinct customers and first purchases over the windows of `p` (rollups). NOT GUARDED. */
export async function memberFigures(
  executor: Executor,
  ids: readonly number[],
  p: { period: DayPeriod; prev: DayPeriod; yearAgo: DayPeriod; retention: { base: DayPeriod; back: DayPeriod } },
): Promise<Map<number, MemberFigures>> {
  const lo = [p.yearAgo.from, p.prev.from, p.retention.base.from].sort()[0];
  const day = sql`day`;
  const sums = await queryRows<{ merchant_id: number; net: number; net_prev: number; net_ya: number; gross: number; purchases: number }>(
    executor,
    sql`select merchant_id,
          coalesce(sum(gross_sales_minor - refunds_minor) filter (where ${between(day, p.period)}), 0)::bigint as net,
          coalesce(sum(gross_sales_minor - refunds_minor) filter (where ${between(day, p.prev)}), 0)::bigint as net_prev,
          coalesce(sum(gross_sales_minor - refunds_minor) filter (where ${between(day, p.yearAgo)}), 0)::bigint as net_ya,
          coalesce(sum(gross_sales_minor) filter (where ${between(day, p.period)}), 0)::bigint as gross,
          coalesce(sum(purchases) filter (where ${between(day, p.period)}), 0)::bigint as purchases
        from merchant_daily
        where merchant_id in (${inList(ids)}) and day >= ${lo}::date and day < ${p.period.to}::date
        group by merchant_id`,
  );
  // Exact distinct customers per member over each window: bit_or of the day bitmaps per chunk.
  const bits = await queryRows<{ merchant_id: number; cur: number; prv: number; ya: number; base: number; kept: number }>(
    executor,
    sql`select merchant_id,
          coalesce(sum(bit_count(cur)), 0)::bigint as cur, coalesce(sum(bit_count(prv)), 0)::bigint as prv,
          coalesce(sum(bit_count(ya)), 0)::bigint as ya, coalesce(sum(bit_count(base)), 0)::bigint as base,
          coalesce(sum(bit_count(base & back)), 0)::bigint as kept
        from (
          select merchant_id, chunk,
            bit_or(bits) filter (where ${between(day, p.period)}) as cur,
            bit_or(bits) filter (where ${between(day, p.prev)}) as prv,
            bit_or(bits) filter (where ${between(day, p.yearAgo)}) as ya,
            bit_or(bits) filter (where ${between(day, p.retention.base)}) as base,
            bit_or(bits) filter (where ${between(day, p.retention.back)}) as back
          from merchant_day_customer_bitmaps
          where merchant_id in (${inList(ids)}) and day >= ${lo}::date and day < ${p.period.to}::date
          group by merchant_id, chunk) c
        group by merchant_id`,
  );
  // Each member's first day with data, for the coverage of the comparison windows.
  const ranges = await queryRows<{ merchant_id: number; first_day: string }>(
    executor,
    sql`select merchant_id, min(day)::text as first_day
        from merchant_daily where merchant_id in (${inList(ids)}) group by merchant_id`,
  );
  const fresh = await queryRows<{ merchant_id: number; n: number }>(
    executor,
    sql`select merchant_id, count(*)::bigint as n from merchant_customers
        where merchant_id in (${inList(ids)}) and ${between(sql`first_purchase_day`, p.period)}
        group by merchant_id`,
  );
  const out = new Map<number, MemberFigures>();
  for (const id of ids) {
    out.set(id, {
      id,
      net: 0,
      netPrev: 0,
      netYearAgo: 0,
      gross: 0,
      purchases: 0,
      customers: 0,
      customersPrev: 0,
      customersYearAgo: 0,
      retentionBase: 0,
      retained: 0,
      newCustomers: 0,
      prevComparable: false,
      yearAgoComparable: false,
    });
  }
  for (const r of ranges) {
    const f = out.get(Number(r.merchant_id))!;
    const range = { firstDay: r.first_day };
    f.prevComparable = windowCovered(p.prev, range.firstDay);
    f.yearAgoComparable = windowCovered(p.yearAgo, range.firstDay);
  }
  for (const r of sums) {
    const f = out.get(Number(r.merchant_id))!;
    f.net = Number(r.net);
    f.netPrev = Number(r.net_prev);
    f.netYearAgo = Number(r.net_ya);
    f.gross = Number(r.gross);
    f.purchases = Number(r.purchases);
  }
  for (const r of bits) {
    const f = out.get(Number(r.merchant_id))!;
    f.customers = Number(r.cur);
    f.customersPrev = Number(r.prv);
    f.customersYearAgo = Number(r.ya);
    f.retentionBase = Number(r.base);
    f.retained = Number(r.kept);
  }
  for (const r of fresh) out.get(Number(r.merchant_id))!.newCustomers = Number(r.n);
  return out;
}

/** One member's net revenue on one day (internal to lib/privacy). */
export interface DailyRow {
  merchant_id: number;
  day: string;
  net: number;
}

/** Daily net revenue of the members over `window` (merchant_daily). NOT GUARDED. */
export async function dailyNet(executor: Executor, ids: readonly number[], window: DayPeriod): Promise<DailyRow[]> {
  return queryRows<DailyRow>(
    executor,
    sql`select merchant_id, day, (gross_sales_minor - refunds_minor)::bigint as net
        from merchant_daily where merchant_id in (${inList(ids)}) and ${between(sql`day`, window)}`,
  );
}

/** Exact distinct customers per member and month of `window`, keyed 'id|YYYY-MM-01' (bitmaps). NOT GUARDED. */
export async function monthlyCustomers(executor: Executor, ids: readonly number[], window: DayPeriod): Promise<Map<string, number>> {
  const rows = await queryRows<{ merchant_id: number; month: string; n: number }>(
    executor,
    sql`select merchant_id, month, sum(n)::bigint as n from (
          select merchant_id, date_trunc('month', day::timestamp)::date as month, chunk, bit_count(bit_or(bits)) as n
          from merchant_day_customer_bitmaps where merchant_id in (${inList(ids)}) and ${between(sql`day`, window)}
          group by merchant_id, month, chunk) c
        group by merchant_id, month`,
  );
  return new Map(rows.map((r) => [`${r.merchant_id}|${r.month}`, Number(r.n)]));
}
