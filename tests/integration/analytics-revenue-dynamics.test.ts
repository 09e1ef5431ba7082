import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getRevenueDynamics, type RevenueBucket } from "@/lib/analytics/getRevenueDynamics";
import { openTestDatabase } from "../helpers/db";
import { scoped, seedMerchant, type SeedTx } from "./analytics-seed";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const TXS: SeedTx[] = [
  [0, 50, "2024-01-14"],
  [1, 400, "2024-01-15"],
  [2, 600, "2024-01-28"],
  [0, 1000, "2024-01-30"],
  [1, 300, "2024-02-01"],
  [0, 500, "2024-02-02"],
  [1, -100, "2024-02-06"],
  [2, 2000, "2024-02-07"],
  [0, 100, "2024-02-11"],
  [3, 999, "2024-02-12"],
];

/** A bucket literal: [start, from, to, days, gross, refundsMinor, purchases, refunds, customers, avg]. */
function b(
  start: string,
  from: string,
  to: string,
  days: number,
  gross: number,
  refundsMinor: number,
  purchases: number,
  refunds: number,
  customers: number,
  averageCheckMinor: number | null,
): RevenueBucket {
  return {
    start,
    from,
    to,
    days,
    grossSalesMinor: gross,
    refundsMinor,
    netRevenueMinor: gross - refundsMinor,
    purchases,
    refunds,
    customers,
    averageCheckMinor,
  };
}

describe("getRevenueDynamics", () => {
  it("buckets ISO weeks across a month boundary with exact distinct customers and an aligned comparison", async () => {
    const { merchant } = await seedMerchant(database, [{}, {}, {}, {}], TXS);
    const r = await scoped(database, merchant, (ctx) =>
      getRevenueDynamics(ctx, { from: "2024-01-29", to: "2024-02-12" }, { bucket: "week" }),
    );
    expect(r.previousPeriod).toEqual({ from: "2024-01-15", to: "2024-01-29" });
    expect(r.bucket).toBe("week");
    // Week 1: c0 twice (Jan 30, Feb 2) and c1 once: 2 customers, not the 3 of the daily rows.
    expect(r.series).toEqual([
      b("2024-01-29", "2024-01-29", "2024-02-05", 7, 1800, 0, 3, 0, 2, 600),
      b("2024-02-05", "2024-02-05", "2024-02-12", 7, 2100, 100, 2, 1, 2, 1050),
    ]);
    expect(r.comparison).toEqual([
      b("2024-01-15", "2024-01-15", "2024-01-22", 7, 400, 0, 1, 0, 1, 400),
      b("2024-01-22", "2024-01-22", "2024-01-29", 7, 600, 0, 1, 0, 1, 600),
    ]);
  });

  it("buckets calendar months with partial edges and gap filling", async () => {
    const { merchant } = await seedMerchant(database, [{}, {}, {}, {}], TXS);
    const r = await scoped(database, merchant, (ctx) =>
      getRevenueDynamics(ctx, { from: "2024-01-20", to: "2024-03-10" }, { bucket: "month" }),
    );
    expect(r.previousPeriod).toEqual({ from: "2023-12-01", to: "2024-01-20" });
    expect(r.series).toEqual([
      b("2024-01-01", "2024-01-20", "2024-02-01", 12, 1600, 0, 2, 0, 2, 800),
      b("2024-02-01", "2024-02-01", "2024-03-01", 29, 3899, 100, 5, 1, 4, 780),
      b("2024-03-01", "2024-03-01", "2024-03-10", 9, 0, 0, 0, 0, 0, null),
    ]);
    // Previous period days are shifted forward by 50 days before bucketing.
    expect(r.comparison).toEqual([
      b("2023-11-12", "2023-12-01", "2023-12-13", 12, 0, 0, 0, 0, 0, null),
      b("2023-12-13", "2023-12-13", "2024-01-11", 29, 0, 0, 0, 0, 0, null),
      b("2024-01-11", "2024-01-11", "2024-01-20", 9, 450, 0, 2, 0, 2, 225),
    ]);
  });

  it("defaults to days and fills empty days with zeros", async () => {
    const { merchant } = await seedMerchant(database, [{}, {}, {}, {}], TXS);
    const r = await scoped(database, merchant, (ctx) => getRevenueDynamics(ctx, { from: "2024-02-01", to: "2024-02-04" }));
    expect(r.bucket).toBe("day");
    expect(r.series).toEqual([
      b("2024-02-01", "2024-02-01", "2024-02-02", 1, 300, 0, 1, 0, 1, 300),
      b("2024-02-02", "2024-02-02", "2024-02-03", 1, 500, 0, 1, 0, 1, 500),
      b("2024-02-03", "2024-02-03", "2024-02-04", 1, 0, 0, 0, 0, 0, null),
    ]);
    expect(r.comparison).toEqual([
      b("2024-01-29", "2024-01-29", "2024-01-30", 1, 0, 0, 0, 0, 0, null),
      b("2024-01-30", "2024-01-30", "2024-01-31", 1, 1000, 0, 1, 0, 1, 1000),
      b("2024-01-31", "2024-01-31", "2024-02-01", 1, 0, 0, 0, 0, 0, null),
    ]);
  });

  it("rejects a bucket outside the allow-list", async () => {
    const { merchant } = await seedMerchant(database, [], []);
    await expect(
      scoped(database, merchant, (ctx) =>
        getRevenueDynamics(ctx, { from: "2024-02-01", to: "2024-02-04" }, { bucket: "hour" as "day" }),
      ),
    ).rejects.toThrow();
  });
});
