import { z } from "zod";
import {
  addMonthsToMonthStart,
  CALENDAR_GRAINS,
  fullIsoWeekStarts,
  grainOf,
  grainPeriods,
  monthStartsIn,
  previousGrainPeriod,
  yearAgoPeriod,
  type CalendarGrain,
} from "@/lib/days";

/*
 * Grain-aligned periods of the competitor figures (pure). A competitor request names one whole
 * calendar month, quarter or year, never an arbitrary range, so the reference window of its peer
 * group is fixed by the calendar (docs/adr/0006-peer-groups-privacy.md). Days are local
 * 'YYYY-MM-DD', periods half-open [from, to). The calendar arithmetic (grains, whole periods,
 * month starts, ISO weeks) is lib/days'; the windows the disclosure rules use are defined here.
 */

/** The grains a competitor period may have: the calendar grains of lib/days. */
export type CompetitorGrain = CalendarGrain;
export { grainOf, grainPeriods, previousGrainPeriod, yearAgoPeriod };

/** A half-open period of local days. */
export interface DayPeriod {
  from: string;
  to: string;
}

/**
 * The grain of `period`.
 * @throws Error when the period is not one whole calendar month, quarter or year
 */
export function requireGrain(period: DayPeriod): CompetitorGrain {
  const grain = grainOf(period);
  if (!grain) {
    throw new Error(`competitor figures need one whole calendar month, quarter or year, got ${JSON.stringify(period)}`);
  }
  return grain;
}

/**
 * The reference window of the peer group and of the time series: the 12 calendar months ending
 * with the period ([to − 12 months, to)). It depends only on the period's end, so every grain
 * and every request ending on the same day uses the same peer group.
 */
export function referenceWindow(period: DayPeriod): DayPeriod {
  return { from: addMonthsToMonthStart(period.to, -12), to: period.to };
}

/**
 * 3-month retention windows ending with the period: base [to − 6 m, to − 3 m) and return
 * [to − 3 m, to): the share of the base window's customers who buy again in the return window.
 */
export function retentionWindows(period: DayPeriod): { base: DayPeriod; back: DayPeriod } {
  const r0 = addMonthsToMonthStart(period.to, -6);
  const r1 = addMonthsToMonthStart(period.to, -3);
  return { base: { from: r0, to: r1 }, back: { from: r1, to: period.to } };
}

/** The first days of the months of [from, to), in order (lib/days monthStartsIn). */
export const monthStarts: (window: DayPeriod) => string[] = monthStartsIn;

/** Mondays d such that the ISO week [d, d + 7) lies wholly inside [from, to) (lib/days fullIsoWeekStarts). */
export const fullWeekStarts: (window: DayPeriod) => string[] = fullIsoWeekStarts;

/**
 * The query of the Competitors API and CLI: `from`/`to` ('YYYY-MM-DD', `to` exclusive) naming one
 * whole calendar month, quarter or year (the grain is read off the period).
 */
export const competitorQuerySchema = z
  .object({
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD"),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD"),
  })
  .refine((p) => grainOf(p) !== null, { message: "the period must be one whole calendar month, quarter or year", path: ["from"] });

/**
 * Every period the Competitors page offers for data ending before `end` (exclusive; the day after
 * the latest data day): grainPeriods of each grain with its default count (lib/days
 * DEFAULT_GRAIN_PERIODS: 24 months, 8 quarters and 3 years), newest first within each grain.
 */
export function offeredPeriods(end: string): DayPeriod[] {
  return CALENDAR_GRAINS.flatMap((grain) => grainPeriods(grain, end));
}
