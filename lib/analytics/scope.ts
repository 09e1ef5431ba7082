import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import type { Period } from "@/lib/days";
import { isoDaySchema, periodSchema } from "@/lib/days";

/*
 * The one builder every analytics query starts from (convention 2): the tenant and the period
 * are written here once, never re-typed per query. RLS already limits a scoped transaction to
 * its merchant; the explicit `merchant_id = $m` is what lets the planner use the
 * (merchant_id, day, …) primary keys of the rollups.
 *
 * Days are the merchant's local calendar days ('YYYY-MM-DD'), already fixed at ingest, so no
 * query converts time zones. Day arithmetic in JS is done on UTC midnights, which has no DST.
 */

const MS_PER_DAY = 86_400_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A table alias or column name checked against a plain-identifier pattern before `sql.raw`. */
function ident(name: string): SQL {
  if (!IDENTIFIER.test(name)) throw new Error(`analytics scope: not a plain identifier: ${name}`);
  return sql.raw(name);
}

/**
 * `alias.name` (or `name`) as SQL, both checked as plain identifiers.
 * @throws Error when either is not a plain identifier
 */
export function column(alias: string | undefined, name: string): SQL {
  return alias ? sql`${ident(alias)}.${ident(name)}` : ident(name);
}

/**
 * `<alias>.merchant_id = $merchant` for the context's merchant.
 *
 * @param alias optional table alias (plain identifier)
 * @throws Error when the alias is not a plain identifier
 */
export function merchantFilter(ctx: AnalyticsContext, alias?: string): SQL {
  return sql`${column(alias, "merchant_id")} = ${ctx.merchant.id}`;
}

/**
 * `<dayColumn> >= $from::date and <dayColumn> < $to::date`: the half-open period on a date column.
 *
 * @param dayColumn a date column (plain identifier), `day` by default
 * @throws Error when the period is malformed or an identifier is not plain
 */
export function dayRange(period: Period, alias?: string, dayColumn = "day"): SQL {
  assertPeriod(period);
  const col = column(alias, dayColumn);
  return sql`${col} >= ${period.from}::date and ${col} < ${period.to}::date`;
}

/**
 * The filter every rollup query starts from:
 * `merchant_id = $m and day >= $from and day < $to` (optionally on `alias.`).
 *
 * @param ctx     the scoped context; its merchant id is the tenant
 * @param period  half-open [from, to) of local days
 * @param alias   optional table alias (plain identifier)
 * @throws Error on a malformed period or alias
 */
export function merchantDays(ctx: AnalyticsContext, period: Period, alias?: string): SQL {
  return sql`${merchantFilter(ctx, alias)} and ${dayRange(period, alias)}`;
}

// ---------------------------------------------------------------------------------------------
// Calendar-day helpers (pure)

/**
 * Parses a 'YYYY-MM-DD' local day into UTC milliseconds of its midnight.
 * @throws Error when the string is not a real calendar day (e.g. '2024-02-30')
 */
export function dayToMs(day: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a YYYY-MM-DD day: ${day}`);
  const ms = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  if (msToDay(ms) !== day) throw new Error(`not a calendar day: ${day}`);
  return ms;
}

/** UTC milliseconds of a midnight → 'YYYY-MM-DD'. */
export function msToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `day` plus `n` calendar days (n may be negative). */
export function addDays(day: string, n: number): string {
  return msToDay(dayToMs(day) + n * MS_PER_DAY);
}

/** Whole days from `from` to `to` (to − from); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayToMs(to) - dayToMs(from)) / MS_PER_DAY);
}

/** Length of a half-open period in days. */
export function periodLength(period: Period): number {
  return daysBetween(period.from, period.to);
}

/**
 * Validates a period: both ends real calendar days and `from < to`.
 * @throws Error naming the problem
 */
export function assertPeriod(period: Period): void {
  const parsed = periodSchema.safeParse(period);
  if (!parsed.success) {
    throw new Error(`invalid period ${JSON.stringify(period)}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
}

/**
 * The comparison period: the same number of days immediately before `period`
 * ([from − L, from) where L = to − from).
 */
export function previousPeriod(period: Period): Period {
  assertPeriod(period);
  const length = periodLength(period);
  return { from: addDays(period.from, -length), to: period.from };
}

/** ISO day of week of a local day: 1 = Monday … 7 = Sunday. */
export function isoDayOfWeek(day: string): number {
  const d = new Date(dayToMs(day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** First day of the calendar month containing `day`. */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** First day of the month `n` months after the month of `day` (n may be negative). */
export function addMonths(day: string, n: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + n;
  return msToDay(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1));
}

/** Calendar months from the month of `from` to the month of `to` (0 when the same month). */
export function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}

// ---------------------------------------------------------------------------------------------
// Buckets

/** The allow-list of time buckets. Weeks are ISO weeks starting on Monday. */
export const BUCKETS = ["day", "week", "month"] as const;
export const bucketSchema = z.enum(BUCKETS);
export type Bucket = z.infer<typeof bucketSchema>;

const DATE_TRUNC_UNIT: Record<Bucket, string> = { day: "day", week: "week", month: "month" };

/**
 * `date_trunc('<unit>', <dateExpr>::timestamp)::date`: the bucket start of a date expression.
 * The unit comes from the allow-list; the cast to `timestamp` (not timestamptz) keeps the
 * truncation independent of the session time zone on both databases.
 *
 * @throws Error for a bucket outside the allow-list
 */
export function bucketStartSql(bucket: Bucket, dateExpr: SQL): SQL {
  const unit = DATE_TRUNC_UNIT[bucket];
  if (!unit) throw new Error(`unknown bucket: ${String(bucket)}`);
  return sql`date_trunc(${sql.raw(`'${unit}'`)}, (${dateExpr})::timestamp)::date`;
}

/** The start of the bucket containing `day` (JS twin of {@link bucketStartSql}). */
export function bucketStart(bucket: Bucket, day: string): string {
  if (bucket === "day") return addDays(day, 0);
  if (bucket === "week") return addDays(day, 1 - isoDayOfWeek(day));
  if (bucket === "month") return monthStart(day);
  throw new Error(`unknown bucket: ${String(bucket)}`);
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucketStart(bucket: Bucket, start: string): string {
  if (bucket === "day") return addDays(start, 1);
  if (bucket === "week") return addDays(start, 7);
  return addMonths(start, 1);
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
  days: number;
}

/**
 * Every bucket intersecting `period`, in order, clipped to it: the frame gap filling fills.
 * @throws Error on a malformed period
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
 * Gap filling: one output row per bucket of the period, the query's row when there is one,
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

// ---------------------------------------------------------------------------------------------
// Preset ranges

/** The preset lengths of the revenue-dynamics picker, in days. */
export const PRESET_DAYS = [7, 30, 90, 365] as const;
export type PresetDays = (typeof PRESET_DAYS)[number];

/**
 * A period given either explicitly ({ from, to }) or as a preset length ending at `to`
 * ({ days: 7 | 30 | 90 | 365, to }, meaning [to − days, to); `to` exclusive like every period).
 */
export const periodQuerySchema = z.union([
  z.object({
    days: z.coerce
      .number()
      .int()
      .refine((d) => (PRESET_DAYS as readonly number[]).includes(d), { message: "days must be 7, 30, 90 or 365" }),
    to: isoDaySchema,
  }),
  periodSchema,
]);
export type PeriodQuery = z.infer<typeof periodQuerySchema>;

/**
 * Resolves a preset or explicit period query to a {@link Period}.
 * @throws Error when the resulting period is malformed
 */
export function resolvePeriod(query: PeriodQuery): Period {
  const period = "days" in query ? { from: addDays(query.to, -query.days), to: query.to } : { from: query.from, to: query.to };
  assertPeriod(period);
  return period;
}
