import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import type { Database } from "@/db/client";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { addDays } from "@/lib/days";
import { ingestFile } from "@/lib/ingest";
import { computeFindingsRun } from "@/lib/jobs/findings";
import { computeForecastRun } from "@/lib/jobs/forecast";
import { findMerchantRef } from "@/lib/jobs/store";
import type { FindingsSummary } from "@/lib/findings/types";
import type { ForecastSummary, StoredBacktest } from "@/lib/runs/forecast";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { TEST_DIALECT, openTestDatabase } from "../helpers/db";

/*
 * Forecast validation on the real logs (shared/data): Online Retail (UK gift shop, Dec 2010 –
 * Dec 2011) and CDNOW (music CDs, Jan 1997 – Jun 1998), ingested on the product's path. The
 * daily and weekly backtests (rolling origin, 3 folds of 28 days / 13 weeks) are reported and
 * pinned: MASE against the in-sample seasonal-naive benchmark, relative MAE against the
 * seasonal-naive forecast from the same origins, and the observed coverage of the 80 % and 95 %
 * intervals. The forecasts are deterministic, so the figures are exact on both databases.
 */

const DATA_DIR = process.env.SHARED_DATA_DIR ?? path.resolve(process.cwd(), "../shared/data");
const ONLINE_RETAIL = path.join(DATA_DIR, "online_retail", "online_retail.csv.gz");
const CDNOW = path.join(DATA_DIR, "cdnow", "cdnow_master.csv");
const present = fs.existsSync(ONLINE_RETAIL) && fs.existsSync(CDNOW);
if (!present) console.warn(`forecast-real test skipped: ${ONLINE_RETAIL} or ${CDNOW} not found (set SHARED_DATA_DIR)`);

const round = (b: StoredBacktest) => ({
  folds: b.folds,
  mase: b.mase === null ? null : Math.round(b.mase * 1000) / 1000,
  relativeMae: b.relativeMae === null ? null : Math.round(b.relativeMae * 1000) / 1000,
  coverage80: b.coverage80 === null ? null : Math.round(b.coverage80 * 1000) / 1000,
  coverage95: b.coverage95 === null ? null : Math.round(b.coverage95 * 1000) / 1000,
});

describe.skipIf(!present)(`forecasts on the real logs (${TEST_DIALECT})`, () => {
  let database: Database;
  const runs: Record<string, { forecast: ForecastSummary; findings: FindingsSummary }> = {};

  beforeAll(async () => {
    database = await openTestDatabase();
    for (const [format, file] of [
      ["online-retail", ONLINE_RETAIL],
      ["cdnow", CDNOW],
    ] as const) {
      const report = await ingestFile(database, { format, file });
      expect(report.ok).toBe(true);
    }
    const merchants = await database.db.query.merchants.findMany();
    for (const m of merchants) {
      const ref = (await findMerchantRef(database, { id: m.id }))!;
      const range = await withMerchantScope(database, ref.id, (tx) => getDataRange({ tx, merchant: ref }));
      const asOf = addDays(range.lastDay!, 1);
      const forecast = (await computeForecastRun(database, ref, asOf)).summary as ForecastSummary;
      const findings = (await computeFindingsRun(database, ref, asOf)).summary as FindingsSummary;
      runs[m.slug] = { forecast, findings };
      for (const [series, f] of [["daily", forecast.daily], ["weekly", forecast.weekly]] as const) {
        for (const [metric, mf] of Object.entries(f.metrics)) {
          console.log(`[forecast-real ${TEST_DIALECT}] ${m.slug} ${series} ${metric} ${mf.method}: ${JSON.stringify(round(mf.backtest))} ${mf.backtest.accuracy}`);
        }
      }
      console.log(`[forecast-real ${TEST_DIALECT}] ${m.slug} findings: ${findings.findings.map((x) => x.id).join(", ")}`);
    }
  }, 1_800_000);

  afterAll(async () => {
    await database?.close();
  });

  it("reports the backtests of both merchants", () => {
    expect(Object.keys(runs).sort()).toEqual(["cdnow", "online-retail"]);
    const figures = Object.fromEntries(
      Object.entries(runs).map(([slug, r]) => [
        slug,
        { daily: round(r.forecast.daily.metrics.netRevenue!.backtest), weekly: round(r.forecast.weekly.metrics.netRevenue!.backtest) },
      ]),
    );
    console.log(JSON.stringify(figures));
    expect(figures).toEqual(PINNED);
  });

  it("never lets a revenue interval go below zero (issue 19: Online Retail's band reached −£40K)", () => {
    for (const r of Object.values(runs)) {
      for (const f of [r.forecast.daily, r.forecast.weekly]) {
        const net = f.metrics.netRevenue!.forecast;
        expect(net.length).toBeGreaterThan(0);
        expect(Math.min(...net.map((p) => p.lower95))).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

/** Figures of the first run (deterministic; identical on PGlite and PostgreSQL). */
const PINNED = {
  "online-retail": {
    // Net revenue floored at 0 (issue 19) made the daily backtest slightly better: MASE 1.201 → 1.18, relative MAE 0.732 → 0.718.
    daily: { folds: 3, mase: 1.18, relativeMae: 0.718, coverage80: 0.75, coverage95: 0.929 },
    weekly: { folds: 3, mase: 1.554, relativeMae: 0.8, coverage80: 0.692, coverage95: 0.769 },
  },
  cdnow: {
    daily: { folds: 3, mase: 0.733, relativeMae: 1.189, coverage80: 0.929, coverage95: 1 },
    weekly: { folds: 3, mase: 1.191, relativeMae: 1, coverage80: 0.974, coverage95: 1 },
  },
};
