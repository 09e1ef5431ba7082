import { sql } from "drizzle-orm";

/**
 * The (merchant_id, month) pairs of the full-recompute path's `rollup_touched` days (month: the
 * first day of the calendar month), as a subquery: the month-grained rollups (month planes,
 * month × hour-slot bitmaps, segment sums) rebuild exactly these months.
 */
export const TOUCHED_MONTHS = sql`select distinct merchant_id, date_trunc('month', day::timestamp)::date as month from rollup_touched`;
