import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getHeadlineMetrics } from "@/lib/analytics/getOverview";
import { getSegmentTreeData } from "@/lib/analytics/getSegmentTreeData";
import { buildSegmentTree } from "@/lib/jobs/segmentTree";
import { segmentProfileText } from "@/lib/runs/render/segments";
import { openTestDatabase } from "../helpers/db";
import { scoped, seedMerchant, type SeedCustomer, type SeedTx } from "./analytics-seed";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const march: { from: string; to: string } = { from: "2024-03-01", to: "2024-04-01" };
const REGIONS = ["Moscow", "Republic of Tatarstan"];

describe("getSegmentTreeData + buildSegmentTree", () => {
  /*
   * March 2024, 40 customers in four groups of 10:
   *   c0..c9   women, corporate        3000 each (the planted segment: ~3× everybody else)
   *   c10..c19 women, not corporate    1000 + 10·k
   *   c20..c29 men, corporate          1200 + 10·k
   *   c30..c39 men, not corporate      1000 + 5·k; c31 refunds 100 in March; c37..c39 have no
   *                                    demographics at all
   * Age, marital status, payroll, premium and region are spread across the groups so that no
   * other attribute singles the planted segment out. Regular-customer boundaries (window
   * October 2023..March 2024): c10..c13 bought in January and February (3 months: regular), c14
   * in January only (2), c15 in October and December (3: regular), c16 in September and December
   * (September is outside the window: 2). c0 buys again in April (outside the period).
   */
  const people: SeedCustomer[] = Array.from({ length: 40 }, (_, i) => {
    if (i >= 37) return {};
    return {
      gender: i < 20 ? "female" : "male",
      birthYear: 1960 + ((i * 7) % 40),
      maritalStatus: i % 3 === 0 ? "single" : "married",
      isPayroll: i % 4 === 0,
      isCorporate: i < 10 || (i >= 20 && i < 30),
      isPremium: i % 5 === 0,
      region: REGIONS[i % 2],
    };
  });
  const txs: SeedTx[] = [];
  for (let i = 0; i < 10; i++) txs.push([i, 1500, "2024-03-04"], [i, 1500, "2024-03-18"]);
  for (let k = 0; k < 10; k++) txs.push([10 + k, 1000 + 10 * k, "2024-03-10"]);
  for (let k = 0; k < 10; k++) txs.push([20 + k, 1200 + 10 * k, "2024-03-12"]);
  for (let k = 0; k < 10; k++) txs.push([30 + k, 1000 + 5 * k, "2024-03-20"]);
  txs.push([31, -100, "2024-03-25"]);
  for (const c of [10, 11, 12, 13]) txs.push([c, 400, "2024-01-15"], [c, 400, "2024-02-15"]);
  txs.push([14, 400, "2024-01-15"]);
  txs.push([15, 400, "2023-10-02"], [15, 400, "2023-12-02"]);
  txs.push([16, 400, "2023-09-30"], [16, 400, "2023-12-02"]);
  txs.push([0, 9999, "2024-04-01"]);

  const inMarch = txs.filter(([, , day]) => day >= march.from && day < march.to);
  const netRevenue = inMarch.reduce((s, [, amount]) => s + amount, 0);

  it("encodes the customers, finds the planted segment, keeps leaves ≥ 5 and adds up to net revenue", async () => {
    expect(netRevenue).toBe(30000 + 10450 + 12450 + 10225 - 100);
    const { merchant, customerIds } = await seedMerchant(database, people, txs);
    const { data, headline } = await scoped(database, merchant, async (ctx) => ({
      data: await getSegmentTreeData(ctx, march),
      headline: await getHeadlineMetrics(ctx, march),
    }));
    expect(headline.netRevenueMinor).toBe(netRevenue);

    expect(data.featureNames).toEqual([
      "female", "male", "age", "married", "single", "divorced", "widowed", "payroll", "corporate", "premium", "regular",
      "region:Moscow", "region:Republic of Tatarstan",
    ]);
    expect(data.rows.map((r) => r.customerId)).toEqual([...customerIds].sort((a, b) => a - b));
    const row = (i: number) => data.rows.find((r) => r.customerId === customerIds[i])!;
    expect(row(0)).toEqual({
      customerId: customerIds[0],
      revenueMinor: 3000,
      purchases: 2,
      grossSalesMinor: 3000,
      features: {
        female: 1, male: 0, age: 64, married: 0, single: 1, divorced: 0, widowed: 0, payroll: 1, corporate: 1, premium: 1,
        regular: 0, "region:Moscow": 1, "region:Republic of Tatarstan": 0,
      },
    });
    expect(row(31)).toMatchObject({ revenueMinor: 905, purchases: 1, grossSalesMinor: 1005 });
    expect(row(31).features).toEqual({
      female: 0, male: 1, age: 2024 - (1960 + ((31 * 7) % 40)), married: 1, single: 0, divorced: 0, widowed: 0, payroll: 0,
      corporate: 0, premium: 0, regular: 0, "region:Moscow": 0, "region:Republic of Tatarstan": 1,
    });
    expect(row(38).features).toEqual({
      female: 0, male: 0, age: -1, married: 0, single: 0, divorced: 0, widowed: 0, payroll: 0, corporate: 0, premium: 0,
      regular: 0, "region:Moscow": 0, "region:Republic of Tatarstan": 0,
    });
    expect([10, 11, 12, 13, 14, 15, 16].map((i) => row(i).features.regular)).toEqual([1, 1, 1, 1, 0, 1, 0]);
    expect(data.rows.filter((r) => r.features.regular === 1)).toHaveLength(5);

    const { tree, table } = buildSegmentTree(data);
    // The profile is stored as conditions and rendered through messages/<locale>/segments.json.
    expect(segmentProfileText(table[0])).toEqual({ en: "Corporate client; Female", ru: "Корпоративный клиент; Женщина" });
    expect(table[0]).toMatchObject({
      conditions: [
        { type: "flag", feature: "corporate", present: true },
        { type: "flag", feature: "female", present: true },
      ],
      customers: 10,
      revenueMinor: 30000,
      shareOfRevenue: 30000 / netRevenue,
      averageCheckMinor: 1500,
      meanRevenuePerCustomerMinor: 3000,
    });
    expect(tree.nodes[table[0].leafId].impurity).toBe(0);
    expect(table.length).toBeGreaterThan(2);
    for (const r of table) expect(r.customers, segmentProfileText(r).en).toBeGreaterThanOrEqual(5);
    expect(table.reduce((s, r) => s + r.customers, 0)).toBe(40);
    expect(table.reduce((s, r) => s + r.revenueMinor, 0)).toBe(netRevenue);
    expect(table.reduce((s, r) => s + r.shareOfRevenue, 0)).toBeCloseTo(1, 12);
    for (let i = 1; i < table.length; i++) expect(table[i - 1].revenueMinor).toBeGreaterThanOrEqual(table[i].revenueMinor);
  });

  it("leaves out customers without a purchase in the period (refund-only, or buying outside it)", async () => {
    const few: SeedCustomer[] = Array.from({ length: 8 }, (_, i) => ({ gender: i % 2 ? "male" : "female", birthYear: 1990 }));
    const fewTxs: SeedTx[] = [
      ...[0, 1, 2, 3, 4, 5].map((c): SeedTx => [c, 100 * (c + 1), "2024-03-05"]),
      [6, 500, "2024-02-20"],
      [6, -200, "2024-03-02"],
      [7, 700, "2024-04-02"],
    ];
    const { merchant, customerIds } = await seedMerchant(database, few, fewTxs);
    const { data, headline } = await scoped(database, merchant, async (ctx) => ({
      data: await getSegmentTreeData(ctx, march),
      headline: await getHeadlineMetrics(ctx, march),
    }));
    expect(data.rows.map((r) => r.customerId)).toEqual(customerIds.slice(0, 6).sort((a, b) => a - b));
    expect(data.featureNames).toEqual([
      "female", "male", "age", "married", "single", "divorced", "widowed", "payroll", "corporate", "premium", "regular",
    ]);
    const { table } = buildSegmentTree(data);
    // Six customers cannot be split into two leaves of five: one row, every buyer of the period.
    expect(segmentProfileText(table[0])).toEqual({ en: "All customers", ru: "Все клиенты" });
    expect(table).toEqual([
      {
        leafId: 0,
        conditions: [],
        ageUnknown: "none",
        customers: 6,
        revenueMinor: 2100,
        shareOfRevenue: 1,
        averageCheckMinor: 350,
        meanRevenuePerCustomerMinor: 350,
      },
    ]);
    // The merchant's net revenue also carries the refund-only customer's −200.
    expect(headline.netRevenueMinor).toBe(2100 - 200);
  });

  it("returns nothing for a period without purchases", async () => {
    const { merchant } = await seedMerchant(database, [{ gender: "female" }], [[0, 100, "2024-05-01"]]);
    const data = await scoped(database, merchant, (ctx) => getSegmentTreeData(ctx, march));
    expect(data.rows).toEqual([]);
    expect(buildSegmentTree(data).table).toEqual([]);
  });
});
