import { isCalendarDate } from "@/lib/days";

/*
 * Field validators for ingest: pure, regex and integer arithmetic only, because they run once per
 * row of files with millions of rows (no Intl, no Date parsing, no SQL per row).
 */

/** The bank's ids (transaction, customer, merchant): 1–128 printable ASCII, no outer spaces. */
export const BANK_ID = /^[\x21-\x7e](?:[\x20-\x7e]{0,126}[\x21-\x7e])?$/;
export const BANK_ID_RULE = "must be 1–128 printable ASCII characters without leading or trailing spaces";

/** Free text (names, regions): 1–200 characters, no control characters, no outer spaces. */
export const FREE_TEXT = /^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]{0,198}[^\s\x00-\x1f\x7f])?$/;
export const FREE_TEXT_RULE = "must be 1–200 characters without control characters or leading/trailing spaces";

/** Earliest and latest year a timestamp or date may carry (guards typos such as 0224 or 20224). */
export const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

const OFFSET_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;

/**
 * Checks an ISO 8601 timestamp with an explicit offset: `YYYY-MM-DDTHH:MM[:SS[.ffffff]]` then `Z`
 * or `±HH[[:]MM]` (a space instead of `T` is accepted, as PostgreSQL writes it). The calendar day
 * must exist, hours 00–23, minutes and seconds 00–59, the offset at most ±15:59.
 *
 * @returns null when valid, else the reason
 */
export function checkOffsetTimestamp(value: string): string | null {
  const m = OFFSET_TIMESTAMP.exec(value);
  if (m === null) {
    return "must be an ISO 8601 timestamp with an offset, e.g. 2024-03-01T14:05:00+03:00 or 2024-03-01T11:05:00Z";
  }
  const year = Number(m[1]);
  if (year < MIN_YEAR || year > MAX_YEAR) return `year ${m[1]} is outside ${MIN_YEAR}–${MAX_YEAR}`;
  if (!isCalendarDate(year, Number(m[2]), Number(m[3]))) return `${m[1]}-${m[2]}-${m[3]} is not a calendar day`;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59)) {
    return "time of day out of range";
  }
  if (m[8] !== undefined && (Number(m[8]) > 15 || (m[9] !== undefined && Number(m[9]) > 59))) {
    return "offset out of range";
  }
  return null;
}

const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * A `YYYYMMDD` calendar day as `YYYY-MM-DD`, or null when it is not one (CDNOW's dates).
 */
export function compactDateToIso(value: string): string | null {
  const m = COMPACT_DATE.exec(value);
  if (m === null) return null;
  const year = Number(m[1]);
  if (year < MIN_YEAR || year > MAX_YEAR || !isCalendarDate(year, Number(m[2]), Number(m[3]))) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Checks a local wall-clock time `YYYY-MM-DD HH:MM[:SS]` without offset (Online Retail's
 * InvoiceDate) and returns it with seconds, so equal instants compare equal as strings.
 *
 * @returns the normalised `YYYY-MM-DD HH:MM:SS`, or null when invalid
 */
export function normaliseLocalDateTime(value: string): string | null {
  const m = LOCAL_DATETIME.exec(value);
  if (m === null) return null;
  const year = Number(m[1]);
  if (year < MIN_YEAR || year > MAX_YEAR || !isCalendarDate(year, Number(m[2]), Number(m[3]))) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59)) return null;
  return m[6] === undefined ? `${value}:00` : value;
}

/** Largest amount in minor units a row may carry: 15 digits, far inside JS's exact integers. */
const POSITIVE_MINOR = /^[1-9]\d{0,14}$/;

/** A positive integer amount in minor units (`1250` = 12.50), or null. No sign, no decimals. */
export function parsePositiveMinor(value: string): number | null {
  return POSITIVE_MINOR.test(value) ? Number(value) : null;
}

const DECIMAL = /^([+-]?)(\d{1,12})(?:\.(\d+))?$/;
const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/**
 * Parses a decimal string exactly into an integer count of 10^-scale units:
 * `parseScaledDecimal("2.1", 4) === 21000`. No floating point is involved.
 *
 * @param scale decimal places of the unit, 0–6
 * @returns the scaled integer, or null when the text is not a decimal with at most `scale`
 *          decimal places (more places would need rounding, which is the caller's rule to pick)
 */
export function parseScaledDecimal(value: string, scale: number): number | null {
  const m = DECIMAL.exec(value);
  if (m === null) return null;
  const fraction = m[3] ?? "";
  if (fraction.length > scale) {
    // Trailing zeros beyond the scale carry no value ("1.50000").
    if (!/^0*$/.test(fraction.slice(scale))) return null;
  }
  const digits = fraction.slice(0, scale).padEnd(scale, "0");
  const magnitude = Number(m[2]) * POW10[scale] + (scale > 0 ? Number(digits) : 0);
  if (!Number.isSafeInteger(magnitude)) return null;
  return m[1] === "-" ? -magnitude : magnitude;
}

/**
 * Integer division rounding half away from zero: `roundHalfAwayFromZero(12350, 100) === 124`,
 * `roundHalfAwayFromZero(-12350, 100) === -124`. Exact for safe integers.
 *
 * @param divisor a positive integer
 */
export function roundHalfAwayFromZero(value: number, divisor: number): number {
  const magnitude = Math.abs(value);
  const quotient = Math.floor(magnitude / divisor);
  const remainder = magnitude - quotient * divisor;
  const rounded = remainder * 2 >= divisor ? quotient + 1 : quotient;
  return value < 0 ? -rounded : rounded;
}


/**
 * A file value quoted for an error message, cut to `max` characters: a report must stay
 * readable (and small) whatever a broken file holds in a field.
 */
export function shown(value: string, max = 60): string {
  return value.length <= max ? `"${value}"` : `"${value.slice(0, max)}…" (${value.length} characters)`;
}
