import { epochDay, MS_PER_DAY } from "@/lib/days";

/**
 * The bank's calendar: day indices relative to the first day of the window, and local-time
 * ISO 8601 strings with a fixed UTC offset per time zone (the day arithmetic is lib/days').
 *
 * Fixed offsets are exact here: Russia abolished daylight saving time on 2014-10-26 (Federal
 * Law 248-FZ), and the last standard-offset change among the zones used (Asia/Novosibirsk,
 * +06:00 -> +07:00) took effect on 2016-07-24, long before any window this generator makes.
 * `tests/unit/synthetic-calendar.test.ts` checks the table against the platform's IANA data.
 */

/** UTC offsets of the time zones the bank's merchants use (valid since 2016-07-24). */
export const TIME_ZONE_OFFSETS: Readonly<Record<string, string>> = {
  "Europe/Moscow": "+03:00",
  "Asia/Yekaterinburg": "+05:00",
  "Asia/Novosibirsk": "+07:00",
};

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

/**
 * Day tables for the window [start, end) plus `burnIn` days before it (negative indices), so
 * behaviour that began before the window is simulated with the same seasonality.
 * Index i (−burnIn <= i < days) is stored at i + burnIn.
 */
export class Calendar {
  /** First day of the window, 'YYYY-MM-DD'. */
  readonly start: string;
  /** First day after the window (exclusive end), 'YYYY-MM-DD'. */
  readonly end: string;
  /** Number of days in the window. */
  readonly days: number;
  /** Days simulated before the window. */
  readonly burnIn: number;
  /** Calendar month 0..11 per day (offset by burnIn). */
  readonly month: Uint8Array;
  /** Day of month 1..31 per day. */
  readonly dayOfMonth: Uint8Array;
  /** ISO day of week 0 = Monday .. 6 = Sunday per day. */
  readonly dayOfWeek: Uint8Array;
  /** Window day indices (0 <= i < days) that are the 1st of a month, ascending. */
  readonly monthStarts: number[];
  private readonly startEpoch: number;
  private readonly dateStrings: string[];

  constructor(start: string, end: string, burnIn: number) {
    this.start = start;
    this.end = end;
    this.startEpoch = epochDay(start);
    this.days = epochDay(end) - this.startEpoch;
    if (this.days <= 0) throw new RangeError(`empty window ${start}..${end}`);
    this.burnIn = burnIn;
    const n = this.days + burnIn;
    this.month = new Uint8Array(n);
    this.dayOfMonth = new Uint8Array(n);
    this.dayOfWeek = new Uint8Array(n);
    this.dateStrings = new Array<string>(this.days);
    this.monthStarts = [];
    for (let k = 0; k < n; k++) {
      const i = k - burnIn;
      const d = new Date((this.startEpoch + i) * MS_PER_DAY);
      this.month[k] = d.getUTCMonth();
      this.dayOfMonth[k] = d.getUTCDate();
      this.dayOfWeek[k] = (d.getUTCDay() + 6) % 7;
      if (i >= 0) {
        this.dateStrings[i] = d.toISOString().slice(0, 10);
        if (this.dayOfMonth[k] === 1) this.monthStarts.push(i);
      }
    }
  }

  /** 'YYYY-MM-DD' of window day `i` (0 <= i < days). */
  date(i: number): string {
    const s = this.dateStrings[i];
    if (s === undefined) throw new RangeError(`day ${i} outside the window`);
    return s;
  }

  /** Window day index of a 'YYYY-MM-DD' date (may be negative or >= days). */
  dayIndex(date: string): number {
    return epochDay(date) - this.startEpoch;
  }

  /**
   * ISO 8601 local timestamp with offset, e.g. '2025-03-08T19:04:05+03:00', for window day
   * `i` and `second` seconds after local midnight (0 <= second < 86400).
   */
  isoLocal(i: number, second: number, offset: string): string {
    const h = Math.floor(second / 3600);
    const m = Math.floor((second % 3600) / 60);
    const s = second % 60;
    return `${this.date(i)}T${PAD2[h]}:${PAD2[m]}:${PAD2[s]}${offset}`;
  }
}
