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
 * Sources: merchant_customers, merchant_customer_daily (rollups only).
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

  const rows = await queryRows<CohortAggregateRow>(
    ctx.tx,
    sql`
      with members as (
        select mc.customer_id, ${monthOf("mc", "first_purchase_day")} as cohort
        from merchant_customers mc
        where ${merchantFilter(ctx, "mc")} and ${dayRange(window, "mc", "first_purchase_day")}
      ), sizes as (
        select cohort, count(*)::bigint as size from members group by cohort
      ), activity as (
        select m.cohort, ${monthOf("d", "day")} as month, d.customer_id,
               sum(d.purchases) as purchases, sum(d.gross_sales_minor - d.refunds_minor) as net
        from merchant_customer_daily d
        join members m on m.customer_id = d.customer_id
        where ${merchantDays(ctx, window, "d")}
        group by 1, 2, 3
      )
      select a.cohort::text as cohort, a.month::text as month, s.size,
             (count(*) filter (where a.purchases > 0))::bigint as customers, sum(a.net)::bigint as net
      from activity a join sizes s on s.cohort = a.cohort
      where a.month >= a.cohort
      group by a.cohort, a.month, s.size
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
