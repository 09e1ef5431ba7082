import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { merchantFilter } from "./scope";

/**
 * What the money of CLV and revenue at risk means on the pages (issue 17, "CLV in margin"): the
 * merchant's gross margin when it set one (figures × grossMarginBp / 10000, "in margin"), or
 * revenue (grossMarginBp null, "in revenue, no margin set").
 */
export interface ValueBasis {
  /** Gross margin in basis points of revenue, 1..10000; null when not set. */
  grossMarginBp: number | null;
}

/**
 * The merchant's value basis from its settings (lib/accounts/settings.ts writes them).
 * Sources: merchant_settings (RLS: the scope sees its own row only).
 */
export async function getValueBasis(ctx: AnalyticsContext): Promise<ValueBasis> {
  const [row] = await queryRows<{ bp: number | null }>(
    ctx.tx,
    sql`select gross_margin_bp as bp from merchant_settings where ${merchantFilter(ctx)}`,
  );
  return { grossMarginBp: row?.bp === null || row?.bp === undefined ? null : Number(row.bp) };
}
