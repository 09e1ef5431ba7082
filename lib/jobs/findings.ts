import type { Database } from "@/db/client";
import { getCohortRetention } from "@/lib/analytics/getCohortRetention";
import { getCustomerWindows } from "@/lib/analytics/getCustomerWindows";
import { getDailySeries } from "@/lib/analytics/getDailySeries";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { getForecastResults } from "@/lib/analytics/getForecastFindings";
import { addDays, addMonthsToMonthStart, monthStart, type Period } from "@/lib/days";
import type { MerchantRef } from "@/lib/tenancy/context";
import { buildFindings, WINDOW_DAYS, type CohortFact, type CustomerWindowRow, type FindingsInput } from "@/lib/findings/engine";
import type { PeerIndexInput } from "@/lib/findings/types";
import { augursChangepoint, augursOutlier } from "@/lib/forecast/augurs";
import type { ComputedRun } from "@/lib/runs/contract";
import type { FindingsMetrics, FindingsParams, findingsContract } from "@/lib/runs/findings";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { ModelInputError } from "./errors";
import { weeklyFromDaily } from "./forecast";

/*
 * The findings job (docs/models/findings.md): gathers the merchant's own figures (rollups, the
 * forecast run of the same as-of day, and — when the caller passes it — the peer index released
 * by lib/privacy) and runs the pure engine lib/findings/engine.ts. Stored as model_runs kind
 * 'findings', summary = FindingsSummary.
 */

/** The findings' windows as of `asOf`: the last 28 days, the 28 before, and the 28 days 52 weeks (364 days) earlier. */
export function findingsWindows(asOf: string): { current: Period; previous: Period; yearAgo: Period } {
  const current = { from: addDays(asOf, -WINDOW_DAYS), to: asOf };
  return {
    current,
    previous: { from: addDays(asOf, -2 * WINDOW_DAYS), to: current.from },
    yearAgo: { from: addDays(asOf, -364 - WINDOW_DAYS), to: addDays(asOf, -364) },
  };
}

/** Weekly changepoints (augurs Bayesian online changepoint detection, Normal-Gamma prior; Adams & MacKay 2007) on the z-scored series. */
function weeklyChangepoints(values: readonly number[]): number[] {
  if (values.length < 8) return [];
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  if (!(sd > 0)) return [];
  const { ChangepointDetector } = augursChangepoint();
  const det = ChangepointDetector.normalGamma({ hazardLambda: 52 });
  try {
    return det.detectChangepoints(Float64Array.from(values.map((v) => (v - mean) / sd))).indices.filter((i) => i > 0);
  } finally {
    det.free();
  }
}

/**
 * Outlying weeks: each complete week's 7 daily values as one series, augurs' MAD detector
 * (sensitivity 0.9) across weeks; none when the detector refuses the data (zero spread).
 */
function outlyingWeeks(dailyByWeek: readonly number[][]): number[] {
  if (dailyByWeek.length < 6) return [];
  const { OutlierDetector } = augursOutlier();
  const det = OutlierDetector.mad({ sensitivity: 0.9 });
  try {
    const out = det.detect(dailyByWeek.map((w) => Float64Array.from(w)));
    return out.outlyingSeries ? [...out.outlyingSeries] : [];
  } catch {
    // The MAD detector refuses degenerate data (zero spread, e.g. mostly empty weeks:
    // "preprocessing: division by zero"); no spread means no outlying week to report.
    return [];
  } finally {
    det.free();
  }
}

/**
 * The stored findings run as of `asOf`.
 * @param peerIndex the released (or withheld) peer revenue index; absent → no market finding
 * @throws ModelInputError when the merchant has no purchases in the last 28 days
 */
export async function computeFindingsRun(
  database: Database,
  merchant: MerchantRef,
  asOf: string,
  peerIndex?: PeerIndexInput,
): Promise<ComputedRun<typeof findingsContract>> {
  const w = findingsWindows(asOf);
  const data = await withMerchantScope(database, merchant.id, async (tx) => {
    const ctx = { tx, merchant };
    const range = await getDataRange(ctx);
    if (range.firstDay === null) throw new ModelInputError("no transactions yet");
    const from = addDays(asOf, -371);
    const daily = await getDailySeries(ctx, { from: range.firstDay > from ? range.firstDay : from, to: asOf });
    const windows = [
      { name: "current", period: w.current },
      ...(range.firstDay <= w.previous.from ? [{ name: "previous", period: w.previous }] : []),
      ...(range.firstDay <= w.yearAgo.from ? [{ name: "yearAgo", period: w.yearAgo }] : []),
    ];
    const customers = await getCustomerWindows(ctx, windows);
    const cohortFrom = addMonthsToMonthStart(monthStart(asOf), -8);
    const cohorts = await getCohortRetention(ctx, { from: cohortFrom, to: asOf });
    // A forecast run that cannot be read under its contract counts as none (no forecast findings).
    const forecast = await getForecastResults(ctx);
    return { range, daily, customers, cohorts, forecast, windows };
  });
  if (!data.customers.some((c) => c.window === "current" && c.purchases > 0)) {
    throw new ModelInputError(`no purchases in the 28 days before ${asOf}`);
  }
  const names = new Set(data.windows.map((x) => x.name));
  // Month-1 retention of the cohorts whose month 1 lies wholly before asOf.
  const cohorts: CohortFact[] = [];
  for (const c of data.cohorts.cohorts) {
    const m1 = c.cells.find((x) => x.k === 1);
    if (c.suppressed || c.size === null || !m1 || !m1.complete || m1.customers === null) continue;
    if (c.cohort < data.range.firstDay!) continue;
    cohorts.push({ cohort: c.cohort, size: c.size, returned: m1.customers });
  }
  // Complete weeks of the last year for changepoints and outlying weeks.
  const weeks = weeklyFromDaily(data.daily, new Map());
  const lastWeeks = weeks.starts.slice(-52);
  const weeklyNet = weeks.points.slice(-52).map((p) => p.netMinor);
  const byDay = new Map(data.daily.map((d) => [d.day, d.netMinor]));
  const recentWeeks = lastWeeks.slice(-12);
  const outlying = outlyingWeeks(recentWeeks.map((s) => Array.from({ length: 7 }, (_, i) => byDay.get(addDays(s, i)) ?? 0)));

  const fsum = data.forecast?.summary;
  const fresh = fsum && fsum.asOf === asOf;
  let outlook: NonNullable<FindingsInput["forecast"]>["outlook"] = null;
  const rev = fresh ? fsum.daily.metrics.netRevenue : undefined;
  if (rev) {
    outlook = {
      from: rev.forecast[0].day,
      to: addDays(rev.forecast[rev.forecast.length - 1].day, 1),
      pointMinor: rev.forecast.reduce((s, p) => s + p.point, 0),
      lower80Minor: rev.forecast.reduce((s, p) => s + p.lower80, 0),
      upper80Minor: rev.forecast.reduce((s, p) => s + p.upper80, 0),
    };
  }
  const input: FindingsInput = {
    asOf,
    currency: merchant.currency,
    // Without data in a comparison window its daily days are missing, and the engine skips that comparison.
    windows: { current: w.current, previous: w.previous, yearAgo: names.has("yearAgo") ? w.yearAgo : null },
    daily: data.daily,
    customers: data.customers as CustomerWindowRow[],
    forecast: { lastFold: fresh ? fsum.lastFold : null, outlook },
    cohorts,
    peerIndex,
    weekly: {
      weeks: lastWeeks,
      netMinor: weeklyNet,
      changepoints: weeklyChangepoints(weeklyNet),
      outlyingWeeks: outlying.map((i) => i + lastWeeks.length - recentWeeks.length),
    },
  };
  const summary = buildFindings(input);
  const params: FindingsParams = { windowDays: WINDOW_DAYS, windows: w, peerIndex: peerIndex ? (peerIndex.released ? "released" : "withheld") : "absent", forecastRunId: fresh ? data.forecast!.id : null };
  const metrics: FindingsMetrics = { findings: summary.findings.length, tests: summary.tests };
  return { periodFrom: data.daily[0].day, periodTo: asOf, params, metrics, summary, outputs: [] };
}
