import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/client";
import { suppressSmallCells, type SuppressedRow } from "@/lib/privacy/suppression";
import { roundHalfUpDiv } from "./math";
import { merchantDays, merchantFilter } from "./scope";
import { addDays, assertPeriod, periodSchema, type Period } from "@/lib/days";
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

const yesNo = (col: SQL) => sql`case when ${col} then 'yes' when not ${col} then 'no' else 'unknown' end`;

/** The SQL value of each dimension over `mc` (merchant_customers): the allow-list of expressions. */
function dimensionValue(dimension: SegmentDimension, refYear: number): SQL {
  switch (dimension) {
    case "gender":
      return sql`coalesce(mc.gender, 'unknown')`;
    case "maritalStatus":
      return sql`coalesce(mc.marital_status, 'unknown')`;
    case "region":
      return sql`coalesce(mc.region, 'unknown')`;
    case "payroll":
      return yesNo(sql`mc.is_payroll`);
    case "corporate":
      return yesNo(sql`mc.is_corporate`);
    case "premium":
      return yesNo(sql`mc.is_premium`);
    case "ageBand": {
      const age = sql`(${refYear}::int - mc.birth_year)`;
      return sql`case when mc.birth_year is null then 'unknown'
                      when ${age} < 18 then '<18'
                      when ${age} <= 24 then '18-24'
                      when ${age} <= 34 then '25-34'
                      when ${age} <= 44 then '35-44'
                      when ${age} <= 54 then '45-54'
                      when ${age} <= 64 then '55-64'
                      else '65+' end`;
    }
    default:
      throw new Error(`unknown segment dimension: ${String(dimension)}`);
  }
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
 * One pass: the per-customer totals are fanned out to one (dimension, value) pair per requested
 * dimension through a lateral VALUES list, then grouped.
 *
 * Sources: merchant_customer_daily joined to merchant_customers (demographic snapshot).
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
  const pairs = sql.join(
    unique.map((d) => sql`(${d}::text, ${dimensionValue(d, refYear)})`),
    sql`, `,
  );
  const rows = await queryRows<SegmentAggregateRow>(
    ctx.tx,
    sql`
      with per_customer as (
        select d.customer_id, sum(d.purchases)::bigint as purchases,
               sum(d.gross_sales_minor)::bigint as gross, sum(d.refunds_minor)::bigint as refunds
        from merchant_customer_daily d
        where ${merchantDays(ctx, period, "d")}
        group by d.customer_id
      )
      select dim.dimension, dim.value,
             (count(*) filter (where p.purchases > 0))::bigint as customers,
             sum(p.purchases)::bigint as purchases, sum(p.gross)::bigint as gross, sum(p.refunds)::bigint as refunds
      from per_customer p
      join merchant_customers mc on ${merchantFilter(ctx, "mc")} and mc.customer_id = p.customer_id
      cross join lateral (values ${pairs}) as dim(dimension, value)
      group by dim.dimension, dim.value`,
  );
  return buildSegments(period, unique, rows);
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
