import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { merchantFilter } from "./scope";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/** The local days a merchant has data for; null bounds when it has none yet. */
export interface DataRange {
  /** First local day with a transaction ('YYYY-MM-DD'), inclusive. */
  firstDay: string | null;
  /** Last local day with a transaction ('YYYY-MM-DD'), inclusive. */
  lastDay: string | null;
}

/**
 * First and last local day with any transaction of the merchant, from merchant_daily (one index
 * range scan on its (merchant_id, day) primary key). The UI's default period is the 30 days
 * ending at `lastDay`, so a demo bank whose data lies in the past still shows figures.
 *
 * Sources: merchant_daily (rollup).
 */
export async function getDataRange(ctx: AnalyticsContext): Promise<DataRange> {
  const [row] = await queryRows<{ first_day: string | null; last_day: string | null }>(
    ctx.tx,
    sql`select min(day)::text as first_day, max(day)::text as last_day
        from merchant_daily where ${merchantFilter(ctx)}`,
  );
  return { firstDay: row?.first_day ?? null, lastDay: row?.last_day ?? null };
}
