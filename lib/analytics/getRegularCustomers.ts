import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/client";
import { suppressSmallCells, type SuppressedRow } from "@/lib/privacy/suppression";
import { ratio } from "./math";
import { bucketStartSql, column, merchantDays } from "./scope";
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
 * Sources: merchant_customer_daily (rollups only).
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
  const window: Period = { from: addMonthsToMonthStart(months[0], 1 - REGULAR_RULE.windowMonths), to: period.to };
  const lookback = sql.raw(`'${REGULAR_RULE.windowMonths - 1} months'`);

  const rows = await queryRows<RegularAggregateRow>(
    ctx.tx,
    sql`
      with months as (
        select unnest(string_to_array(${months.join(",")}, ',')::date[]) as month
      ), customer_months as (
        select d.customer_id, ${bucketStartSql("month", column("d", "day"))} as month,
               sum(d.purchases) as purchases, sum(d.gross_sales_minor - d.refunds_minor) as net
        from merchant_customer_daily d
        where ${merchantDays(ctx, window, "d")}
        group by 1, 2
      ), per_customer as (
        select m.month, cm.customer_id,
               count(*) filter (where cm.purchases > 0) as active_months, sum(cm.net) as net
        from months m
        join customer_months cm on cm.month >= (m.month - interval ${lookback})::date and cm.month <= m.month
        group by 1, 2
      )
      select month::text as month,
             (count(*) filter (where active_months >= ${REGULAR_RULE.minActiveMonths}))::bigint as regulars,
             (count(*) filter (where active_months > 0))::bigint as active,
             coalesce(sum(net) filter (where active_months >= ${REGULAR_RULE.minActiveMonths}), 0)::bigint as regular_net,
             coalesce(sum(net), 0)::bigint as total_net
      from per_customer
      group by month
      order by month`,
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
