import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getDailySeries } from "@/lib/analytics/getDailySeries";
import { getFindingsResults, getForecastResults } from "@/lib/analytics/getForecastFindings";
import { addDays } from "@/lib/days";
import { computeForecastRun } from "@/lib/jobs/forecast";
import { runMerchantModels } from "@/lib/jobs/runModels";
import { findMerchantRef } from "@/lib/jobs/store";
import type { ForecastSummary } from "@/lib/runs/forecast";
import { TEST_DIALECT } from "../helpers/db";
import { loadSmallSyntheticBank } from "../helpers/syntheticBank";
import { generatePlanted } from "../helpers/plantedMerchant";
import { scoped } from "./analytics-seed";
import { seedBank } from "./jobs-seed";

/*
 * Forecasts and findings on the product's path (rollups → jobs → stored runs → readers):
 * - the synthetic bank (seed 42, 3,000 customers, ~120,000 transactions, 63 merchants): the
 *   daily net-revenue forecast fitted up to 28 days before each merchant's last day covers
 *   between 75 % and 85 % of the held-out days with its 80 % interval;
 * - forecasts are reproducible: the same data (same generator seed) gives the same run;
 * - a merchant with a planted frequency drop among its premium customers gets the finding.
 */
let database: Database;

let cleanup: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ database, cleanup } = await loadSmallSyntheticBank("forecast-synthetic"));
}, 900_000);
afterAll(async () => {
  await cleanup?.();
});

describe(`forecasts on the synthetic bank (${TEST_DIALECT})`, () => {
  it("the 80 % interval covers 75–85 % of held-out days; the 95 % interval more", async () => {
    const merchants = await database.db.query.merchants.findMany();
    let in80 = 0;
    let in95 = 0;
    let n = 0;
    for (const m of merchants) {
      const ref = (await findMerchantRef(database, { id: m.id }))!;
      const daily = await scoped(database, ref, (ctx) => getDailySeries(ctx, { from: "2024-11-01", to: "2026-11-01" }));
      const lastDay = [...daily].reverse().find((d) => d.purchases > 0)!.day;
      const asOf = addDays(lastDay, 1 - 28);
      const run = await computeForecastRun(database, ref, asOf);
      const f = (run.summary as ForecastSummary).daily.metrics.netRevenue!;
      const actual = new Map(daily.map((d) => [d.day, d.netMinor]));
      for (const p of f.forecast) {
        const a = actual.get(p.day)!;
        n++;
        if (a >= p.lower80 && a <= p.upper80) in80++;
        if (a >= p.lower95 && a <= p.upper95) in95++;
      }
    }
    console.log(`synthetic bank: ${merchants.length} merchants, ${n} held-out days, coverage 80 % = ${(in80 / n).toFixed(3)}, 95 % = ${(in95 / n).toFixed(3)}`);
    expect(merchants.length).toBe(63);
    expect(n).toBe(63 * 28);
    expect(in80 / n).toBeGreaterThanOrEqual(0.75);
    expect(in80 / n).toBeLessThanOrEqual(0.85);
    expect(in95 / n).toBeGreaterThan(in80 / n);
  }, 900_000);

  it("forecast and findings runs are stored, readable in scope, and reproducible", async () => {
    const ref = (await findMerchantRef(database, { slug: "msk-grocery-1" }))!;
    const outcomes = await runMerchantModels(database, ref.id, { kinds: ["forecast", "findings"] });
    expect(outcomes.map((o) => [o.kind, o.status])).toEqual([
      ["forecast", "succeeded"],
      ["findings", "succeeded"],
    ]);
    const forecast = (await scoped(database, ref, (ctx) => getForecastResults(ctx)))!;
    const findings = (await scoped(database, ref, (ctx) => getFindingsResults(ctx)))!;
    expect(forecast.summary.daily.metrics.netRevenue!.forecast).toHaveLength(28);
    expect(forecast.summary.weekly.metrics.netRevenue!.forecast).toHaveLength(13);
    expect(forecast.summary.daily.metrics.netRevenue!.method).toBe("mstl-ets");
    for (const p of forecast.summary.daily.metrics.customers!.forecast) {
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.lower80).toBeLessThanOrEqual(p.upper80);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
      expect(p.lower95).toBeGreaterThanOrEqual(0);
    }
    expect(findings.params.forecastRunId).toBe(forecast.id);
    expect(findings.summary.asOf).toBe(forecast.summary.asOf);
    // Ranked: alerts first, then by money impact.
    const f = findings.summary.findings;
    for (let i = 1; i < f.length; i++) {
      if (f[i - 1].tier === f[i].tier) expect(f[i - 1].impactMinor).toBeGreaterThanOrEqual(f[i].impactMinor);
      else expect(f[i - 1].tier).toBe("alert");
    }
    // Same data, same forecast: recompute and compare the summary exactly.
    const again = await computeForecastRun(database, ref, forecast.summary.asOf);
    expect(again.summary).toEqual(forecast.summary);
  }, 120_000);
});

describe(`findings job on a planted merchant (${TEST_DIALECT})`, () => {
  it("finds the 15 % frequency drop of premium customers and names them", async () => {
    const spec = { seed: 3, customers: 1200, days: 84, asOf: "2026-06-01", plant: "frequencyDrop" as const, plantFrom: "2026-05-04" };
    const data = generatePlanted(spec);
    const seeded = await seedBank(database, {
      merchants: { P: { mcc: "5411" } },
      customers: data.customers.map((c) => ({ gender: c.gender, birthYear: c.birthYear, isPremium: c.isPremium })),
      txs: data.txs.map(([c, amount, day]) => ["P", c, amount, day]),
    });
    const merchant = seeded.merchants.P;
    const outcomes = await runMerchantModels(database, merchant.id, { kinds: ["forecast", "findings"] });
    expect(outcomes.every((o) => o.status === "succeeded")).toBe(true);
    const run = (await scoped(database, merchant, (ctx) => getFindingsResults(ctx)))!;
    expect(run.summary.asOf).toBe("2026-06-01");
    const seg = run.summary.findings.filter((x) => x.kind === "segmentDriver");
    expect(seg[0]?.id).toBe("segmentDriver:premium:yes:frequency:previous");
    // The job reads the peer index through lib/privacy by default: P (MCC 5411) shares this
    // database with the synthetic bank's grocery merchants, so its peer group passes the guard.
    expect(run.summary.market).toEqual({ available: true });
    expect(run.params).toMatchObject({ peerIndex: "released" });
  }, 300_000);
});
