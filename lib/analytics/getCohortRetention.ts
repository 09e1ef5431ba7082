import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/client";
import { isSuppressed } from "@/lib/privacy/suppression";
import { ratio } from "./math";
import { bucketStartSql, column, dayRange, merchantDays, merchantFilter } from "./scope";
import { addDays, addMonthsToMonthStart, assertPeriod, monthStart, monthStartsIn, monthsBetween, type Period } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/** Options of the cohort family (none yet; the object keeps the (ctx, period, options) shape). */
const cohortRetentionOptionsSchema = z.object({}).strict();
export type CohortRetentionOptions = z.infer<typeof cohortRetentionOptionsSchema>;

/** Month k of a cohort. Null figures mean suppressed (the UI shows "< 5"). */
interface CohortCell {
  /** Months since the cohort month (0 = the month of the first purchase). */
  k: number;
  /** First day of the calendar month cohort + k. */
  month: string;
  /** False for the last month when `to` cuts it short (only days before `to` count). */
  complete: boolean;
  /** Cohort customers with a purchase in month k. */
  customers: number | null;
  /** customers / cohort size (customer retention). */
  retention: number | null;
  /** Net revenue (purchases − refunds) of the cohort in month k, minor units. */
  revenueMinor: number | null;
  /** revenueMinor / month-0 revenue (revenue retention); null when month-0 revenue ≤ 0. */
  revenueRetention: number | null;
  suppressed: boolean;
}

export interface CohortRow {
  /** First day of the cohort month. */
  cohort: string;
  /** Customers whose first purchase here falls in the cohort month (before `to`). */
  size: number | null;
  suppressed: boolean;
  cells: CohortCell[];
}

export interface CohortRetention {
  period: Period;
  cohorts: CohortRow[];
}

/** One (cohort, month) aggregate as the query returns it. */
export interface CohortAggregateRow {
  cohort: string;
  month: string;
  size: number;
  customers: number;
  net: number;
}

/**
 * Monthly cohort retention. A cohort is the calendar month of a customer's first purchase at
 * this merchant (merchant_customers.first_purchase_day). The cohorts shown are the months that
 * intersect [from, to); each holds every customer whose first purchase falls in that month and
 * before `to`. Cells run from k = 0 (the cohort month) to the month containing the day before
 * `to`; only days before `to` count, so the last month may be incomplete (`complete: false`).
 *
 * Cell figures: customers with a purchase in month k, retention = customers / size, net revenue
 * of the cohort in month k and revenue retention = revenue_k / revenue_0.
 *
 * Suppression (k-anonymity): a cohort of fewer than 5 customers is withheld entirely (size and
 * every cell null, `suppressed: true`), and so is any cell describing fewer than 5 customers.
 *
 * Sources: merchant_cohort_bitmaps, merchant_day_customer_bitmaps, merchant_cohort_daily (rollups
 * only, no per-customer rows: the cost follows months × cohorts × chunks, not the customers;
 * docs/adr/0020-cohort-rollups.md).
 * @throws Error on a malformed period
 */
export async function getCohortRetention(
  ctx: AnalyticsContext,
  period: Period,
  options: CohortRetentionOptions = {},
): Promise<CohortRetention> {
  assertPeriod(period);
  cohortRetentionOptionsSchema.parse(options);
  const window: Period = { from: monthStart(period.from), to: period.to };
  const monthOf = (alias: string, col: string) => bucketStartSql("month", column(alias, col));

  // Active customers of cohort c in month k: the cohort's member bits AND the month's purchase
  // bits (the union of its days before `to`). Members whose first purchase is on or after `to`
  // bought nothing before it, so the AND drops them, and every member bought in its cohort
  // month: the k = 0 count is the cohort's size. Net revenue: the cohort's daily sums.
  const rows = await queryRows<CohortAggregateRow>(
    ctx.tx,
    sql`
      with cohorts as (
        select cb.cohort, cb.chunk, cb.bits from merchant_cohort_bitmaps cb
        where ${merchantFilter(ctx, "cb")} and ${dayRange(window, "cb", "cohort")}
      ), months as (
        select ${monthOf("b", "day")} as month, b.chunk, bit_or(b.bits) as bits
        from merchant_day_customer_bitmaps b
        where ${merchantDays(ctx, window, "b")}
        group by 1, 2
      ), counts as (
        select c.cohort, m.month, sum(bit_count(c.bits & m.bits))::bigint as customers
        from cohorts c join months m on m.chunk = c.chunk and m.month >= c.cohort
        group by 1, 2
      ), nets as (
        select n.cohort, ${monthOf("n", "day")} as month, sum(n.net_minor)::bigint as net
        from merchant_cohort_daily n
        where ${merchantFilter(ctx, "n")} and ${dayRange(window, "n", "cohort")} and ${dayRange(window, "n")}
        group by 1, 2
      ), cells as (
        select coalesce(k.cohort, n.cohort) as cohort, coalesce(k.month, n.month) as month,
               coalesce(k.customers, 0) as customers, coalesce(n.net, 0) as net
        from counts k full join nets n on n.cohort = k.cohort and n.month = k.month
      )
      select x.cohort::text as cohort, x.month::text as month, s.customers as size, x.customers, x.net
      from cells x join counts s on s.cohort = x.cohort and s.month = x.cohort
      where x.month >= x.cohort and s.customers > 0
      order by 1, 2`,
  );
  return { period, cohorts: buildCohorts(period, rows) };
}

/**
 * Assembles the cohort triangle from per (cohort, month) aggregates and applies suppression
 * (pure; exported for unit tests). Months without activity become zero cells.
 */
export function buildCohorts(period: Period, rows: readonly CohortAggregateRow[]): CohortRow[] {
  const lastMonth = monthStart(addDays(period.to, -1));
  const byKey = new Map(rows.map((r) => [`${r.cohort}|${r.month}`, r] as const));
  const sizes = new Map(rows.map((r) => [r.cohort, r.size] as const));
  const out: CohortRow[] = [];
  for (const cohort of monthStartsIn(period)) {
    const size = sizes.get(cohort) ?? 0;
    const cohortHidden = isSuppressed(size);
    const revenue0 = byKey.get(`${cohort}|${cohort}`)?.net ?? 0;
    const cells: CohortCell[] = [];
    for (let k = 0; k <= monthsBetween(cohort, lastMonth); k++) {
      const month = addMonthsToMonthStart(cohort, k);
      const r = byKey.get(`${cohort}|${month}`);
      const customers = r?.customers ?? 0;
      const revenueMinor = r?.net ?? 0;
      const complete = addMonthsToMonthStart(month, 1) <= period.to;
      if (cohortHidden || isSuppressed(customers)) {
        cells.push({ k, month, complete, customers: null, retention: null, revenueMinor: null, revenueRetention: null, suppressed: true });
      } else {
        cells.push({
          k,
          month,
          complete,
          customers,
          retention: ratio(customers, size),
          revenueMinor,
          revenueRetention: revenue0 > 0 ? revenueMinor / revenue0 : null,
          suppressed: false,
        });
      }
    }
    out.push({ cohort, size: cohortHidden ? null : size, suppressed: cohortHidden, cells });
  }
  return out;
}
