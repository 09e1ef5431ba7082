import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getCustomerSegments } from "@/lib/analytics/getCustomerSegments";
import { openTestDatabase } from "../helpers/db";
import { scoped, seedMerchant, type SeedCustomer, type SeedTx } from "./analytics-seed";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const hidden = (value: string) => ({
  value,
  customers: null,
  revenueMinor: null,
  purchases: null,
  averageCheckMinor: null,
  revenueShare: null,
  suppressed: true,
});

describe("getCustomerSegments", () => {
  /*
   * March 2024. c0..c4 female, married, premium: 1000..5000, c4 refunds 500 (net 14500).
   * c5..c8 male, 100 each; c5 married, c6..c8 marital unknown; c9 gender unknown, Kazan, 50.
   * c10 female, single: bought in February only, refunds 50 in March (refund-only: revenue
   * counts, customers do not). Net revenue of March = 15450 − 550 = 14900.
   */
  const people: SeedCustomer[] = [
    ...[0, 1, 2, 3, 4].map(() => ({ gender: "female", maritalStatus: "married", isPayroll: true, isPremium: true, region: "Moscow" })),
    { gender: "male", maritalStatus: "married", isPayroll: true, isPremium: false, region: "Moscow" },
    ...[6, 7, 8].map(() => ({ gender: "male", isPayroll: true, isPremium: false, region: "Moscow" })),
    { isPayroll: true, isPremium: false, region: "Kazan" },
    { gender: "female", maritalStatus: "single", isPremium: false, region: "Moscow" },
  ];
  const txs: SeedTx[] = [
    [0, 1000, "2024-03-01"],
    [1, 2000, "2024-03-05"],
    [2, 3000, "2024-03-10"],
    [3, 4000, "2024-03-15"],
    [4, 5000, "2024-03-31"],
    [4, -500, "2024-03-31"],
    [5, 100, "2024-03-02"],
    [6, 100, "2024-03-02"],
    [7, 100, "2024-03-02"],
    [8, 100, "2024-03-02"],
    [9, 50, "2024-03-03"],
    [10, 777, "2024-02-10"],
    [10, -50, "2024-03-04"],
    [0, 999, "2024-04-01"],
  ];

  it("splits customers by each dimension, ranks by revenue and suppresses groups under 5", async () => {
    const { merchant } = await seedMerchant(database, people, txs);
    const r = await scoped(database, merchant, (ctx) =>
      getCustomerSegments(ctx, { from: "2024-03-01", to: "2024-04-01" }),
    );
    expect(r.totalRevenueMinor).toBe(14900);
    expect(r.dimensions.gender).toEqual([
      { value: "female", customers: 5, revenueMinor: 14450, purchases: 5, averageCheckMinor: 3000, revenueShare: 14450 / 14900, suppressed: false },
      hidden("male"),
      hidden("unknown"),
    ]);
    expect(r.dimensions.maritalStatus).toEqual([
      { value: "married", customers: 6, revenueMinor: 14600, purchases: 6, averageCheckMinor: 2517, revenueShare: 14600 / 14900, suppressed: false },
      hidden("single"),
      hidden("unknown"),
    ]);
    expect(r.dimensions.payroll).toEqual([
      { value: "yes", customers: 10, revenueMinor: 14950, purchases: 10, averageCheckMinor: 1545, revenueShare: 14950 / 14900, suppressed: false },
      hidden("unknown"),
    ]);
    expect(r.dimensions.corporate).toEqual([
      { value: "unknown", customers: 10, revenueMinor: 14900, purchases: 10, averageCheckMinor: 1545, revenueShare: 1, suppressed: false },
    ]);
    // Premium "no" (5 customers) has a 5-customer cell that must stay visible.
    expect(r.dimensions.premium).toEqual([
      { value: "yes", customers: 5, revenueMinor: 14500, purchases: 5, averageCheckMinor: 3000, revenueShare: 14500 / 14900, suppressed: false },
      { value: "no", customers: 5, revenueMinor: 400, purchases: 5, averageCheckMinor: 90, revenueShare: 400 / 14900, suppressed: false },
    ]);
    expect(r.dimensions.region).toEqual([
      { value: "Moscow", customers: 9, revenueMinor: 14850, purchases: 9, averageCheckMinor: 1711 /* gross 15400 / 9 */, revenueShare: 14850 / 14900, suppressed: false },
      hidden("Kazan"),
    ]);
    expect(r.dimensions.ageBand).toEqual([
      { value: "unknown", customers: 10, revenueMinor: 14900, purchases: 10, averageCheckMinor: 1545, revenueShare: 1, suppressed: false },
    ]);
  });

  it("bands ages at the day before `to`", async () => {
    // Period December 2024: the day before `to` (2025-01-01) is in 2024, so born 2000 → 24.
    const years: (number | null)[] = [2000, 1999, 1960, 1959, null];
    const people2: SeedCustomer[] = [];
    const txs2: SeedTx[] = [];
    years.forEach((birthYear, g) => {
      for (let i = 0; i < 5; i++) {
        txs2.push([people2.length, (g + 1) * 100, "2024-12-10"]);
        people2.push({ birthYear });
      }
    });
    txs2.push([people2.length, 7, "2024-12-11"]);
    people2.push({ birthYear: 2010 });
    const { merchant } = await seedMerchant(database, people2, txs2);
    const r = await scoped(database, merchant, (ctx) =>
      getCustomerSegments(ctx, { from: "2024-12-01", to: "2025-01-01" }, { dimensions: ["ageBand"] }),
    );
    expect(Object.keys(r.dimensions)).toEqual(["ageBand"]);
    const total = 5 * (100 + 200 + 300 + 400 + 500) + 7;
    expect(r.totalRevenueMinor).toBe(total);
    const row = (value: string, each: number) => ({
      value,
      customers: 5,
      revenueMinor: 5 * each,
      purchases: 5,
      averageCheckMinor: each,
      revenueShare: (5 * each) / total,
      suppressed: false,
    });
    expect(r.dimensions.ageBand).toEqual([
      row("unknown", 500),
      row("65+", 400),
      row("55-64", 300),
      row("25-34", 200),
      row("18-24", 100),
      hidden("<18"),
    ]);
  });

  it("rejects an unknown dimension", async () => {
    const { merchant } = await seedMerchant(database, [], []);
    await expect(
      scoped(database, merchant, (ctx) =>
        getCustomerSegments(ctx, { from: "2024-12-01", to: "2025-01-01" }, { dimensions: ["income" as "gender"] }),
      ),
    ).rejects.toThrow();
  });
});
