import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getCohortRetention } from "@/lib/analytics/getCohortRetention";
import { getCustomerSegments } from "@/lib/analytics/getCustomerSegments";
import { getHeadlineMetrics } from "@/lib/analytics/getOverview";
import { getRegularCustomers } from "@/lib/analytics/getRegularCustomers";
import { getRevenueDynamics } from "@/lib/analytics/getRevenueDynamics";
import { getSeasonality } from "@/lib/analytics/getSeasonality";
import type { AnalyticsContext, MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { openTestDatabase } from "../helpers/db";
import { seedMerchant, type SeedTx } from "./analytics-seed";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const APRIL: { from: string; to: string } = { from: "2024-04-01", to: "2024-05-01" };

/** Every family over April, run with `merchant` as the context inside `scopeId`'s scope. */
function everything(scopeId: number, merchant: MerchantRef) {
  return withMerchantScope(database, scopeId, async (tx) => {
    const ctx: AnalyticsContext = { tx, merchant };
    return {
      headline: await getHeadlineMetrics(ctx, APRIL),
      dynamics: await getRevenueDynamics(ctx, APRIL, { bucket: "month" }),
      cohorts: await getCohortRetention(ctx, APRIL),
      segments: await getCustomerSegments(ctx, APRIL, { dimensions: ["gender"] }),
      regulars: await getRegularCustomers(ctx, APRIL),
      seasonality: await getSeasonality(ctx, APRIL),
    };
  });
}

describe("tenancy", () => {
  it("a scoped query for merchant A never returns merchant B's rows", async () => {
    // Both merchants on the same day and hour; both have customer ordinals 0..n (overlapping bits).
    const a: SeedTx[] = [0, 1, 2, 3, 4].map((c) => [c, 100, "2024-04-01", 10]);
    const b: SeedTx[] = [0, 1, 2, 3, 4, 5, 6].map((c) => [c, 1000, "2024-04-01", 10]);
    const A = await seedMerchant(database, a.map(() => ({ gender: "female" })), a);
    const B = await seedMerchant(database, b.map(() => ({ gender: "female" })), b);

    const own = await everything(A.merchant.id, A.merchant);
    expect(own.headline).toMatchObject({ grossSalesMinor: 500, purchases: 5, customers: 5, newCustomers: 5 });
    expect(own.dynamics.series).toMatchObject([{ grossSalesMinor: 500, customers: 5 }]);
    expect(own.cohorts.cohorts).toMatchObject([{ cohort: "2024-04-01", size: 5 }]);
    expect(own.segments.dimensions.gender).toMatchObject([{ value: "female", customers: 5, revenueMinor: 500 }]);
    expect(own.seasonality.heatmap.find((c) => c.dow === 1 && c.hour === 10)).toMatchObject({
      customers: 5,
      grossSalesMinor: 500,
    });

    const theirs = await everything(B.merchant.id, B.merchant);
    expect(theirs.headline).toMatchObject({ grossSalesMinor: 7000, customers: 7 });

    // A context naming B inside A's scope: the explicit filter asks for B, RLS allows only A,
    // so nothing of either comes back.
    const crossed = await everything(A.merchant.id, B.merchant);
    expect(crossed.headline).toMatchObject({ grossSalesMinor: 0, purchases: 0, customers: 0, newCustomers: 0 });
    expect(crossed.dynamics.series).toMatchObject([{ grossSalesMinor: 0, customers: 0 }]);
    expect(crossed.dynamics.comparison).toMatchObject([{ grossSalesMinor: 0, customers: 0 }]);
    expect(crossed.cohorts.cohorts).toMatchObject([{ cohort: "2024-04-01", size: null, suppressed: true }]);
    expect(crossed.segments.totalRevenueMinor).toBe(0);
    expect(crossed.segments.dimensions.gender).toEqual([]);
    expect(crossed.regulars.trend).toMatchObject([{ suppressed: true }]);
    expect(crossed.seasonality.heatmap.every((c) => c.suppressed)).toBe(true);
    // Nothing of B's shows: every month reads "no data" (years 0, customers 0, no figures; issue 19
    // made an empty month "no data" rather than the privacy marker).
    expect(crossed.seasonality.monthProfile.every((c) => c.years === 0 && c.customers === 0 && c.grossSalesMinor === null && c.netRevenueMinor === null && c.purchases === null)).toBe(true);
  });
});
