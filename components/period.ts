/*
 * @deprecated The dashboard period moved to the lib/days kernel (presets, anchor, search
 * params). These re-exports serve the pages other branches own while issue 12 is merged
 * (app/m/[slug]/page-context.ts, app/portfolio/portfolio-data.ts, app/portfolio/page.tsx):
 * import from "@/lib/days" there and delete this file.
 */
export { anchorEnd, DEFAULT_DAYS, periodFromSearchParams, presetPeriod } from "@/lib/days";
