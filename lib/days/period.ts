import { z } from "zod";
import { addDays, daysBetween, isIsoDay, todayIn } from "./calendar";

/*
 * Periods (kernel: imports nothing of ours). A period is a half-open `[from, to)` of local
 * calendar days: January 2024 is { from: '2024-01-01', to: '2024-02-01' }. One schema is shared
 * by the API, the CLI and the UI; the dashboard presets count back from an exclusive end.
 */

/** A local calendar day 'YYYY-MM-DD' that exists (rejects '2024-02-30'). */
export const isoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((d) => isIsoDay(d), "not a calendar day");

/**
 * A half-open period `[from, to)` of local calendar days in the merchant's time zone, as
 * 'YYYY-MM-DD'. `to` is exclusive: January 2024 is { from: '2024-01-01', to: '2024-02-01' }.
 * The one schema shared by the API, the CLI and the UI.
 */
export const periodSchema = z
  .object({ from: isoDaySchema, to: isoDaySchema })
  .refine((p) => p.from < p.to, { message: "`from` must be before `to`", path: ["to"] });
export type Period = z.infer<typeof periodSchema>;

/**
 * Validates a period: both ends real calendar days and `from < to`.
 * @throws Error "invalid period …" naming the problem
 */
export function assertPeriod(period: Period): void {
  const parsed = periodSchema.safeParse(period);
  if (!parsed.success) {
    throw new Error(`invalid period ${JSON.stringify(period)}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
}

/** Length of a half-open period in days (to − from). */
export function periodLength(period: Period): number {
  return daysBetween(period.from, period.to);
}

/**
 * The comparison period: the same number of days immediately before `period`
 * ([from − L, from) where L = to − from).
 * @throws Error on a malformed period
 */
export function previousPeriod(period: Period): Period {
  assertPeriod(period);
  return { from: addDays(period.from, -periodLength(period)), to: period.from };
}

// ---------------------------------------------------------------------------------------------
// Presets of the dashboard's period picker

/** The preset lengths of the period pickers, in days. */
export const PRESET_DAYS = [7, 30, 90, 365] as const;
export type PresetDays = (typeof PRESET_DAYS)[number];
/** The preset a page opens on when the URL names no period. */
export const DEFAULT_DAYS: PresetDays = 30;

/**
 * The exclusive end the presets count back from: the day after the latest data day, else
 * tomorrow in the merchant's time zone (so a demo bank whose data lie in the past still opens
 * on figures).
 * @param now the instant "today" is taken from (default: the current time)
 */
export function anchorEnd(lastDataDay: string | null, timeZone: string, now?: Date): string {
  return addDays(lastDataDay ?? todayIn(timeZone, now), 1);
}

/** The `days` days ending at the exclusive `end`: [end − days, end). */
export function presetPeriod(days: number, end: string): Period {
  return { from: addDays(end, -days), to: end };
}

/** The preset a period equals (same length, same anchored end), else null (a custom period). */
export function activePreset(period: Period, end: string): PresetDays | null {
  if (period.to !== end) return null;
  return PRESET_DAYS.find((d) => addDays(end, -d) === period.from) ?? null;
}

/**
 * A period given either explicitly ({ from, to }) or as a preset length ending at `to`
 * ({ days: 7 | 30 | 90 | 365, to }, meaning [to − days, to); `to` exclusive like every period).
 */
export const periodQuerySchema = z.union([
  z.object({
    days: z.coerce
      .number()
      .int()
      .refine((d) => (PRESET_DAYS as readonly number[]).includes(d), { message: "days must be 7, 30, 90 or 365" }),
    to: isoDaySchema,
  }),
  periodSchema,
]);
export type PeriodQuery = z.infer<typeof periodQuerySchema>;

/**
 * Resolves a preset or explicit period query to a {@link Period}.
 * @throws Error when the resulting period is malformed
 */
export function resolvePeriod(query: PeriodQuery): Period {
  const period = "days" in query ? presetPeriod(query.days, query.to) : { from: query.from, to: query.to };
  assertPeriod(period);
  return period;
}

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function first(params: SearchParams, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

/** ?from&to as a valid period, or null when absent or malformed (the page falls back to its default). */
export function periodFromSearchParams(params: SearchParams): Period | null {
  const parsed = periodSchema.safeParse({ from: first(params, "from"), to: first(params, "to") });
  return parsed.success ? parsed.data : null;
}
