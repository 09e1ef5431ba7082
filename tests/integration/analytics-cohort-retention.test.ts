import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getCohortRetention } from "@/lib/analytics/getCohortRetention";
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
 * Period [2024-01-01, 2024-03-15):
 *   January cohort c0..c5 (6): 1000 each, c0 refunds 500 in January (net 5500);
 *     February: c0..c4 buy 200 each (5 customers: shown), c5 refunds 100 (no purchase): net 900;
 *     March (to the 14th): c0..c3 (4 customers: suppressed); c5 on March 20 is after `to`.
 *   February cohort c6..c9 (4): suppressed entirely. March: no new customers (size 0: suppressed).
 *   c10 first bought in December 2023: in no cohort shown, though it buys in February.
 */
function txs(): SeedTx[] {
  const t: SeedTx[] = [];
  for (let c = 0; c <= 5; c++) t.push([c, 1000, `2024-01-0${c + 2}`]);
  t.push([0, -500, "2024-01-20"]);
  for (let c = 0; c <= 4; c++) t.push([c, 200, "2024-02-10"]);
  t.push([5, -100, "2024-02-11"]);
  for (let c = 0; c <= 3; c++) t.push([c, 300, "2024-03-14"]);
  t.push([5, 300, "2024-03-20"]);
  for (let c = 6; c <= 9; c++) t.push([c, 700, "2024-02-15"], [c, 700, "2024-03-01"]);
  t.push([10, 999, "2023-12-05"], [10, 999, "2024-02-10"]);
  return t;
}

const hidden = (k: number, month: string, complete: boolean) => ({
  k,
  month,
  complete,
  customers: null,
  retention: null,
  revenueMinor: null,
  revenueRetention: null,
  suppressed: true,
});

describe("getCohortRetention", () => {
  it("builds monthly cohorts with customer and revenue retention, suppressing groups under 5", async () => {
    const { merchant } = await seedMerchant(database, Array.from({ length: 11 }, () => ({})), txs());
    const r = await scoped(database, merchant, (ctx) =>
      getCohortRetention(ctx, { from: "2024-01-01", to: "2024-03-15" }),
    );
    expect(r.cohorts).toEqual([
      {
        cohort: "2024-01-01",
        size: 6,
        suppressed: false,
        cells: [
          {
            k: 0,
            month: "2024-01-01",
            complete: true,
            customers: 6,
            retention: 1,
            revenueMinor: 5500,
            revenueRetention: 1,
            suppressed: false,
          },
          {
            k: 1,
            month: "2024-02-01",
            complete: true,
            customers: 5,
            retention: 5 / 6,
            revenueMinor: 900,
            revenueRetention: 900 / 5500,
            suppressed: false,
          },
          hidden(2, "2024-03-01", false),
        ],
      },
      {
        cohort: "2024-02-01",
        size: null,
        suppressed: true,
        cells: [hidden(0, "2024-02-01", true), hidden(1, "2024-03-01", false)],
      },
      { cohort: "2024-03-01", size: null, suppressed: true, cells: [hidden(0, "2024-03-01", false)] },
    ]);
  });

  it("shows the month containing the day before `to` as the last, complete when `to` is a month start", async () => {
    const { merchant } = await seedMerchant(database, Array.from({ length: 11 }, () => ({})), txs());
    const r = await scoped(database, merchant, (ctx) =>
      getCohortRetention(ctx, { from: "2024-01-15", to: "2024-02-01" }),
    );
    // The January cohort is the whole calendar month, even though the period starts on the 15th.
    expect(r.cohorts).toEqual([
      {
        cohort: "2024-01-01",
        size: 6,
        suppressed: false,
        cells: [
          {
            k: 0,
            month: "2024-01-01",
            complete: true,
            customers: 6,
            retention: 1,
            revenueMinor: 5500,
            revenueRetention: 1,
            suppressed: false,
          },
        ],
      },
    ]);
  });
});
