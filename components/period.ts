/*
 * The dashboard period (pure, used by server pages and the client picker alike). A period is
 * half-open [from, to) of the merchant's local days and lives in the URL as ?from&to. Without
 * one, the default is the 30 days ending at the merchant's latest day with data, so a demo
 * bank whose transactions lie in the past still opens on figures.
 */
import { periodSchema, type Period } from "@/lib/days";
import { addDays } from "@/lib/format";

export const PRESET_DAYS = [7, 30, 90, 365] as const;
export type PresetDays = (typeof PRESET_DAYS)[number];
export const DEFAULT_DAYS: PresetDays = 30;

/** Today's calendar day in an IANA time zone ('YYYY-MM-DD'). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** The exclusive end the presets count back from: the day after the latest data day, else tomorrow. */
export function anchorEnd(lastDataDay: string | null, timeZone: string, now?: Date): string {
  return addDays(lastDataDay ?? todayIn(timeZone, now), 1);
}

export function presetPeriod(days: number, end: string): Period {
  return { from: addDays(end, -days), to: end };
}

/** The preset a period equals (same length, same anchored end), else null (a custom period). */
export function activePreset(period: Period, end: string): PresetDays | null {
  if (period.to !== end) return null;
  return PRESET_DAYS.find((d) => addDays(end, -d) === period.from) ?? null;
}

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function first(params: SearchParams, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

/** ?from&to as a valid period, or null when absent or malformed (the page falls back to the default). */
export function periodFromSearchParams(params: SearchParams): Period | null {
  const parsed = periodSchema.safeParse({ from: first(params, "from"), to: first(params, "to") });
  return parsed.success ? parsed.data : null;
}
