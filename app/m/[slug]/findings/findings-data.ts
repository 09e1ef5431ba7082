import type { MerchantAccess } from "@/lib/auth/access";
import { getDailySeries } from "@/lib/analytics/getDailySeries";
import { addDays } from "@/lib/analytics/scope";
import { loadModelRunPage } from "@/lib/jobs/refit";
import type { FindingsPage, ForecastPage } from "@/components/hooks/useFindings";

/** Days of actual revenue shown before the forecast. */
export const FORECAST_HISTORY_DAYS = 56;

/**
 * The findings feed's data (page prefetch and API alike): the latest findings run and attempt; a
 * run of an older contract format is not shown and its refit is queued (lib/jobs/refit.ts).
 */
export async function loadFindings(access: MerchantAccess): Promise<FindingsPage> {
  return loadModelRunPage(access, "findings");
}

/**
 * The forecast card's data: the latest forecast run and the 8 weeks of daily net revenue before
 * its as-of day (merchant_daily), in one scoped transaction.
 */
export async function loadForecast(access: MerchantAccess): Promise<ForecastPage> {
  return loadModelRunPage(access, "forecast", {
    more: async (ctx, run) => ({
      history: run
        ? (await getDailySeries(ctx, { from: addDays(run.summary.asOf, -FORECAST_HISTORY_DAYS), to: run.summary.asOf })).map((d) => ({ day: d.day, value: d.netMinor }))
        : [],
    }),
  });
}
