import type { MerchantAccess } from "@/lib/auth/access";
import { getDailySeries } from "@/lib/analytics/getDailySeries";
import { getFindingsResults, getForecastResults } from "@/lib/analytics/getForecastFindings";
import { getModelRunAttempts } from "@/lib/analytics/getModelResults";
import { addDays } from "@/lib/analytics/scope";
import type { FindingsPage, ForecastPage } from "@/components/hooks/useFindings";

/** Days of actual revenue shown before the forecast. */
export const FORECAST_HISTORY_DAYS = 56;

/** The findings feed's data (page prefetch and API alike): the latest findings run and attempt. */
export async function loadFindings(access: MerchantAccess): Promise<FindingsPage> {
  return access.run(async (ctx) => {
    const run = await getFindingsResults(ctx);
    const attempts = await getModelRunAttempts(ctx);
    return { run, latestAttempt: attempts.findings };
  });
}

/**
 * The forecast card's data: the latest forecast run and the 8 weeks of daily net revenue before
 * its as-of day (merchant_daily), in one scoped transaction.
 */
export async function loadForecast(access: MerchantAccess): Promise<ForecastPage> {
  return access.run(async (ctx) => {
    const run = await getForecastResults(ctx);
    const attempts = await getModelRunAttempts(ctx);
    const history = run
      ? (await getDailySeries(ctx, { from: addDays(run.summary.asOf, -FORECAST_HISTORY_DAYS), to: run.summary.asOf })).map((d) => ({ day: d.day, value: d.netMinor }))
      : [];
    return { run, latestAttempt: attempts.forecast, history };
  });
}
