import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getSeasonality } from "@/lib/analytics/getSeasonality";
import { openTestDatabase } from "../helpers/db";
import { scoped, seedMerchant, type SeedTx } from "./analytics-seed";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/*
 * Period [2023-01-01, 2025-01-01), UTC merchant.
 *   Sun 2023-01-15 12 h: c5..c9 1000 each.
 *   Wed 2023-03-15 12 h: c0..c4 200 each.   Wed 2024-07-10 12 h: c0 300 (same 5 customers).
 *   Mon 2024-01-01 10 h: c0..c4 100 each, c1 refunds 50; Mon 2024-01-08 10 h: c0 100 again.
 *   Sun 2024-01-07 23 h: c0..c3 100 each (4 customers: suppressed).
 *   2025-01-06 is outside the period.
 */
function txs(): SeedTx[] {
  const t: SeedTx[] = [];
  for (let c = 5; c <= 9; c++) t.push([c, 1000, "2023-01-15", 12]);
  for (let c = 0; c <= 4; c++) t.push([c, 200, "2023-03-15", 12]);
  t.push([0, 300, "2024-07-10", 12]);
  for (let c = 0; c <= 4; c++) t.push([c, 100, "2024-01-01", 10]);
  t.push([1, -50, "2024-01-01", 10], [0, 100, "2024-01-08", 10]);
  for (let c = 0; c <= 3; c++) t.push([c, 100, "2024-01-07", 23]);
  t.push([0, 100, "2025-01-06", 10]);
  return t;
}

describe("getSeasonality", () => {
  it("builds the dow × hour heatmap with exact distinct customers and suppresses cells under 5", async () => {
    const { merchant } = await seedMerchant(database, Array.from({ length: 10 }, () => ({})), txs());
    const r = await scoped(database, merchant, (ctx) => getSeasonality(ctx, { from: "2023-01-01", to: "2025-01-01" }));
    expect(r.heatmap).toHaveLength(168);
    expect(r.heatmap[0]).toMatchObject({ dow: 1, hour: 0 });
    expect(r.heatmap[167]).toMatchObject({ dow: 7, hour: 23 });
    const shown = r.heatmap.filter((c) => !c.suppressed);
    expect(shown).toEqual([
      { dow: 1, hour: 10, purchases: 6, grossSalesMinor: 600, customers: 5, averageCheckMinor: 100, suppressed: false },
      { dow: 3, hour: 12, purchases: 6, grossSalesMinor: 1300, customers: 5, averageCheckMinor: 217, suppressed: false },
      { dow: 7, hour: 12, purchases: 5, grossSalesMinor: 5000, customers: 5, averageCheckMinor: 1000, suppressed: false },
    ]);
    expect(r.heatmap.find((c) => c.dow === 7 && c.hour === 23)).toEqual({
      dow: 7,
      hour: 23,
      purchases: null,
      grossSalesMinor: null,
      customers: null,
      averageCheckMinor: null,
      suppressed: true,
    });
  });

  it("averages each calendar month over the years it has sales, suppressing months under 5 customers", async () => {
    const { merchant } = await seedMerchant(database, Array.from({ length: 10 }, () => ({})), txs());
    const r = await scoped(database, merchant, (ctx) => getSeasonality(ctx, { from: "2023-01-01", to: "2025-01-01" }));
    expect(r.monthProfile.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // January: 2023 gross 5000 (5 purchases); 2024 gross 1000 (10 purchases), refunds 50.
    expect(r.monthProfile[0]).toEqual({
      month: 1,
      years: 2,
      customers: 10,
      grossSalesMinor: 3000,
      netRevenueMinor: 2975,
      purchases: 7.5,
      suppressed: false,
    });
    expect(r.monthProfile[2]).toEqual({
      month: 3,
      years: 1,
      customers: 5,
      grossSalesMinor: 1000,
      netRevenueMinor: 1000,
      purchases: 5,
      suppressed: false,
    });
    // July: one customer.
    expect(r.monthProfile[6]).toEqual({
      month: 7,
      years: null,
      customers: null,
      grossSalesMinor: null,
      netRevenueMinor: null,
      purchases: null,
      suppressed: true,
    });
    expect(r.monthProfile.filter((m) => !m.suppressed && m.years !== 0).map((m) => m.month)).toEqual([1, 3]);
    // Months without any data in the period describe nobody: "no data" (years 0), never the "< 5" marker.
    const empty = r.monthProfile.filter((m) => m.years === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const m of empty) {
      expect(m).toEqual({ month: m.month, years: 0, customers: 0, grossSalesMinor: null, netRevenueMinor: null, purchases: null, suppressed: false });
    }
  });
});
