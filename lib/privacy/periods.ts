import { z } from "zod";
import { addMonthsToMonthStart, fullIsoWeekStarts, isIsoDay, monthStartsIn } from "@/lib/days";

/*
 * Grain-aligned periods of the competitor figures (pure). A competitor request names one whole
 * calendar month, quarter or year, never an arbitrary range, so the reference window of its peer
 * group is fixed by the calendar (docs/adr/0006-peer-groups-privacy.md). Days are local
 * 'YYYY-MM-DD', periods half-open [from, to).
 */

/** The grains a competitor period may have. */
export const COMPETITOR_GRAINS = ["month", "quarter", "year"] as const;
export type CompetitorGrain = (typeof COMPETITOR_GRAINS)[number];

/** A half-open period of local days. */
export interface DayPeriod {
  from: string;
  to: string;
}

const MONTHS: Record<CompetitorGrain, number> = { month: 1, quarter: 3, year: 12 };

/**
 * @deprecated lib/days addMonthsToMonthStart under its old name, for app/m/[slug]/competitors/page.tsx
 * (another branch's file while issue 12 is merged): import addMonthsToMonthStart there and delete this.
 */
export const shiftMonths = addMonthsToMonthStart;

/**
 * The grain of a period that is exactly one calendar month, quarter (Jan/Apr/Jul/Oct) or year;
 * null for any other period (including malformed ones).
 */
export function grainOf(period: DayPeriod): CompetitorGrain | null {
  if (!isIsoDay(period?.from) || !isIsoDay(period?.to) || period.from.slice(8) !== "01") return null;
  const month = Number(period.from.slice(5, 7));
  if (period.to === addMonthsToMonthStart(period.from, 1)) return "month";
  if (period.to === addMonthsToMonthStart(period.from, 3) && (month - 1) % 3 === 0) return "quarter";
  if (period.to === addMonthsToMonthStart(period.from, 12) && month === 1) return "year";
  return null;
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

/** The previous period of the same grain (e.g. the previous month). */
export function previousGrainPeriod(period: DayPeriod, grain: CompetitorGrain): DayPeriod {
  return { from: addMonthsToMonthStart(period.from, -MONTHS[grain]), to: period.from };
}

/** The same period one year earlier. */
export function yearAgoPeriod(period: DayPeriod): DayPeriod {
  return { from: addMonthsToMonthStart(period.from, -12), to: addMonthsToMonthStart(period.to, -12) };
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
 * The whole periods of a grain that end on or before `end` (exclusive end, e.g. the day after
 * the latest data day), newest first: `count` of them (default 24 months, 8 quarters, 3 years).
 */
export function grainPeriods(grain: CompetitorGrain, end: string, count?: number): DayPeriod[] {
  const n = MONTHS[grain];
  let from = `${end.slice(0, 7)}-01`;
  if (grain === "quarter") from = addMonthsToMonthStart(from, -((Number(from.slice(5, 7)) - 1) % 3));
  if (grain === "year") from = `${from.slice(0, 4)}-01-01`;
  while (addMonthsToMonthStart(from, n) > end) from = addMonthsToMonthStart(from, -n);
  const out: DayPeriod[] = [];
  for (let i = 0; i < (count ?? (grain === "month" ? 24 : grain === "quarter" ? 8 : 3)); i++) {
    out.push({ from, to: addMonthsToMonthStart(from, n) });
    from = addMonthsToMonthStart(from, -n);
  }
  return out;
}

/**
 * Every period the Competitors page offers for data ending before `end` (exclusive; the day after
 * the latest data day): grainPeriods of each grain with its default count — 24 months, 8 quarters
 * and 3 years, newest first within each grain.
 */
export function offeredPeriods(end: string): DayPeriod[] {
  return COMPETITOR_GRAINS.flatMap((grain) => grainPeriods(grain, end));
}
