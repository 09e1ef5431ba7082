import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getChurnFeatures, getPurchaseCycle, type ChurnFeatureRow } from "@/lib/analytics/getChurnFeatures";
import { churnFeaturesFromDays } from "@/lib/analytics/churnFeaturesFromDays";
import { getChurnFeatureDays } from "@/lib/analytics/getChurnFeatureDays";
import type { MerchantRef } from "@/lib/tenancy/context";
import { churnHorizonDays } from "@/lib/jobs/churnModel";
import { openTestDatabase } from "../helpers/db";
import { scoped } from "./analytics-seed";
import { seedBank } from "./jobs-seed";

/*
 * Churn features as of the cutoff 2024-07-01 on a hand-built merchant. Windows: observation
 * [2024-01-03, 2024-07-01), intervals [2023-07-02, 2024-07-01), recent [2024-04-02, 2024-07-01),
 * previous [2024-01-03, 2024-04-02).
 */
let database: Database;
let m: MerchantRef;
let ids: number[];
const CUTOFF = "2024-07-01";

beforeAll(async () => {
  database = await openTestDatabase();
  const seeded = await seedBank(database, {
    merchants: { M: { mcc: "5411" }, P: { mcc: "5411" } },
    customers: [
      { gender: "female", birthYear: 1990, isPayroll: true, isCorporate: false, isPremium: true, region: "Moscow" },
      {},
      {},
      {},
      { gender: "male", birthYear: 1950, isPremium: false, region: "Kazan" },
    ],
    txs: [
      // c0: first purchase 2023-06-01 (before the interval window), then 4 purchase days.
      ["M", 0, 5000, "2023-06-01"],
      ["M", 0, 1000, "2024-01-10"],
      ["M", 0, 1500, "2024-03-01"],
      ["M", 0, 500, "2024-03-01"],
      ["M", 0, 900, "2024-05-01"],
      ["M", 0, 300, "2024-06-20"],
      ["M", 0, -100, "2024-06-21"],
      ["M", 0, 450, "2024-07-15"],
      // c1: one purchase 30 days before the cutoff; next one after the 30-day label window.
      ["M", 1, 700, "2024-06-01"],
      ["M", 1, 800, "2024-08-15"],
      // c2: only before the observation window; c3: only on the cutoff day. Neither is in the population.
      ["M", 2, 100, "2023-12-01"],
      ["M", 3, 100, "2024-07-01"],
      // c4: every 10 days in February; back on 2024-07-30. Spend elsewhere changes nothing here.
      ["M", 4, 200, "2024-02-01"],
      ["M", 4, 200, "2024-02-11"],
      ["M", 4, 400, "2024-02-21"],
      ["M", 4, 400, "2024-03-02"],
      ["M", 4, 100, "2024-07-30"],
      ["P", 4, 999, "2024-05-05"],
    ],
  });
  m = seeded.merchants.M;
  ids = seeded.customerIds;
});
afterAll(async () => {
  await database?.close();
});

describe("getChurnFeatures", () => {
  it("computes every feature exactly as of the cutoff, with 30-day labels", async () => {
    const rows = await scoped(database, m, (ctx) => getChurnFeatures(ctx, { cutoff: CUTOFF, labelDays: 30 }));
    expect(rows.map((r) => r.customerId)).toEqual([ids[0], ids[1], ids[4]]);
    const [c0, c1, c4] = rows;
    expect(c0.interPurchaseCv).toBeCloseTo(Math.sqrt(74 / 3) / 54, 12);
    expect({ ...c0, interPurchaseCv: 0 }).toEqual<ChurnFeatureRow>({
      customerId: ids[0],
      recencyDays: 11,
      frequency180d: 4,
      monetaryMinor: 1050,
      tenureDays: 396,
      meanInterPurchaseDays: 54,
      interPurchaseCv: 0,
      checkTrend: 0.6,
      age: 34,
      female: true,
      payroll: true,
      corporate: false,
      premium: true,
      region: "Moscow",
      revenue365dMinor: 4100,
      churned: false,
    });
    expect(c1).toEqual<ChurnFeatureRow>({
      customerId: ids[1],
      recencyDays: 30,
      frequency180d: 1,
      monetaryMinor: 700,
      tenureDays: 30,
      meanInterPurchaseDays: null,
      interPurchaseCv: null,
      checkTrend: null,
      age: null,
      female: null,
      payroll: null,
      corporate: null,
      premium: null,
      region: null,
      revenue365dMinor: 700,
      churned: true,
    });
    expect(c4).toEqual<ChurnFeatureRow>({
      customerId: ids[4],
      recencyDays: 121,
      frequency180d: 4,
      monetaryMinor: 300,
      tenureDays: 151,
      meanInterPurchaseDays: 10,
      interPurchaseCv: 0,
      checkTrend: null,
      age: 74,
      female: false,
      payroll: null,
      corporate: null,
      premium: false,
      region: "Kazan",
      revenue365dMinor: 1200,
      churned: false,
    });
  });

  it("gives the same rows from one read of the customer-day rows, at any cutoff (the pool's peers)", async () => {
    const days = await scoped(database, m, (ctx) => getChurnFeatureDays(ctx, { from: "2023-01-01", to: "2024-12-01" }));
    const fromDays = churnFeaturesFromDays(days, { cutoff: CUTOFF, labelDays: 30 });
    expect(fromDays.map((r) => r.customerId)).toEqual([ids[0], ids[1], ids[4]]);
    // c4's gaps 10, 10, 10: mean 10, deviation 0.
    expect(fromDays[2].meanInterPurchaseDays).toBe(10);
    expect(fromDays[2].interPurchaseCv).toBe(0);
    for (const cutoff of ["2024-02-15", "2024-03-02", CUTOFF, "2024-08-01", "2024-11-01"]) {
      for (const labelDays of [undefined, 1, 30, 90]) {
        if (labelDays !== undefined && cutoff === "2024-11-01" && labelDays > 30) continue;
        const byQuery = await scoped(database, m, (ctx) => getChurnFeatures(ctx, { cutoff, labelDays }));
        expect(churnFeaturesFromDays(days, { cutoff, labelDays }), `${cutoff} ${labelDays}`).toStrictEqual(byQuery);
      }
    }
    expect(() => churnFeaturesFromDays(days, { cutoff: "2024-11-15", labelDays: 30 })).toThrow(
      "churnFeaturesFromDays: rows of 2023-01-01..2024-12-01 do not cover cutoff 2024-11-15 with 30 label days",
    );
  });

  it("leaves labels null without labelDays and counts a purchase inside the window only", async () => {
    const rows = await scoped(database, m, (ctx) => getChurnFeatures(ctx, { cutoff: CUTOFF }));
    expect(rows.map((r) => r.churned)).toEqual([null, null, null]);
    // With 29 days c4's return on 2024-07-30 falls outside [07-01, 07-30): churned.
    const short = await scoped(database, m, (ctx) => getChurnFeatures(ctx, { cutoff: CUTOFF, labelDays: 29 }));
    expect(short.map((r) => r.churned)).toEqual([false, true, true]);
    await expect(scoped(database, m, (ctx) => getChurnFeatures(ctx, { cutoff: "2024-02-30" }))).rejects.toThrow(/not a calendar day/);
    await expect(scoped(database, m, (ctx) => getChurnFeatures(ctx, { cutoff: CUTOFF, labelDays: 0 }))).rejects.toThrow(/labelDays/);
  });

  it("measures the purchase cycle over repeat customers of the last 365 days: H = 2 × median", async () => {
    // c0's mean gap 54 (51, 61, 50 days), c4's 10: median 32, so H = 64 days.
    const cycle = await scoped(database, m, (ctx) => getPurchaseCycle(ctx, CUTOFF));
    expect(cycle).toEqual({ repeatCustomers: 2, medianInterPurchaseDays: 32 });
    expect(churnHorizonDays(cycle.medianInterPurchaseDays!)).toBe(64);
    expect(await scoped(database, m, (ctx) => getPurchaseCycle(ctx, "2023-01-01"))).toEqual({ repeatCustomers: 0, medianInterPurchaseDays: null });
  });
});
