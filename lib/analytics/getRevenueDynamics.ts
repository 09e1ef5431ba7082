import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/client";
import { roundHalfUpDiv } from "./math";
import { bucketStartSql, column, merchantDays } from "./scope";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import {
  addDays,
  assertPeriod,
  bucketSchema,
  bucketSpans,
  fillBuckets,
  periodLength,
  periodQuerySchema,
  previousPeriod,
  type Bucket,
  type BucketSpan,
  type Period,
} from "@/lib/days";

/** Options of the revenue-dynamics family. */
const revenueDynamicsOptionsSchema = z.object({ bucket: bucketSchema.default("day") });
export type RevenueDynamicsOptions = z.input<typeof revenueDynamicsOptionsSchema>;

/**
 * The API's query: a bucket plus a period, explicit ({ from, to }) or a preset
 * ({ days: 7 | 30 | 90 | 365, to }); resolve the period with `resolvePeriod`.
 */
export const revenueDynamicsQuerySchema = z.intersection(revenueDynamicsOptionsSchema, periodQuerySchema);

/** One bucket of a revenue series. Money in minor units; `customers` exact (bitmaps). */
export interface RevenueBucket extends BucketSpan {
  grossSalesMinor: number;
  refundsMinor: number;
  netRevenueMinor: number;
  purchases: number;
  refunds: number;
  /** Distinct customers with a purchase in [from, to) of the bucket. */
  customers: number;
  /** round half up of gross / purchases; null without purchases. */
  averageCheckMinor: number | null;
}

export interface RevenueDynamics {
  period: Period;
  previousPeriod: Period;
  bucket: Bucket;
  /** Every bucket of the period, gap-filled with zeros, first and last possibly partial. */
  series: RevenueBucket[];
  /**
   * The comparison series, aligned by offset: comparison[i] covers series[i]'s days shifted back
   * by the period length L ([from − L, to − L)), so both have the same buckets and day counts.
   */
  comparison: RevenueBucket[];
}

interface Row {
  is_current: boolean;
  bucket: string;
  gross_sales_minor: number;
  refunds_minor: number;
  purchases: number;
  refunds: number;
  customers: number;
}

/**
 * Revenue dynamics: gross sales, refunds, net revenue, purchases, refunds, exact distinct
 * customers and average check per day, ISO week (Monday start) or calendar month of `period`,
 * gap-filled, with the previous period of equal length as an aligned comparison series.
 *
 * The comparison is aligned by offset rather than re-bucketed: each day of the previous period
 * is moved forward by L days and bucketed with the current period, so a week or month always
 * meets the same weekdays / day count a period earlier.
 *
 * Not suppressed: every bucket is the whole merchant's own till total (like the headline).
 *
 * Sources: merchant_daily, merchant_day_customer_bitmaps (rollups only).
 * @throws Error on a malformed period or a bucket outside day|week|month
 */
export async function getRevenueDynamics(
  ctx: AnalyticsContext,
  period: Period,
  options: RevenueDynamicsOptions = {},
): Promise<RevenueDynamics> {
  assertPeriod(period);
  const { bucket } = revenueDynamicsOptionsSchema.parse(options);
  const prev = previousPeriod(period);
  const length = periodLength(period);
  const both: Period = { from: prev.from, to: period.to };

  const alignedBucket = (alias: string) =>
    bucketStartSql(
      bucket,
      sql`case when ${column(alias, "day")} >= ${period.from}::date then ${column(alias, "day")}
               else ${column(alias, "day")} + ${length}::int end`,
    );
  const inBoth = (alias: string) => merchantDays(ctx, both, alias);

  const rows = await queryRows<Row>(
    ctx.tx,
    sql`
      with sums as (
        select (d.day >= ${period.from}::date) as is_current, ${alignedBucket("d")} as bucket,
               sum(d.gross_sales_minor)::bigint as gross_sales_minor, sum(d.refunds_minor)::bigint as refunds_minor,
               sum(d.purchases)::bigint as purchases, sum(d.refunds)::bigint as refunds
        from merchant_daily d
        where ${inBoth("d")}
        group by 1, 2
      ), chunks as (
        select (b.day >= ${period.from}::date) as is_current, ${alignedBucket("b")} as bucket,
               bit_count(bit_or(b.bits)) as n
        from merchant_day_customer_bitmaps b
        where ${inBoth("b")}
        group by 1, 2, b.chunk
      ), people as (
        select is_current, bucket, sum(n)::bigint as customers from chunks group by 1, 2
      )
      select s.is_current, s.bucket::text as bucket, s.gross_sales_minor, s.refunds_minor, s.purchases, s.refunds,
             coalesce(p.customers, 0)::bigint as customers
      from sums s left join people p on p.is_current = s.is_current and p.bucket = s.bucket
      order by 1, 2`,
  );

  const spans = bucketSpans(period, bucket);
  const build = (current: boolean): RevenueBucket[] =>
    fillBuckets(
      spans,
      rows.filter((r) => r.is_current === current),
      (r) => r.bucket,
      (span, r) => toBucket(shift(span, current ? 0 : length), r),
      (span) => toBucket(shift(span, current ? 0 : length), null),
    );
  return { period, previousPeriod: prev, bucket, series: build(true), comparison: build(false) };
}

function shift(span: BucketSpan, back: number): BucketSpan {
  if (back === 0) return span;
  return { start: addDays(span.start, -back), from: addDays(span.from, -back), to: addDays(span.to, -back), days: span.days };
}

function toBucket(span: BucketSpan, r: Row | null): RevenueBucket {
  const gross = r?.gross_sales_minor ?? 0;
  const refundsMinor = r?.refunds_minor ?? 0;
  const purchases = r?.purchases ?? 0;
  return {
    ...span,
    grossSalesMinor: gross,
    refundsMinor,
    netRevenueMinor: gross - refundsMinor,
    purchases,
    refunds: r?.refunds ?? 0,
    customers: r?.customers ?? 0,
    averageCheckMinor: roundHalfUpDiv(gross, purchases),
  };
}
