import { describe, expect, it } from "vitest";
import { ratio, relativeChange, roundHalfUpDiv } from "@/lib/analytics/math";
import { headlineChange, headlineFromTotals } from "@/lib/analytics/getOverview";

describe("roundHalfUpDiv (average check)", () => {
  it("rounds halves up in integer arithmetic", () => {
    expect(roundHalfUpDiv(1001, 2)).toBe(501);
    expect(roundHalfUpDiv(1000, 3)).toBe(333);
    expect(roundHalfUpDiv(1001, 3)).toBe(334);
    expect(roundHalfUpDiv(5, 2)).toBe(3);
    expect(roundHalfUpDiv(4, 2)).toBe(2);
    expect(roundHalfUpDiv(0, 7)).toBe(0);
  });

  it("stays exact beyond float precision and for negative net amounts", () => {
    // 2^53 − 1 = 9007199254740991; / 2 = 4503599627370495.5 → …496
    expect(roundHalfUpDiv(Number.MAX_SAFE_INTEGER, 2)).toBe(4503599627370496);
    expect(roundHalfUpDiv(-5, 2)).toBe(-2);
    expect(roundHalfUpDiv(-7, 2)).toBe(-3);
  });

  it("returns null without purchases and throws on non-integers", () => {
    expect(roundHalfUpDiv(100, 0)).toBeNull();
    expect(() => roundHalfUpDiv(1.5, 2)).toThrow();
    expect(() => roundHalfUpDiv(1, -2)).toThrow();
  });
});

describe("ratio / relativeChange", () => {
  it("divides or gives null", () => {
    expect(ratio(6, 4)).toBe(1.5);
    expect(ratio(6, 0)).toBeNull();
    expect(ratio(null, 4)).toBeNull();
    expect(relativeChange(125, 100)).toBe(0.25);
    expect(relativeChange(50, 100)).toBe(-0.5);
    expect(relativeChange(5, 0)).toBeNull();
    expect(relativeChange(null, 3)).toBeNull();
    expect(relativeChange(3, null)).toBeNull();
  });
});

describe("headline post-processing", () => {
  it("derives net revenue, returning customers, average check and frequency", () => {
    const h = headlineFromTotals({ grossSalesMinor: 1001, refundsMinor: 1, purchases: 2, refunds: 1, customers: 2, newCustomers: 1 });
    expect(h).toEqual({
      grossSalesMinor: 1001,
      refundsMinor: 1,
      netRevenueMinor: 1000,
      purchases: 2,
      refunds: 1,
      customers: 2,
      newCustomers: 1,
      returningCustomers: 1,
      averageCheckMinor: 501,
      frequency: 1,
    });
    const zero = headlineFromTotals({ grossSalesMinor: 0, refundsMinor: 0, purchases: 0, refunds: 0, customers: 0, newCustomers: 0 });
    expect(headlineChange(h, zero)).toEqual({
      grossSalesMinor: null,
      refundsMinor: null,
      netRevenueMinor: null,
      purchases: null,
      refunds: null,
      customers: null,
      newCustomers: null,
      returningCustomers: null,
      averageCheckMinor: null,
      frequency: null,
    });
    expect(headlineChange(zero, h).grossSalesMinor).toBe(-1);
    expect(headlineChange(zero, h).averageCheckMinor).toBeNull();
  });
});
