import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "@/db/client";
import { merchantFilter } from "./scope";
import { daysBetween, isoDaySchema } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/** Time units of the summary (an allow-list: the API and CLI validate with it). */
export const RFM_TIME_UNITS = ["week", "day"] as const;
export type RfmTimeUnit = (typeof RFM_TIME_UNITS)[number];
const DAYS_PER_UNIT: Record<RfmTimeUnit, number> = { week: 7, day: 1 };

/** Options of {@link getRfmSummary}; the API and the CLI validate with this schema. */
const rfmSummaryOptionsSchema = z
  .object({
    calibrationEnd: isoDaySchema,
    timeUnit: z.enum(RFM_TIME_UNITS),
    from: isoDaySchema.optional(),
  })
  .strict()
  .refine((o) => o.from === undefined || o.from <= o.calibrationEnd, {
    message: "`from` must not be after `calibrationEnd`",
    path: ["from"],
  });

/**
 * One customer's calibration summary for the BG/NBD and Gamma-Gamma models (lib/models).
 * x, tx, T are in the requested time unit and unrounded; mx in minor units of the merchant's
 * currency, unrounded.
 */
export interface CustomerRfm {
  /** Internal customer id (customers.id). */
  customerId: number;
  /** Repeat purchase occasions in [firstDay, calibrationEnd]: occasions − 1. */
  x: number;
  /** (lastDay − firstDay) / unit. */
  tx: number;
  /** (calibrationEnd − firstDay) / unit. */
  T: number;
  /** Mean value of the x repeat occasions (the first occasion excluded), minor units; null when x = 0. */
  mx: number | null;
  /** First purchase day at this merchant ('YYYY-MM-DD', local). */
  firstDay: string;
  /** Last purchase day on or before calibrationEnd. */
  lastDay: string;
}

interface RfmRow {
  customer_id: number;
  first_day: string;
  last_day: string;
  occasions: number;
  repeat_gross_minor: number;
}

/**
 * The RFM summary (x, t_x, T, m_x) of every customer of the merchant who first bought on or
 * before `calibrationEnd`, as the BG/NBD and Gamma-Gamma models need it (Fader, Hardie & Lee
 * 2005, section 2; the CDNOW recipe of shared/data/README.md section 2).
 *
 * - A purchase occasion is a customer-day with purchases > 0 in merchant_customer_daily: several
 *   purchases of one customer on one local day merge into one occasion whose value is that day's
 *   gross_sales_minor (as the CDNOW reference merges same-day transactions). Refunds are ignored
 *   (neither occasions nor values), so a refund-only day is not an occasion.
 * - calibrationEnd is inclusive: occasions are the days in [first purchase, calibrationEnd].
 *   x = occasions − 1, tx = (last − first) / unit, T = (calibrationEnd − first) / unit, with a
 *   week = 7 days; exact whole-day arithmetic on local dates, no time zones.
 * - Not rounded: the CLVTools reference (LL −9582.429 on CDNOW) is on unrounded weeks; the
 *   README's summary file rounds to 2 decimals and gives LL −9582.426 (docs/models/clv.md).
 * - mx = (Σ values of the occasions after the first) / x, in minor units, not rounded; null when
 *   x = 0.
 * - `from` (optional) keeps only customers whose first purchase at the merchant, ever, is on or
 *   after `from` (a cohort, like CDNOW's Q1 1997 first-time buyers). It never cuts a history: a
 *   customer who bought before `from` is left out rather than given a wrong first day.
 * - Customers whose first purchase is after calibrationEnd are not returned. Rows are ordered by
 *   customerId.
 *
 * Not suppressed: one row per customer of the merchant's own customer list (the merchant's own
 * data, like its customer table), and models are fitted on it, not shown as cells.
 *
 * Sources: merchant_customer_daily (rollups only).
 * @throws ZodError on a malformed day, unknown time unit, or `from` after `calibrationEnd`
 */
export async function getRfmSummary(
  ctx: AnalyticsContext,
  opts: { calibrationEnd: string; timeUnit: "week" | "day"; from?: string },
): Promise<CustomerRfm[]> {
  const { calibrationEnd, timeUnit, from } = rfmSummaryOptionsSchema.parse(opts);
  // The first purchase ever must be known even with `from`, so the window starts at the dawn of
  // the merchant's data and `from` filters the first day afterwards.
  const rows = await queryRows<RfmRow>(
    ctx.tx,
    sql`
      select customer_id, first_day::text as first_day, last_day::text as last_day, occasions, repeat_gross_minor
      from (
        select d.customer_id,
               min(d.day) as first_day,
               max(d.day) as last_day,
               count(*)::int as occasions,
               (sum(d.gross_sales_minor) - sum(d.gross_sales_minor) filter (where d.occasion = 1))::bigint
                 as repeat_gross_minor
        from (
          select customer_id, day, gross_sales_minor,
                 row_number() over (partition by customer_id order by day) as occasion
          from merchant_customer_daily
          where ${merchantFilter(ctx)} and purchases > 0 and day <= ${calibrationEnd}::date
        ) d
        group by d.customer_id
      ) c
      where ${from === undefined ? sql`true` : sql`c.first_day >= ${from}::date`}
      order by customer_id`,
  );
  const unit = DAYS_PER_UNIT[timeUnit];
  return rows.map((r) => {
    const x = r.occasions - 1;
    return {
      customerId: r.customer_id,
      x,
      tx: daysBetween(r.first_day, r.last_day) / unit,
      T: daysBetween(r.first_day, calibrationEnd) / unit,
      mx: x === 0 ? null : r.repeat_gross_minor / x,
      firstDay: r.first_day,
      lastDay: r.last_day,
    };
  });
}
