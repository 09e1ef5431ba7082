import { z } from "zod";
import { getDailySeries } from "@/lib/analytics/getDailySeries";
import { addDays } from "@/lib/days";
import { loadModelRunPage } from "@/lib/jobs/refit";
import { defineEndpoint, table } from "../define";

/** Days of actual revenue shown before the forecast (8 weeks). */
const FORECAST_HISTORY_DAYS = 56;

/**
 * Forecast: the latest forecast run (daily and weekly, 80/95 % bands, backtests) and the
 * FORECAST_HISTORY_DAYS days of daily net revenue before its as-of day (merchant_daily), in one
 * scoped transaction.
 */
export const forecast = defineEndpoint({
  name: "forecast",
  feature: "forecasts",
  query: z.object({}),
  summary: "Revenue forecast",
  description:
    "The latest succeeded forecast run: daily and weekly net revenue forecasts with 80 % and 95 % intervals and their backtests, the latest attempt, and the 56 days of actual daily net revenue (minor units) before the run's as-of day. `run` is null before the first run.",
  // A run of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
  load: (access) =>
    loadModelRunPage(access, "forecast", {
      more: async (ctx, run) => ({
        history: run
          ? (await getDailySeries(ctx, { from: addDays(run.summary.asOf, -FORECAST_HISTORY_DAYS), to: run.summary.asOf })).map((d) => ({ day: d.day, value: d.netMinor }))
          : [],
      }),
    }),
  tables: (data) => (data.run ? [table("revenue-history", data.history, [
    { header: "day", type: "date", value: (r) => r.day },
    { header: "netRevenue", type: "money", value: (r) => r.value },
  ])] : null),
});
