/*
 * Calendar-day arithmetic (kernel: imports nothing of ours). A day is a local calendar day
 * 'YYYY-MM-DD' in the merchant's time zone, already fixed at ingest; arithmetic runs on UTC
 * midnights, which have no daylight saving time, so adding a day always adds one calendar day.
 * Every function rejects a string that is not a real calendar day with a RangeError (nothing is
 * silently shifted: '2024-02-30' is an error, not 1 March).
 */

/** Milliseconds in a calendar day (UTC midnights are exactly this far apart). */
export const MS_PER_DAY = 86_400_000;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * UTC milliseconds of the midnight starting a 'YYYY-MM-DD' day.
 * @throws RangeError "not a YYYY-MM-DD day" for another shape, "not a calendar day" for a day
 *         that does not exist (e.g. '2023-02-29')
 */
export function dayToMs(day: string): number {
  const m = typeof day === "string" ? DAY_PATTERN.exec(day) : null;
  if (!m) throw new RangeError(`not a YYYY-MM-DD day: ${String(day)}`);
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Checked by integer arithmetic, not by formatting the result back (a Date and a string per
  // call: 5 s of the model jobs' 137 s, called per daily row by the Competitors' correlation).
  // Date.UTC reads years 0–99 as 1900–1999, so those are not days it can place.
  if (year < 100 || !isCalendarDate(year, month, date)) throw new RangeError(`not a calendar day: ${day}`);
  return Date.UTC(year, month - 1, date);
}

/** UTC milliseconds (of any instant of the day) → that UTC day as 'YYYY-MM-DD'. */
function msToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether year-month-day (month 1–12) is a day of the proleptic Gregorian calendar, by integer
 * arithmetic only (no Date): the check ingest runs once per row of multi-million-row files.
 */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1];
}

/** True when `value` is a 'YYYY-MM-DD' string naming a real calendar day. */
export function isIsoDay(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    dayToMs(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Days since 1970-01-01 (the Unix epoch day number; 1970-01-01 is 0, a Thursday).
 * @throws RangeError when `day` is not a real 'YYYY-MM-DD' day
 */
export function epochDay(day: string): number {
  return dayToMs(day) / MS_PER_DAY;
}

/** The day with epoch day number `n` (see {@link epochDay}) as 'YYYY-MM-DD'. */
export function dayFromEpoch(n: number): string {
  return msToDay(n * MS_PER_DAY);
}

/**
 * `day` plus `n` calendar days (n may be negative): addDays('2024-02-28', 1) === '2024-02-29'.
 * @throws RangeError when `day` is not a real calendar day
 */
export function addDays(day: string, n: number): string {
  return msToDay(dayToMs(day) + n * MS_PER_DAY);
}

/**
 * Whole days from `from` to `to` (to − from), negative when `to` is earlier:
 * daysBetween('2024-01-01', '2024-02-01') === 31.
 * @throws RangeError when either is not a real calendar day
 */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayToMs(to) - dayToMs(from)) / MS_PER_DAY);
}

/**
 * Every day of the half-open [from, to), in order (empty when to ≤ from).
 * @throws RangeError when either end is not a real calendar day
 */
export function daysIn(period: { from: string; to: string }): string[] {
  const n = daysBetween(period.from, period.to);
  const start = dayToMs(period.from);
  return Array.from({ length: Math.max(0, n) }, (_, i) => msToDay(start + i * MS_PER_DAY));
}

// ---------------------------------------------------------------------------------------------
// ISO weeks (ISO 8601: weeks start on Monday)

/**
 * ISO day of the week: 1 = Monday … 7 = Sunday.
 * @throws RangeError when `day` is not a real calendar day
 */
export function isoDayOfWeek(day: string): number {
  const d = new Date(dayToMs(day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The Monday starting the ISO week that contains `day`.
 * @throws RangeError when `day` is not a real calendar day
 */
export function isoWeekStart(day: string): string {
  return addDays(day, 1 - isoDayOfWeek(day));
}

/**
 * The Mondays d such that the whole ISO week [d, d + 7) lies inside the half-open
 * [from, to), in order (a partial first or last week is left out).
 * @throws RangeError when either end is not a real calendar day
 */
export function fullIsoWeekStarts(period: { from: string; to: string }): string[] {
  const first = isoDayOfWeek(period.from) === 1 ? period.from : addDays(isoWeekStart(period.from), 7);
  const out: string[] = [];
  for (let monday = first; addDays(monday, 7) <= period.to; monday = addDays(monday, 7)) out.push(monday);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Months. The product uses two month arithmetics, each named for what it does:
// - addMonthsToMonthStart: month buckets, cohorts, rolling windows of whole months and the
//   competitor grains work on month starts, so the day of the month is dropped;
// - addMonthsRollingOver: the synthetic bank's window keeps the day of the month, and a day that
//   the target month lacks rolls over into the next month, as JavaScript's Date does.

/** First day of the calendar month containing `day` ('2024-02-29' → '2024-02-01'). */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/**
 * The first day of the month `n` calendar months after the month of `day` (n may be
 * negative); the day of the month is dropped: addMonthsToMonthStart('2024-01-31', 1) ===
 * '2024-02-01', addMonthsToMonthStart('2024-03-15', -5) === '2023-10-01'.
 * @throws RangeError when `day` is not a real calendar day
 */
export function addMonthsToMonthStart(day: string, n: number): string {
  dayToMs(day);
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + n;
  return msToDay(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1));
}

/**
 * The same day of the month `n` calendar months after `day` (n may be negative); when the
 * target month is shorter, the surplus days roll over into the following month (ECMAScript
 * Date.prototype.setUTCMonth semantics): addMonthsRollingOver('2024-01-31', 1) === '2024-03-02',
 * addMonthsRollingOver('2026-11-01', -24) === '2024-11-01'.
 * @throws RangeError when `day` is not a real calendar day
 */
export function addMonthsRollingOver(day: string, n: number): string {
  const d = new Date(dayToMs(day));
  d.setUTCMonth(d.getUTCMonth() + n);
  return msToDay(d.getTime());
}

/**
 * Calendar months from the month of `from` to the month of `to` (0 when the same month,
 * negative when `to` is earlier): monthsBetween('2023-11-20', '2024-02-01') === 3.
 */
export function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}

/**
 * The first days of every calendar month that intersects the half-open [from, to), in order
 * ({ from: '2024-01-15', to: '2024-03-01' } → ['2024-01-01', '2024-02-01']).
 * @throws RangeError when either end is not a real calendar day
 */
export function monthStartsIn(period: { from: string; to: string }): string[] {
  dayToMs(period.to);
  const out: string[] = [];
  for (let m = monthStart(period.from); m < period.to; m = addMonthsToMonthStart(m, 1)) out.push(m);
  return out;
}

/**
 * The whole calendar months inside the half-open `period`, and the days left on either side of
 * them (what a month-grained rollup cannot answer):
 * { from: '2024-01-15', to: '2024-04-10' } → whole { from: '2024-02-01', to: '2024-04-01' }, cuts
 * [{ from: '2024-01-15', to: '2024-02-01' }, { from: '2024-04-01', to: '2024-04-10' }]. A period
 * that holds no whole month gives whole null and itself as the only cut. Each cut is shorter than
 * a month.
 * @throws RangeError when either end is not a real calendar day
 */
export function wholeMonthsIn(period: { from: string; to: string }): {
  whole: { from: string; to: string } | null;
  cuts: { from: string; to: string }[];
} {
  dayToMs(period.to);
  const first = period.from === monthStart(period.from) ? period.from : addMonthsToMonthStart(period.from, 1);
  const end = monthStart(period.to);
  if (first >= end) return { whole: null, cuts: [{ from: period.from, to: period.to }] };
  const cuts: { from: string; to: string }[] = [];
  if (period.from < first) cuts.push({ from: period.from, to: first });
  if (end < period.to) cuts.push({ from: end, to: period.to });
  return { whole: { from: first, to: end }, cuts };
}

/**
 * Today's calendar day in an IANA time zone, as 'YYYY-MM-DD'.
 * @param now the instant (default: the current time)
 * @throws RangeError for an unknown time zone (from Intl)
 */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}
