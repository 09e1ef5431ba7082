/**
 * Locale-aware formatting of the figures the UI shows (kernel: imports nothing of ours; the
 * calendar-day arithmetic is lib/days'), all through Intl so that the merchant's
 * currency and the user's locale decide digits, separators and symbols (ru uses U+00A0 as the
 * group separator and a comma as the decimal mark: "1 234,56 ₽").
 *
 * Money arrives as integer minor units of an ISO 4217 currency (ARCHITECTURE.md wall 3); the
 * number of minor-unit digits is the one Intl knows for the currency (JPY 0, GBP 2, BHD 3).
 */

/** What a suppressed cell (fewer than 5 customers, lib/privacy) shows instead of a figure. */
export const SUPPRESSED_LABEL = "< 5";
/** What a missing figure shows (no purchases, no previous period). U+2014 em dash. */
const MISSING_LABEL = "—";

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let nf = cache.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(locale, options);
    cache.set(key, nf);
  }
  return nf;
}

const dateCache = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let df = dateCache.get(key);
  if (!df) {
    // Calendar days are already local to the merchant; format them as UTC so no shift happens.
    df = new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" });
    dateCache.set(key, df);
  }
  return df;
}

/** Minor-unit digits of a currency as Intl knows them (JPY 0, GBP 2, KWD 3). */
export function currencyDigits(currency: string): number {
  return numberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units to major units of the currency (12345 GBP pence -> 123.45). */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

export interface MoneyFormatOptions {
  /** Short form for axes and tight cells: "£1.2K", "1,2 млн ₽". */
  compact?: boolean;
  /** Drop the minor units ("£1,235"): for large totals where pence are noise. */
  whole?: boolean;
}

/** formatMoney(123456, "GBP", "en") === "£1,234.56"; null -> "—". */
export function formatMoney(
  minor: number | null | undefined,
  currency: string,
  locale: string,
  opts: MoneyFormatOptions = {},
): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return MISSING_LABEL;
  const digits = currencyDigits(currency);
  const major = minor / 10 ** digits;
  if (opts.compact) {
    return numberFormat(locale, {
      style: "currency",
      currency,
      notation: "compact",
      minimumFractionDigits: 0,
      maximumFractionDigits: 1,
    }).format(major);
  }
  if (opts.whole) {
    return numberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: 0,
      maximumFractionDigits: 0,
    }).format(major);
  }
  return numberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(major);
}

/**
 * Revenue in minor units shown in margin: minor × grossMarginBp / 10000, rounded half away from
 * zero to whole minor units (issue 17, "CLV in margin"); unchanged when the margin is null (not
 * set: the figure stays revenue). inMargin(12345, 3550) === 4382; inMargin(-12345, 3550) === -4382.
 * @param grossMarginBp basis points 1..10000, or null
 * @throws RangeError for a margin outside 1..10000 or not whole
 */
export function inMargin<T extends number | null | undefined>(minor: T, grossMarginBp: number | null): T {
  if (grossMarginBp === null) return minor;
  if (!Number.isInteger(grossMarginBp) || grossMarginBp < 1 || grossMarginBp > 10_000) {
    throw new RangeError(`inMargin: gross margin must be 1..10000 basis points, got ${grossMarginBp}`);
  }
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return minor;
  const v = (Math.abs(minor) * grossMarginBp) / 10_000;
  return (Math.sign(minor) * Math.round(v) || 0) as T;
}

export interface NumberFormatOptions {
  maximumFractionDigits?: number;
  minimumFractionDigits?: number;
  compact?: boolean;
}

/** formatNumber(1234567, "ru") === "1 234 567"; null -> "—". */
export function formatNumber(
  value: number | null | undefined,
  locale: string,
  opts: NumberFormatOptions = {},
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING_LABEL;
  const maximumFractionDigits = opts.maximumFractionDigits ?? 0;
  return numberFormat(locale, {
    maximumFractionDigits,
    minimumFractionDigits: Math.min(opts.minimumFractionDigits ?? 0, maximumFractionDigits),
    ...(opts.compact ? { notation: "compact" as const } : {}),
  }).format(value);
}

/** A ratio as a percentage: formatPercent(0.1234, "en") === "12.3%"; null -> "—". */
export function formatPercent(ratio: number | null | undefined, locale: string, fractionDigits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return MISSING_LABEL;
  return numberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 0,
    maximumFractionDigits: fractionDigits,
  }).format(ratio);
}

/**
 * A relative change (0.1234 = +12.34 %) with an explicit sign: "+12.3%", "-4%", "0%".
 * null (no previous figure to compare with) -> "—".
 */
export function formatChange(ratio: number | null | undefined, locale: string, fractionDigits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return MISSING_LABEL;
  return numberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 0,
    maximumFractionDigits: fractionDigits,
    signDisplay: "exceptZero",
  }).format(ratio);
}

/** The direction a change points, for colouring arrows (null and exact zero are flat). */
export function changeDirection(ratio: number | null | undefined): "up" | "down" | "flat" {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio) || ratio === 0) return "flat";
  return ratio > 0 ? "up" : "down";
}

/** "< 5" for a suppressed cell, else the formatted figure. */
export function formatSuppressible<T>(
  value: T | null,
  suppressed: boolean | undefined,
  format: (value: T | null) => string,
): string {
  return suppressed ? SUPPRESSED_LABEL : format(value);
}

function parseDay(day: string): Date {
  return new Date(`${day.slice(0, 10)}T00:00:00Z`);
}

/**
 * Intl's date output differs in spacing between ICU versions (Node's ICU puts U+202F before
 * "г." and U+2009 around range dashes, Chromium's plain spaces), which would make server and
 * browser renders disagree. Dates are normalised: U+202F -> U+00A0, U+2009 -> space
 * (Node 20 writes "5 мар. 2024 г." with a plain space already).
 */
function normaliseSpaces(text: string): string {
  return text.replace(/\u202f/g, "\u00a0").replace(/\u2009/g, " ");
}

const MS_PER_DAY = 86_400_000;

function formatDate(date: Date, locale: string, style: "short" | "medium" | "long"): string {
  const options: Intl.DateTimeFormatOptions =
    style === "short"
      ? { day: "numeric", month: "short" }
      : style === "long"
        ? { day: "numeric", month: "long", year: "numeric" }
        : { day: "numeric", month: "short", year: "numeric" };
  return normaliseSpaces(dateFormat(locale, options).format(date));
}

/** A calendar day 'YYYY-MM-DD': formatDay("2024-03-05", "en") === "Mar 5, 2024". */
export function formatDay(day: string, locale: string, style: "short" | "medium" | "long" = "medium"): string {
  return formatDate(parseDay(day), locale, style);
}

/** A month 'YYYY-MM' or 'YYYY-MM-DD': formatMonth("2024-01", "en") === "Jan 2024". */
export function formatMonth(month: string, locale: string): string {
  return normaliseSpaces(dateFormat(locale, { month: "short", year: "numeric" }).format(parseDay(`${month.slice(0, 7)}-01`)));
}

/**
 * A period [from, to) shown inclusively, the year once when both ends share it:
 * "Mar 1 – Mar 30, 2024", "1 мар. – 30 мар. 2024 г.". Built from single dates rather than
 * Intl's formatRange, whose output differs between ICU versions (server vs browser).
 */
export function formatPeriod(period: { from: string; to: string }, locale: string): string {
  // The last day shown is the midnight one day before `to` (days are UTC midnights here).
  const last = new Date(parseDay(period.to).getTime() - MS_PER_DAY);
  const lastText = formatDate(last, locale, "medium");
  if (last.getTime() === parseDay(period.from).getTime()) return lastText;
  const sameYear = period.from.slice(0, 4) === last.toISOString().slice(0, 4);
  return `${formatDay(period.from, locale, sameYear ? "short" : "medium")} – ${lastText}`;
}

/**
 * Short weekday names Monday-first (ISO 8601 weekday 1..7 -> index 0..6), as the seasonality
 * heatmap orders them. 2024-01-01 was a Monday.
 */
export function weekdayNames(locale: string, width: "short" | "long" = "short"): string[] {
  const df = dateFormat(locale, { weekday: width });
  return Array.from({ length: 7 }, (_, i) => normaliseSpaces(df.format(parseDay(`2024-01-0${i + 1}`))));
}

/** Month names January-first (index 0..11). */
export function monthNames(locale: string, width: "short" | "long" = "short"): string[] {
  const df = dateFormat(locale, { month: width });
  return Array.from({ length: 12 }, (_, i) => normaliseSpaces(df.format(new Date(Date.UTC(2024, i, 1)))));
}

/**
 * A column name from a merchant's own upload as words: `history_segment` → "History segment",
 * `zipCode` → "Zip code", `AOV-90d` → "AOV 90d". Separators (`_`, `-`, `.`, runs of spaces) become
 * single spaces, a lower-to-upper camel boundary becomes a space and the next word is lower-cased
 * unless it is an acronym (two or more capitals); the first letter is capitalised. The raw name
 * stays available to specialists (callers show it behind the details toggle or as a tooltip).
 * Returns the trimmed input when it holds no letters or digits.
 */
export function humanizeColumnName(name: string): string {
  const spaced = name
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/[_\-.\s]+/g, " ")
    .trim();
  if (!/[\p{L}\d]/u.test(spaced)) return name.trim();
  const words = spaced.split(" ").map((w, i) => (i > 0 && !/^[A-Z\d]{2,}$/.test(w) && /^[A-Z][a-z]/.test(w) ? w.toLowerCase() : w));
  const first = words[0] ?? "";
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(" ");
}
