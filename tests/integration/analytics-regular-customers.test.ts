import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getRegularCustomers } from "@/lib/analytics/getRegularCustomers";
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
 * Period [2024-05-01, 2024-06-16): trend months May (window Dec 2023 – May) and June
 * (window Jan – June 15).
 *   r0..r4  100 in Jan, Mar, May: regular in both windows.
 *   r5      200 in Dec 2023, Feb, Apr: regular in May's window, only 2 months in June's.
 *   r6      300 in Feb, twice in Mar (one month), and on June 20 (after `to`): never regular.
 *   r7      50 in Nov 2023 (outside), Jan, June 10: at most 2 months.
 *   r8      bought in Oct 2023, refunds 100 in Feb: not active, but its refund lowers net revenue.
 */
function txs(regulars: number): SeedTx[] {
  const t: SeedTx[] = [];
  for (let c = 0; c < regulars; c++) t.push([c, 100, "2024-01-15"], [c, 100, "2024-03-15"], [c, 100, "2024-05-15"]);
  const r = regulars;
  t.push([r, 200, "2023-12-10"], [r, 200, "2024-02-10"], [r, 200, "2024-04-10"]);
  t.push([r + 1, 300, "2024-02-20"], [r + 1, 300, "2024-03-01"], [r + 1, 300, "2024-03-02"], [r + 1, 300, "2024-06-20"]);
  t.push([r + 2, 50, "2023-11-05"], [r + 2, 50, "2024-01-05"], [r + 2, 50, "2024-06-10"]);
  t.push([r + 3, 500, "2023-10-01"], [r + 3, -100, "2024-02-01"]);
  return t;
}

describe("getRegularCustomers", () => {
  it("applies the 3-of-6-months rule per month with exact counts and revenue shares", async () => {
    const { merchant } = await seedMerchant(database, Array.from({ length: 9 }, () => ({})), txs(5));
    const r = await scoped(database, merchant, (ctx) =>
      getRegularCustomers(ctx, { from: "2024-05-01", to: "2024-06-16" }),
    );
    expect(r.rule).toEqual({ minActiveMonths: 3, windowMonths: 6 });
    const may = {
      month: "2024-05-01",
      from: "2023-12-01",
      to: "2024-06-01",
      customers: 6,
      activeCustomers: 8,
      share: 0.75,
      revenueMinor: 2100,
      revenueShare: 2100 / 2950,
      suppressed: false,
    };
    const june = {
      month: "2024-06-01",
      from: "2024-01-01",
      to: "2024-06-16",
      customers: 5,
      activeCustomers: 8,
      share: 5 / 8,
      revenueMinor: 1500,
      revenueShare: 1500 / 2800,
      suppressed: false,
    };
    expect(r.trend).toEqual([may, june]);
    expect(r.current).toEqual(june);
  });

  it("suppresses a point with 4 regular customers", async () => {
    const { merchant } = await seedMerchant(database, Array.from({ length: 8 }, () => ({})), txs(4));
    const r = await scoped(database, merchant, (ctx) =>
      getRegularCustomers(ctx, { from: "2024-05-01", to: "2024-06-16" }),
    );
    // May: r0..r3 and r5 are regular (5: shown); June: r0..r3 only (4: suppressed).
    expect(r.trend).toEqual([
      {
        month: "2024-05-01",
        from: "2023-12-01",
        to: "2024-06-01",
        customers: 5,
        activeCustomers: 7,
        share: 5 / 7,
        revenueMinor: 1800,
        revenueShare: 1800 / 2650,
        suppressed: false,
      },
      {
        month: "2024-06-01",
        from: "2024-01-01",
        to: "2024-06-16",
        customers: null,
        activeCustomers: null,
        share: null,
        revenueMinor: null,
        revenueShare: null,
        suppressed: true,
      },
    ]);
    expect(r.current.suppressed).toBe(true);
  });
});
