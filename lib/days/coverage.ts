import { addDays, daysBetween } from "./calendar";
import type { Period } from "./period";

/** The first and last local day with data (inclusive), null bounds without data (lib/analytics getDataRange's shape). */
interface DataRange {
  firstDay: string | null;
  lastDay: string | null;
}

/*
 * How much of a period the merchant's data covers, so a comparison never sets a full year
 * against a year that holds 9 days of data (issue 19, item 2: Online Retail's "1 year" showed
 * gross sales +2,657 % because its previous year starts 9 days before the data ends). Kernel:
 * the Overview (lib/analytics) and the Competitors benchmarks (lib/privacy) share it.
 */

/** The days of one period that fall inside the merchant's data range. */
export interface PeriodCoverage {
  /** Length of the period in days (to − from). */
  days: number;
  /**
   * Days of the period within [firstDay, lastDay] of the merchant's data: days the bank could
   * have seen a sale (a closed shop's empty day inside the range counts as covered; a day before
   * the first transaction or after the last does not).
   */
  coveredDays: number;
  /** coveredDays / days, in [0, 1]. */
  share: number;
}

/** A comparison's coverage: both periods, and whether they are like for like. */
export interface ComparisonCoverage {
  current: PeriodCoverage;
  previous: PeriodCoverage;
  /**
   * True when the shorter coverage is at least {@link MIN_COMPARABLE_RATIO} of the longer one
   * (in days); otherwise a relative change would compare unequal amounts of data and is not shown.
   */
  comparable: boolean;
}

/** Two periods are compared only when the less covered holds at least 90 % of the other's days with data. */
const MIN_COMPARABLE_RATIO = 0.9;

/**
 * The days of `period` ([from, to), local days) inside the data range [firstDay, lastDay]
 * (inclusive ends). No data at all (null bounds) covers nothing.
 * @throws Error on a malformed period or day
 */
export function periodCoverage(period: Period, range: DataRange): PeriodCoverage {
  const days = daysBetween(period.from, period.to);
  if (days <= 0) throw new Error(`periodCoverage: empty or reversed period ${period.from}..${period.to}`);
  if (range.firstDay === null || range.lastDay === null) return { days, coveredDays: 0, share: 0 };
  const from = period.from > range.firstDay ? period.from : range.firstDay;
  // lastDay is inclusive: the range's exclusive end is the day after it.
  const rangeEnd = addDays(range.lastDay, 1);
  const to = period.to < rangeEnd ? period.to : rangeEnd;
  const coveredDays = from < to ? daysBetween(from, to) : 0;
  return { days, coveredDays, share: coveredDays / days };
}

/**
 * The coverage of a period and its comparison period, and whether they compare like with like:
 * comparable when min(covered) ≥ 0.9 × max(covered), in days with data. Two periods without any
 * data are not comparable (there is nothing to compare).
 * @throws Error on a malformed period
 */
export function comparisonCoverage(current: Period, previous: Period, range: DataRange): ComparisonCoverage {
  const c = periodCoverage(current, range);
  const p = periodCoverage(previous, range);
  const hi = Math.max(c.coveredDays, p.coveredDays);
  const lo = Math.min(c.coveredDays, p.coveredDays);
  return { current: c, previous: p, comparable: hi > 0 && lo >= MIN_COMPARABLE_RATIO * hi };
}

/** A comparison window of the Competitors benchmarks must have data on at least half its days. */
const MIN_WINDOW_SHARE = 0.5;

/**
 * Whether a comparison window (a previous period, the period a year ago) has data on at least
 * half its days, counting from the merchant's first day with data (later data never changes an
 * earlier window's answer, so stored reports stay valid). The Competitors benchmarks' check: its
 * periods are whole months, quarters or years, and growth from a window the merchant hardly
 * existed in is an artefact (year 2025 against a 2024 with two months of data read +500 %).
 * A looser bar than the Overview's like-for-like 90 %, because a peer's growth needs only a
 * meaningful base, and the guard's quantiles are over many peers.
 * @throws Error on a malformed period
 */
export function windowCovered(window: Period, firstDay: string | null): boolean {
  if (firstDay === null) return false;
  const days = daysBetween(window.from, window.to);
  const from = window.from > firstDay ? window.from : firstDay;
  const covered = from < window.to ? daysBetween(from, window.to) : 0;
  return covered >= MIN_WINDOW_SHARE * days;
}
