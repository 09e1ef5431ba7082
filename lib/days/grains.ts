import { addMonthsToMonthStart, isIsoDay } from "./calendar";

/*
 * Whole calendar periods (kernel: imports nothing of ours): one calendar month, quarter
 * (starting in January, April, July or October) or year, as half-open [from, to) of local days.
 * The competitor figures are asked for such periods only (docs/adr/0006-peer-groups-privacy.md),
 * and their picker lists them.
 */

/** The grains of a whole calendar period. */
export const CALENDAR_GRAINS = ["month", "quarter", "year"] as const;
export type CalendarGrain = (typeof CALENDAR_GRAINS)[number];

/** Calendar months per grain. */
const GRAIN_MONTHS: Readonly<Record<CalendarGrain, number>> = { month: 1, quarter: 3, year: 12 };

/** How many whole periods of each grain a picker offers by default: two years of months, of quarters, three years. */
export const DEFAULT_GRAIN_PERIODS: Readonly<Record<CalendarGrain, number>> = { month: 24, quarter: 8, year: 3 };

/**
 * The grain of a period that is exactly one calendar month, quarter (Jan/Apr/Jul/Oct) or year;
 * null for any other period (including malformed ones).
 */
export function grainOf(period: { from: string; to: string }): CalendarGrain | null {
  if (!isIsoDay(period?.from) || !isIsoDay(period?.to) || period.from.slice(8) !== "01") return null;
  const month = Number(period.from.slice(5, 7));
  if (period.to === addMonthsToMonthStart(period.from, 1)) return "month";
  if (period.to === addMonthsToMonthStart(period.from, 3) && (month - 1) % 3 === 0) return "quarter";
  if (period.to === addMonthsToMonthStart(period.from, 12) && month === 1) return "year";
  return null;
}

/**
 * The previous whole period of the same grain (the previous month, quarter or year).
 * @throws RangeError when `period.from` is not a real calendar day
 */
export function previousGrainPeriod(period: { from: string; to: string }, grain: CalendarGrain): { from: string; to: string } {
  return { from: addMonthsToMonthStart(period.from, -GRAIN_MONTHS[grain]), to: period.from };
}

/**
 * The same whole period one year earlier.
 * @throws RangeError when either end is not a real calendar day
 */
export function yearAgoPeriod(period: { from: string; to: string }): { from: string; to: string } {
  return { from: addMonthsToMonthStart(period.from, -12), to: addMonthsToMonthStart(period.to, -12) };
}

/**
 * The whole periods of a grain that end on or before `end` (an exclusive end, e.g. the day after
 * the latest data day), newest first: `count` of them (default {@link DEFAULT_GRAIN_PERIODS}).
 * @throws RangeError when `end` is not a real calendar day
 */
export function grainPeriods(grain: CalendarGrain, end: string, count = DEFAULT_GRAIN_PERIODS[grain]): Array<{ from: string; to: string }> {
  const n = GRAIN_MONTHS[grain];
  let from = addMonthsToMonthStart(end, 0);
  if (grain === "quarter") from = addMonthsToMonthStart(from, -((Number(from.slice(5, 7)) - 1) % 3));
  if (grain === "year") from = `${from.slice(0, 4)}-01-01`;
  while (addMonthsToMonthStart(from, n) > end) from = addMonthsToMonthStart(from, -n);
  const out: Array<{ from: string; to: string }> = [];
  for (let i = 0; i < count; i++) {
    out.push({ from, to: addMonthsToMonthStart(from, n) });
    from = addMonthsToMonthStart(from, -n);
  }
  return out;
}
