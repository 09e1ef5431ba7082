import { sql, type SQL } from "drizzle-orm";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { assertPeriod, type Bucket, type Period } from "@/lib/days";

/*
 * The one builder every analytics query starts from (convention 2): the tenant and the period
 * are written here once, never re-typed per query. RLS already limits a scoped transaction to
 * its merchant; the explicit `merchant_id = $m` is what lets the planner use the
 * (merchant_id, day, …) primary keys of the rollups.
 *
 * Days are the merchant's local calendar days ('YYYY-MM-DD'), already fixed at ingest, so no
 * query converts time zones. Calendar-day arithmetic in JS is the lib/days kernel's.
 */

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

/**
 * `merchant_id = $m and (<day in periods[0]> or …)` for the days a month-grained rollup cannot
 * answer (the cuts of lib/days `wholeMonthsIn`); `false` when there are none, so the branch
 * reads nothing.
 *
 * @param periods half-open [from, to) periods of local days (0, 1 or 2 in practice)
 * @throws Error on a malformed period or alias
 */
export function merchantDaysIn(ctx: AnalyticsContext, periods: readonly Period[], alias?: string): SQL {
  if (periods.length === 0) return sql`false`;
  return sql`${merchantFilter(ctx, alias)} and (${sql.join(
    periods.map((p) => sql`(${dayRange(p, alias)})`),
    sql` or `,
  )})`;
}

/**
 * `merchant_id = $m and month >= $from and month < $to` on a month-grained rollup (`month` the
 * first day of a calendar month) for the whole months of a period; `false` when it has none.
 *
 * @param months the whole months as a half-open [first month, month after the last), or null
 * @throws Error on a malformed span or alias
 */
export function merchantMonths(ctx: AnalyticsContext, months: Period | null, alias?: string): SQL {
  if (!months) return sql`false`;
  return sql`${merchantFilter(ctx, alias)} and ${dayRange(months, alias, "month")}`;
}

// ---------------------------------------------------------------------------------------------
// Buckets: the union, bucket starts and spans are the lib/days kernel's; their SQL twin is here.

const DATE_TRUNC_UNIT: Record<Bucket, string> = { day: "day", week: "week", month: "month" };

/**
 * `date_trunc('<unit>', <dateExpr>::timestamp)::date`: the bucket start of a date expression
 * (SQL twin of lib/days bucketStart).
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
