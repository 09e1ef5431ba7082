import { sql, type SQL } from "drizzle-orm";
import type { DayPeriod } from "../periods";

/*
 * SQL fragments shared by the unguarded rollup reads of the Competitors report. Internal to
 * lib/privacy (*.internal.ts: nothing outside lib/privacy imports it).
 */

/**
 * The member ids as a parameterised `in (…)` list.
 * @throws Error on an empty list or a non-integer id (a bug: the peer group always holds the merchant)
 */
export function inList(ids: readonly number[]): SQL {
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id))) throw new Error("competitors: empty or invalid member list");
  return sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
}

/** `col` inside the half-open day window `[p.from, p.to)`. */
export const between = (col: SQL, p: DayPeriod) => sql`${col} >= ${p.from}::date and ${col} < ${p.to}::date`;
