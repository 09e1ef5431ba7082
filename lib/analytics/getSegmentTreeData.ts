import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { REGULAR_RULE } from "./getRegularCustomers";
import { bucketStartSql, column, merchantDays, merchantFilter } from "./scope";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { addDays, addMonthsToMonthStart, assertPeriod, monthStart, type Period } from "@/lib/days";

/**
 * The fixed features of the segment tree, in column order; region indicators follow, one per
 * region present among the period's customers, sorted by name. The order matters: on an exact
 * tie the tree prefers the lower column (lib/models/cart.ts).
 *
 * Encoding (docs/models/segment-tree.md). No NaN anywhere (sklearn 1.2 trees reject it):
 * - female, male: 1 for that gender; unknown gender is 0 in both.
 * - age: whole years, year of the day before `to` − birth_year (as getCustomerSegments); −1 when
 *   the birth year is unknown (or after that year), so every split on age puts unknown ages on
 *   the `<=` side.
 * - married, single, divorced, widowed: 1 for that marital status; unknown is 0 in all four.
 * - payroll, corporate, premium: 1 when the bank's flag is true; false and unknown are 0.
 * - regular: 1 when the customer is regular at the month containing the day before `to`
 *   (REGULAR_RULE: purchases in ≥ 3 of the 6 calendar months ending with it, days before `to`).
 * - region:<name>: 1 for the customer's region; unknown region is 0 in all of them.
 */
export const BASE_SEGMENT_FEATURES = [
  "female",
  "male",
  "age",
  "married",
  "single",
  "divorced",
  "widowed",
  "payroll",
  "corporate",
  "premium",
  "regular",
] as const;
export type SegmentFeature = (typeof BASE_SEGMENT_FEATURES)[number] | `region:${string}`;

/** The value `age` takes when the birth year is unknown. */
export const UNKNOWN_AGE = -1;

/** One customer with a purchase in the period. Money in minor units. */
export interface SegmentTreeRow {
  customerId: number;
  /** Net revenue in the period: gross sales − refunds of the period (the tree's target). */
  revenueMinor: number;
  /** Purchases in the period (≥ 1). */
  purchases: number;
  grossSalesMinor: number;
  /** Every name of `featureNames`, numeric as encoded above. */
  features: Record<SegmentFeature, number>;
}

export interface SegmentTreeData {
  /** Column order of the design matrix: BASE_SEGMENT_FEATURES, then `region:<name>` sorted. */
  featureNames: string[];
  /** By customerId. */
  rows: SegmentTreeRow[];
}

/** One customer as the query returns it. */
export interface SegmentTreeCustomerRow {
  customer_id: number;
  purchases: number;
  gross: number;
  refunds: number;
  gender: string | null;
  birth_year: number | null;
  marital_status: string | null;
  is_payroll: boolean | null;
  is_corporate: boolean | null;
  is_premium: boolean | null;
  region: string | null;
  active_months: number;
}

/**
 * The design matrix of the segment tree: one row per customer with at least one purchase in the
 * period (refund-only customers have no purchase to describe and are left out, so the rows'
 * revenues add up to the merchant's net revenue minus the refund-only customers' refunds), with
 * their net revenue, purchases and gross sales in the period and the features described at
 * {@link BASE_SEGMENT_FEATURES}.
 *
 * Sources: merchant_customer_daily (period figures; the regular-customer window) joined to
 * merchant_customers (the bank's demographic snapshot). Rollups only.
 *
 * @param period half-open [from, to) of local days
 * @returns featureNames and rows sorted by customerId; no rows when nobody bought
 * @throws Error on a malformed period
 */
export async function getSegmentTreeData(ctx: AnalyticsContext, period: Period): Promise<SegmentTreeData> {
  assertPeriod(period);
  const lastDay = addDays(period.to, -1);
  const refYear = Number(lastDay.slice(0, 4));
  const window: Period = { from: addMonthsToMonthStart(monthStart(lastDay), 1 - REGULAR_RULE.windowMonths), to: period.to };
  const rows = await queryRows<SegmentTreeCustomerRow>(
    ctx.tx,
    sql`
      with per_customer as (
        select d.customer_id, sum(d.purchases)::bigint as purchases,
               sum(d.gross_sales_minor)::bigint as gross, sum(d.refunds_minor)::bigint as refunds
        from merchant_customer_daily d
        where ${merchantDays(ctx, period, "d")}
        group by d.customer_id
        having sum(d.purchases) > 0
      ), active_months as (
        select d.customer_id, count(distinct ${bucketStartSql("month", column("d", "day"))})::bigint as months
        from merchant_customer_daily d
        where ${merchantDays(ctx, window, "d")} and d.purchases > 0
        group by d.customer_id
      )
      select p.customer_id, p.purchases, p.gross, p.refunds,
             mc.gender, mc.birth_year, mc.marital_status, mc.is_payroll, mc.is_corporate, mc.is_premium, mc.region,
             coalesce(a.months, 0)::bigint as active_months
      from per_customer p
      join merchant_customers mc on ${merchantFilter(ctx, "mc")} and mc.customer_id = p.customer_id
      left join active_months a on a.customer_id = p.customer_id
      order by p.customer_id`,
  );
  return encodeSegmentTreeRows(rows, refYear);
}

/**
 * Encodes queried customers as feature rows (pure; exported for unit tests).
 *
 * @param refYear the year ages are taken at (year of the day before the period's `to`)
 */
export function encodeSegmentTreeRows(rows: readonly SegmentTreeCustomerRow[], refYear: number): SegmentTreeData {
  const regions = [...new Set(rows.map((r) => r.region).filter((r): r is string => r !== null))].sort();
  const featureNames: string[] = [...BASE_SEGMENT_FEATURES, ...regions.map((r) => `region:${r}`)];
  const flag = (b: boolean | null) => (b === true ? 1 : 0);
  const out = rows.map((r): SegmentTreeRow => {
    const age = r.birth_year === null || r.birth_year > refYear ? UNKNOWN_AGE : refYear - r.birth_year;
    const features = {
      female: r.gender === "female" ? 1 : 0,
      male: r.gender === "male" ? 1 : 0,
      age,
      married: r.marital_status === "married" ? 1 : 0,
      single: r.marital_status === "single" ? 1 : 0,
      divorced: r.marital_status === "divorced" ? 1 : 0,
      widowed: r.marital_status === "widowed" ? 1 : 0,
      payroll: flag(r.is_payroll),
      corporate: flag(r.is_corporate),
      premium: flag(r.is_premium),
      regular: r.active_months >= REGULAR_RULE.minActiveMonths ? 1 : 0,
    } as Record<SegmentFeature, number>;
    for (const region of regions) features[`region:${region}`] = r.region === region ? 1 : 0;
    return {
      customerId: r.customer_id,
      revenueMinor: r.gross - r.refunds,
      purchases: r.purchases,
      grossSalesMinor: r.gross,
      features,
    };
  });
  return { featureNames, rows: out };
}
