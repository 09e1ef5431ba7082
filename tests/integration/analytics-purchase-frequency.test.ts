import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { buildFrequencyBands, getPurchaseFrequency } from "@/lib/analytics/getPurchaseFrequency";
import { openTestDatabase, TEST_DIALECT } from "../helpers/db";
import { scoped, seedMerchant, type SeedTx } from "./analytics-seed";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const day = (d: number) => `2024-03-${String(d).padStart(2, "0")}`;

/*
 * Period [2024-03-01, 2024-04-01).
 *   c0..c5    one purchase of 100                       → band 1:    6 customers, net 600
 *   c6..c10   two purchases of 100                      → band 2:    5 customers, net 1,000
 *   c11       three purchases of 100                    → band 3:    1 customer (suppressed)
 *   c12..c16  four purchases of 50 and a refund of 50   → band 4-5:  5 customers, net 750
 *   c17       bought in February, refunded 80 in March  → no band (no purchase in the period)
 *   c18       bought on April 1 (the period's `to`)     → no band
 *   c19..c23  ten purchases of 10                       → band 10+:  5 customers, net 500
 * Banded: 22 customers, net 3,150; band 6-9 is empty (suppressed).
 */
function txs(): SeedTx[] {
  const t: SeedTx[] = [];
  for (let c = 0; c <= 5; c++) t.push([c, 100, day(2)]);
  for (let c = 6; c <= 10; c++) t.push([c, 100, day(3)], [c, 100, day(20)]);
  t.push([11, 100, day(1)], [11, 100, day(5)], [11, 100, day(31)]);
  for (let c = 12; c <= 16; c++) t.push([c, 50, day(4)], [c, 50, day(5)], [c, 50, day(6)], [c, 50, day(7)], [c, -50, day(8)]);
  t.push([17, 80, "2024-02-10"], [17, -80, day(9)]);
  t.push([18, 70, "2024-04-01"]);
  for (let c = 19; c <= 23; c++) for (let k = 1; k <= 10; k++) t.push([c, 10, day(k)]);
  return t;
}

describe(`getPurchaseFrequency (${TEST_DIALECT})`, () => {
  it("bands the period's buyers by purchases with exact counts, revenue and shares", async () => {
    const { merchant } = await seedMerchant(database, Array.from({ length: 24 }, () => ({})), txs());
    const r = await scoped(database, merchant, (ctx) => getPurchaseFrequency(ctx, { from: "2024-03-01", to: "2024-04-01" }));
    const hidden = { customers: null, customerShare: null, purchases: null, revenueMinor: null, revenueShare: null, revenuePerCustomerMinor: null, suppressed: true };
    expect(r.period).toEqual({ from: "2024-03-01", to: "2024-04-01" });
    expect(r.bands).toEqual([
      { band: "1", minPurchases: 1, maxPurchases: 1, customers: 6, customerShare: 6 / 22, purchases: 6, revenueMinor: 600, revenueShare: 600 / 3150, revenuePerCustomerMinor: 100, suppressed: false },
      { band: "2", minPurchases: 2, maxPurchases: 2, customers: 5, customerShare: 5 / 22, purchases: 10, revenueMinor: 1000, revenueShare: 1000 / 3150, revenuePerCustomerMinor: 200, suppressed: false },
      { band: "3", minPurchases: 3, maxPurchases: 3, ...hidden },
      { band: "4-5", minPurchases: 4, maxPurchases: 5, customers: 5, customerShare: 5 / 22, purchases: 20, revenueMinor: 750, revenueShare: 750 / 3150, revenuePerCustomerMinor: 150, suppressed: false },
      { band: "6-9", minPurchases: 6, maxPurchases: 9, ...hidden },
      { band: "10+", minPurchases: 10, maxPurchases: null, customers: 5, customerShare: 5 / 22, purchases: 50, revenueMinor: 500, revenueShare: 500 / 3150, revenuePerCustomerMinor: 100, suppressed: false },
    ]);
  });

  it("adds the cut days on either side of whole months to the month planes (a period from Feb 5 to Apr 2)", async () => {
    // March comes from the month planes; Feb 5-29 and Apr 1 from per-customer rows. c17 (bought
    // 80 in February, refunded 80 in March) and c18 (bought 70 on April 1) now join band 1.
    const { merchant } = await seedMerchant(database, Array.from({ length: 24 }, () => ({})), txs());
    const r = await scoped(database, merchant, (ctx) => getPurchaseFrequency(ctx, { from: "2024-02-05", to: "2024-04-02" }));
    expect(r.bands.map((b) => [b.band, b.customers, b.purchases, b.revenueMinor, b.revenueShare])).toEqual([
      ["1", 8, 8, 670, 670 / 3220],
      ["2", 5, 10, 1000, 1000 / 3220],
      ["3", null, null, null, null],
      ["4-5", 5, 20, 750, 750 / 3220],
      ["6-9", null, null, null, null],
      ["10+", 5, 50, 500, 500 / 3220],
    ]);
    expect(r.bands[0].customerShare).toBe(8 / 24);
  });

  it("answers six suppressed bands for a period without purchases, and refuses a malformed period", async () => {
    const { merchant } = await seedMerchant(database, [{}], [[0, 100, "2024-01-10"]]);
    const r = await scoped(database, merchant, (ctx) => getPurchaseFrequency(ctx, { from: "2024-03-01", to: "2024-04-01" }));
    expect(r.bands.map((b) => [b.band, b.suppressed, b.customers])).toEqual([
      ["1", true, null], ["2", true, null], ["3", true, null], ["4-5", true, null], ["6-9", true, null], ["10+", true, null],
    ]);
    await expect(scoped(database, merchant, (ctx) => getPurchaseFrequency(ctx, { from: "2024-04-01", to: "2024-03-01" }))).rejects.toThrow();
  });

  it("refuses a band index the query cannot produce", () => {
    expect(() => buildFrequencyBands([{ band: 6, customers: 5, purchases: 5, net: 10 }])).toThrow(/band index 6/);
  });
});
