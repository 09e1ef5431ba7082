import { sql, type SQL } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { ratio, relativeChange, roundHalfUpDiv } from "./math";
import { dayRange, merchantDays, merchantFilter } from "./scope";
import type { HeadlineMetrics } from "./types";
import { comparisonCoverage, previousPeriod, type ComparisonCoverage, type Period } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import type { DataRange } from "./getDataRange";

/** The overview: a period's headline metrics beside the previous period of equal length. */
export interface Overview {
  period: Period;
  previousPeriod: Period;
  current: HeadlineMetrics;
  previous: HeadlineMetrics;
  /**
   * (current − previous) / previous per metric; null when previous is 0 or null, and null for
   * every metric when the two periods hold unequal amounts of data (`coverage.comparable`).
   */
  change: Record<keyof HeadlineMetrics, number | null>;
  /** How many days of each period the merchant's data covers (lib/days/coverage). */
  coverage: ComparisonCoverage;
}

interface HeadlineRow {
  gross_sales_minor: number;
  refunds_minor: number;
  purchases: number;
  refunds: number;
  customers: number;
  new_customers: number;
}

/**
 * The headline metrics of one merchant over a half-open period [from, to) of local days.
 *
 * - grossSalesMinor, refundsMinor (positive magnitude), purchases, refunds: sums of merchant_daily;
 *   netRevenueMinor = gross − refunds. Minor units of the merchant's currency.
 * - customers: exact distinct customers with a purchase in the period, Σ over bitmap chunks of
 *   bit_count(bit_or(bits)) from merchant_day_customer_bitmaps (daily counts cannot be summed).
 * - newCustomers: customers whose merchant_customers.first_purchase_day (first purchase here,
 *   ever) lies in the period; returningCustomers = customers − newCustomers.
 * - averageCheckMinor: round half up of gross / purchases in integer arithmetic; null without
 *   purchases. frequency: purchases / customers; null without customers.
 *
 * Not suppressed: these are the whole merchant's own totals, not a cell describing a customer
 * group (see docs/metrics.md, "Suppression").
 *
 * Sources: merchant_daily, merchant_day_customer_bitmaps, merchant_customers (rollups only).
 * @throws Error on a malformed period
 */
export async function getHeadlineMetrics(ctx: AnalyticsContext, period: Period): Promise<HeadlineMetrics> {
  const [row] = await queryRows<HeadlineRow>(ctx.tx, headlineSql(ctx, period));
  return headlineFromRow(row);
}

/** The one-row select of {@link getHeadlineMetrics} (columns of HeadlineRow). */
function headlineSql(ctx: AnalyticsContext, period: Period): SQL {
  return sql`
      select d.gross_sales_minor, d.refunds_minor, d.purchases, d.refunds,
        coalesce((select sum(n) from (
          select bit_count(bit_or(bits)) as n
          from merchant_day_customer_bitmaps where ${merchantDays(ctx, period)}
          group by chunk) chunks), 0)::bigint as customers,
        (select count(*) from merchant_customers
          where ${merchantFilter(ctx)} and ${dayRange(period, undefined, "first_purchase_day")})::bigint
          as new_customers
      from (
        select coalesce(sum(gross_sales_minor), 0)::bigint as gross_sales_minor,
               coalesce(sum(refunds_minor), 0)::bigint as refunds_minor,
               coalesce(sum(purchases), 0)::bigint as purchases,
               coalesce(sum(refunds), 0)::bigint as refunds
        from merchant_daily where ${merchantDays(ctx, period)}) d`;
}

/** HeadlineRow's figures as numbers (a row read through row_to_json holds JSON numbers, a plain one int8 parsed to numbers). */
function headlineFromRow(row: HeadlineRow): HeadlineMetrics {
  return headlineFromTotals({
    grossSalesMinor: Number(row.gross_sales_minor),
    refundsMinor: Number(row.refunds_minor),
    purchases: Number(row.purchases),
    refunds: Number(row.refunds),
    customers: Number(row.customers),
    newCustomers: Number(row.new_customers),
  });
}

/**
 * Derives the full {@link HeadlineMetrics} from the summed figures (pure; exported for tests).
 * Minor units in, minor units out.
 */
export function headlineFromTotals(t: {
  grossSalesMinor: number;
  refundsMinor: number;
  purchases: number;
  refunds: number;
  customers: number;
  newCustomers: number;
}): HeadlineMetrics {
  return {
    grossSalesMinor: t.grossSalesMinor,
    refundsMinor: t.refundsMinor,
    netRevenueMinor: t.grossSalesMinor - t.refundsMinor,
    purchases: t.purchases,
    refunds: t.refunds,
    customers: t.customers,
    newCustomers: t.newCustomers,
    returningCustomers: t.customers - t.newCustomers,
    averageCheckMinor: roundHalfUpDiv(t.grossSalesMinor, t.purchases),
    frequency: ratio(t.purchases, t.customers),
  };
}

/** Relative change of every headline metric (pure). */
export function headlineChange(
  current: HeadlineMetrics,
  previous: HeadlineMetrics,
): Record<keyof HeadlineMetrics, number | null> {
  const keys = Object.keys(current) as (keyof HeadlineMetrics)[];
  return Object.fromEntries(keys.map((k) => [k, relativeChange(current[k], previous[k])])) as Record<
    keyof HeadlineMetrics,
    number | null
  >;
}

/**
 * The overview page's figures: headline metrics of `period` and of the previous period of equal
 * length ([from − L, from), L = to − from in days), with the relative change of each, and how
 * many days of each period lie inside the merchant's data range. When the two periods are not
 * comparable (the less covered holds under 90 % of the other's days with data, e.g. a year set
 * against a year with 9 days of data) every change is null: the page shows the coverage instead.
 *
 * Sources: as {@link getHeadlineMetrics}, and merchant_daily's first and last day (as
 * getDataRange). One statement (issue 14 "Load": fewer round trips per page): both periods'
 * figures and the data range, in the caller's scoped transaction.
 * @throws Error on a malformed period
 */
export async function getOverview(ctx: AnalyticsContext, period: Period): Promise<Overview> {
  const prev = previousPeriod(period);
  const [row] = await queryRows<{ current: HeadlineRow; previous: HeadlineRow; first_day: string | null; last_day: string | null }>(
    ctx.tx,
    sql`select row_to_json(c) as current, row_to_json(p) as previous, r.first_day, r.last_day
        from (${headlineSql(ctx, period)}) c
        cross join (${headlineSql(ctx, prev)}) p
        cross join (select min(day)::text as first_day, max(day)::text as last_day
                    from merchant_daily where ${merchantFilter(ctx)}) r`,
  );
  const current = headlineFromRow(parseJson(row.current));
  const previous = headlineFromRow(parseJson(row.previous));
  const range: DataRange = { firstDay: row.first_day ?? null, lastDay: row.last_day ?? null };
  const coverage = comparisonCoverage(period, prev, range);
  const change = coverage.comparable ? headlineChange(current, previous) : nullChange(current);
  return { period, previousPeriod: prev, current, previous, change, coverage };
}

/** A json column as an object (both drivers parse json; text is parsed here should one not). */
function parseJson<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

function nullChange(current: HeadlineMetrics): Record<keyof HeadlineMetrics, number | null> {
  return Object.fromEntries(Object.keys(current).map((k) => [k, null])) as Record<keyof HeadlineMetrics, number | null>;
}
