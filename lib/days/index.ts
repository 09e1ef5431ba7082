/*
 * Calendar days, the kernel (ARCHITECTURE.md: imports nothing of ours). A day is a local
 * calendar day 'YYYY-MM-DD' in the merchant's time zone; a period is half-open [from, to).
 * Every piece of calendar-day arithmetic of the product lives here, once:
 * - calendar.ts: validation, epoch days, add/between days, ISO weeks, the two month arithmetics;
 * - period.ts: the period schema, previous period, the dashboard presets and the period query;
 * - buckets.ts: the day/week/month bucket union, bucket starts, clipped spans, gap filling;
 * - grains.ts: whole calendar months, quarters and years (the competitor periods and their picker).
 * Display formatting of days (formatDay, formatPeriod …) is lib/format's.
 */
export * from "./calendar";
export * from "./period";
export * from "./buckets";
export * from "./grains";
export * from "./coverage";
