import { z } from "zod";

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

function isDay(d: unknown): d is string {
  if (typeof d !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const ms = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return new Date(ms).toISOString().slice(0, 10) === d;
}

/** First day of the month `n` months after the month of `day` (n may be negative). */
export function shiftMonths(day: string, n: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + n;
  return new Date(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1)).toISOString().slice(0, 10);
}

/**
 * The grain of a period that is exactly one calendar month, quarter (Jan/Apr/Jul/Oct) or year;
 * null for any other period (including malformed ones).
 */
export function grainOf(period: DayPeriod): CompetitorGrain | null {
  if (!isDay(period?.from) || !isDay(period?.to) || period.from.slice(8) !== "01") return null;
  const month = Number(period.from.slice(5, 7));
  if (period.to === shiftMonths(period.from, 1)) return "month";
  if (period.to === shiftMonths(period.from, 3) && (month - 1) % 3 === 0) return "quarter";
  if (period.to === shiftMonths(period.from, 12) && month === 1) return "year";
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
  return { from: shiftMonths(period.from, -MONTHS[grain]), to: period.from };
}

/** The same period one year earlier. */
export function yearAgoPeriod(period: DayPeriod): DayPeriod {
  return { from: shiftMonths(period.from, -12), to: shiftMonths(period.to, -12) };
}

/**
 * The reference window of the peer group and of the time series: the 12 calendar months ending
 * with the period ([to − 12 months, to)). It depends only on the period's end, so every grain
 * and every request ending on the same day uses the same peer group.
 */
export function referenceWindow(period: DayPeriod): DayPeriod {
  return { from: shiftMonths(period.to, -12), to: period.to };
}

/**
 * 3-month retention windows ending with the period: base [to − 6 m, to − 3 m) and return
 * [to − 3 m, to): the share of the base window's customers who buy again in the return window.
 */
export function retentionWindows(period: DayPeriod): { base: DayPeriod; back: DayPeriod } {
  const r0 = shiftMonths(period.to, -6);
  const r1 = shiftMonths(period.to, -3);
  return { base: { from: r0, to: r1 }, back: { from: r1, to: period.to } };
}

/** The first days of the months of [from, to), in order (from is a 1st). */
export function monthStarts(window: DayPeriod): string[] {
  const out: string[] = [];
  for (let m = window.from; m < window.to; m = shiftMonths(m, 1)) out.push(m);
  return out;
}

/** Mondays d such that the ISO week [d, d + 7) lies wholly inside [from, to). */
export function fullWeekStarts(window: DayPeriod): string[] {
  const ms = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  const day = 86_400_000;
  let t = ms(window.from);
  while (new Date(t).getUTCDay() !== 1) t += day;
  const end = ms(window.to);
  const out: string[] = [];
  for (; t + 7 * day <= end; t += 7 * day) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

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
  if (grain === "quarter") from = shiftMonths(from, -((Number(from.slice(5, 7)) - 1) % 3));
  if (grain === "year") from = `${from.slice(0, 4)}-01-01`;
  while (shiftMonths(from, n) > end) from = shiftMonths(from, -n);
  const out: DayPeriod[] = [];
  for (let i = 0; i < (count ?? (grain === "month" ? 24 : grain === "quarter" ? 8 : 3)); i++) {
    out.push({ from, to: shiftMonths(from, n) });
    from = shiftMonths(from, -n);
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
