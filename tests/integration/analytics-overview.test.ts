import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getHeadlineMetrics, getOverview } from "@/lib/analytics/getOverview";
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
 * February 2024 (29 days) against the previous 29 days [2024-01-03, 2024-02-01):
 *   c0 first bought 2023-12-20 (returning), 1500 + 500 in February
 *   c1 first bought 2024-01-10 (2000, previous period), 700 in February, refund 200
 *   c2 new: 1001; c3 new: 999 + 300
 *   c4 100 on 2024-01-03 (first day of the previous period), 5000 on 2024-03-01 (excluded)
 *   c5 400 on 2024-01-02 (before the previous period), refund 400 in February (refund only)
 * February: gross 5000, 6 purchases, refunds 600 in 2, customers c0..c3 = 4, new c2, c3.
 */
const FEB_TXS: SeedTx[] = [
  [0, 1000, "2023-12-20"],
  [0, 1500, "2024-02-05"],
  [0, 500, "2024-02-10"],
  [1, 2000, "2024-01-10"],
  [1, 700, "2024-02-05"],
  [1, -200, "2024-02-06"],
  [2, 1001, "2024-02-14"],
  [3, 999, "2024-02-14"],
  [3, 300, "2024-02-29"],
  [4, 100, "2024-01-03"],
  [4, 5000, "2024-03-01"],
  [5, 400, "2024-01-02"],
  [5, -400, "2024-02-20"],
];
const SIX = [{}, {}, {}, {}, {}, {}];

describe("getHeadlineMetrics / getOverview", () => {
  it("computes the headline figures of a period exactly, and of the previous period", async () => {
    const { merchant } = await seedMerchant(database, SIX, FEB_TXS);
    const overview = await scoped(database, merchant, (ctx) =>
      getOverview(ctx, { from: "2024-02-01", to: "2024-03-01" }),
    );
    expect(overview.period).toEqual({ from: "2024-02-01", to: "2024-03-01" });
    expect(overview.previousPeriod).toEqual({ from: "2024-01-03", to: "2024-02-01" });
    expect(overview.current).toEqual({
      grossSalesMinor: 5000,
      refundsMinor: 600,
      netRevenueMinor: 4400,
      purchases: 6,
      refunds: 2,
      customers: 4,
      newCustomers: 2,
      returningCustomers: 2,
      averageCheckMinor: 833,
      frequency: 1.5,
    });
    expect(overview.previous).toEqual({
      grossSalesMinor: 2100,
      refundsMinor: 0,
      netRevenueMinor: 2100,
      purchases: 2,
      refunds: 0,
      customers: 2,
      newCustomers: 2,
      returningCustomers: 0,
      averageCheckMinor: 1050,
      frequency: 1,
    });
    expect(overview.change).toEqual({
      grossSalesMinor: (5000 - 2100) / 2100,
      refundsMinor: null,
      netRevenueMinor: (4400 - 2100) / 2100,
      purchases: 2,
      refunds: null,
      customers: 1,
      newCustomers: 0,
      returningCustomers: null,
      averageCheckMinor: (833 - 1050) / 1050,
      frequency: 0.5,
    });
    // Data from 2023-12-20 to 2024-03-01 covers both periods whole: a like-for-like comparison.
    expect(overview.coverage).toEqual({
      current: { days: 29, coveredDays: 29, share: 1 },
      previous: { days: 29, coveredDays: 29, share: 1 },
      comparable: true,
    });
  });

  it("shows no change against a previous period that holds too little data", async () => {
    // Data starts 2024-02-26: [2024-03-01, 2024-03-08) is covered whole, the previous week
    // [2024-02-23, 2024-03-01) for 4 days (26, 27, 28, 29 February): 4 < 0.9 × 7.
    const { merchant } = await seedMerchant(database, [{}, {}], [
      [0, 1000, "2024-02-26"],
      [1, 3000, "2024-03-07"],
    ]);
    const overview = await scoped(database, merchant, (ctx) => getOverview(ctx, { from: "2024-03-01", to: "2024-03-08" }));
    expect(overview.current.grossSalesMinor).toBe(3000);
    expect(overview.previous.grossSalesMinor).toBe(1000);
    expect(overview.coverage).toEqual({
      current: { days: 7, coveredDays: 7, share: 1 },
      previous: { days: 7, coveredDays: 4, share: 4 / 7 },
      comparable: false,
    });
    expect(Object.values(overview.change).every((c) => c === null)).toBe(true);
  });

  it("rounds the average check half up and returns nulls for an empty period", async () => {
    const { merchant } = await seedMerchant(database, [{}], [
      [0, 1000, "2024-05-01"],
      [0, 1, "2024-05-02"],
    ]);
    const [may, empty] = await scoped(database, merchant, async (ctx) => [
      await getHeadlineMetrics(ctx, { from: "2024-05-01", to: "2024-05-03" }),
      await getHeadlineMetrics(ctx, { from: "2024-06-01", to: "2024-07-01" }),
    ]);
    expect(may.averageCheckMinor).toBe(501);
    expect(may.frequency).toBe(2);
    expect(empty).toEqual({
      grossSalesMinor: 0,
      refundsMinor: 0,
      netRevenueMinor: 0,
      purchases: 0,
      refunds: 0,
      customers: 0,
      newCustomers: 0,
      returningCustomers: 0,
      averageCheckMinor: null,
      frequency: null,
    });
  });

  it("rejects a malformed period", async () => {
    const { merchant } = await seedMerchant(database, [], []);
    await expect(
      scoped(database, merchant, (ctx) => getHeadlineMetrics(ctx, { from: "2024-02-30", to: "2024-03-01" })),
    ).rejects.toThrow(/invalid period/);
    await expect(
      scoped(database, merchant, (ctx) => getHeadlineMetrics(ctx, { from: "2024-03-01", to: "2024-03-01" })),
    ).rejects.toThrow(/invalid period/);
  });
});
