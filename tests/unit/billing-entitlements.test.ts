import { describe, expect, it } from "vitest";
import { PLAN_IDS as SCHEMA_PLAN_IDS } from "@/db/schema/billing";
import { cheapestPlanWith, entitlementsOf, FEATURES, FeatureLockedError, PAST_DUE_GRACE_DAYS, PLAN_IDS, requireFeature } from "@/lib/billing";

const DAY = 86_400_000;
const now = new Date("2026-11-21T12:00:00Z");

describe("entitlementsOf", () => {
  it("no account: bank data, every feature", () => {
    const e = entitlementsOf(null, now);
    expect(e).toMatchObject({ plan: null, source: "bank", inGoodStanding: true });
    expect([...e.features]).toEqual([...FEATURES]);
  });

  it("trialing until trial_ends_at (exclusive), then nothing", () => {
    const account = { plan: "pro" as const, status: "trialing" as const, trialEndsAt: new Date(now.getTime() + 1), pastDueSince: null };
    expect(entitlementsOf(account, now).features.has("churn")).toBe(true);
    expect(entitlementsOf(account, now).endsAt).toEqual(account.trialEndsAt);
    expect(entitlementsOf({ ...account, trialEndsAt: now }, now).features.size).toBe(0);
    expect(entitlementsOf({ ...account, trialEndsAt: null }, now).features.size).toBe(0);
  });

  it("past_due keeps the plan for the grace period counted from past_due_since", () => {
    const since = new Date(now.getTime() - PAST_DUE_GRACE_DAYS * DAY + 1000);
    const account = { plan: "business" as const, status: "past_due" as const, trialEndsAt: null, pastDueSince: since };
    expect(entitlementsOf(account, now)).toMatchObject({ inGoodStanding: true, endsAt: new Date(since.getTime() + PAST_DUE_GRACE_DAYS * DAY) });
    expect(entitlementsOf(account, new Date(now.getTime() + 1000)).inGoodStanding).toBe(false);
  });

  it("canceled grants nothing; active grants the plan", () => {
    expect(entitlementsOf({ plan: "business", status: "canceled", trialEndsAt: null, pastDueSince: null }, now).features.size).toBe(0);
    expect([...entitlementsOf({ plan: "start", status: "active", trialEndsAt: null, pastDueSince: null }, now).features]).toEqual(["overview", "customers", "seasonality"]);
  });

  it("requireFeature throws FeatureLockedError with the cheapest plan that has the feature", () => {
    const e = entitlementsOf({ plan: "start", status: "active", trialEndsAt: null, pastDueSince: null }, now);
    expect(() => requireFeature(e, "overview")).not.toThrow();
    expect(() => requireFeature(e, "churn")).toThrow(FeatureLockedError);
    expect(cheapestPlanWith("churn")).toBe("pro");
    expect(cheapestPlanWith("exports")).toBe("business");
    expect(cheapestPlanWith("seasonality")).toBe("start");
  });

  it("the plan list agrees with the schema's check constraint list", () => {
    expect([...PLAN_IDS]).toEqual([...SCHEMA_PLAN_IDS]);
  });
});
