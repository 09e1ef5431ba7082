import { z } from "zod";
import { addDays, addMonthsToMonthStart, daysBetween, isoWeekStart, monthStart, dayToMs } from "./calendar";
import { assertPeriod, type Period } from "./period";

/*
 * Time buckets (kernel: imports nothing of ours): a day, an ISO week starting on Monday, or a
 * calendar month. The one definition of the bucket union and of the frame that gap filling
 * fills, shared by the analytics queries (whose SQL twin is lib/analytics/scope bucketStartSql)
 * and the chart builders.
 */

/** The allow-list of time buckets (`bucketSchema.options` lists them). Weeks are ISO weeks starting on Monday. */
export const bucketSchema = z.enum(["day", "week", "month"]);
export type Bucket = z.infer<typeof bucketSchema>;

/**
 * The start of the bucket containing `day`: the day itself, its ISO week's Monday, or its
 * month's 1st.
 * @throws RangeError for a bucket outside the allow-list or a day that does not exist
 */
export function bucketStart(bucket: Bucket, day: string): string {
  if (bucket === "day") return addDays(day, 0);
  if (bucket === "week") return isoWeekStart(day);
  if (bucket === "month") {
    dayToMs(day);
    return monthStart(day);
  }
  throw new RangeError(`unknown bucket: ${String(bucket)}`);
}

/**
 * The start of the bucket after the one starting at `start`.
 * @throws RangeError for a bucket outside the allow-list or a day that does not exist
 */
export function nextBucketStart(bucket: Bucket, start: string): string {
  if (bucket === "day") return addDays(start, 1);
  if (bucket === "week") return addDays(start, 7);
  if (bucket === "month") return addMonthsToMonthStart(start, 1);
  throw new RangeError(`unknown bucket: ${String(bucket)}`);
}

/**
 * One bucket of a period: `start` is the calendar bucket start (a Monday for weeks, the 1st for
 * months) and may precede the period; `from`/`to` are the bucket clipped to the period
 * (half-open), so the first and last buckets may be partial (`days` < the bucket's length).
 */
export interface BucketSpan {
  start: string;
  from: string;
  to: string;
  /** Days of the bucket inside the period (to − from). */
  days: number;
}

/**
 * Every bucket intersecting `period`, in order, clipped to it: the frame gap filling fills.
 * @throws Error on a malformed period, RangeError on an unknown bucket
 */
export function bucketSpans(period: Period, bucket: Bucket): BucketSpan[] {
  assertPeriod(period);
  const spans: BucketSpan[] = [];
  for (let start = bucketStart(bucket, period.from); start < period.to; start = nextBucketStart(bucket, start)) {
    const end = nextBucketStart(bucket, start);
    const from = start < period.from ? period.from : start;
    const to = end > period.to ? period.to : end;
    spans.push({ start, from, to, days: daysBetween(from, to) });
  }
  return spans;
}

/**
 * Gap filling: one output row per bucket of the frame, the query's row when there is one,
 * else `empty(span)`. Rows are matched on `key(row) === span.start`; rows outside the frame
 * are dropped.
 */
export function fillBuckets<R, T>(
  spans: readonly BucketSpan[],
  rows: readonly R[],
  key: (row: R) => string,
  present: (span: BucketSpan, row: R) => T,
  empty: (span: BucketSpan) => T,
): T[] {
  const byStart = new Map(rows.map((r) => [key(r), r] as const));
  return spans.map((span) => {
    const row = byStart.get(span.start);
    return row === undefined ? empty(span) : present(span, row);
  });
}
