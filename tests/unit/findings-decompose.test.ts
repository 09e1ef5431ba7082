import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decomposeByGroup, decomposeRevenueChange, logMean, roundToTotal } from "@/lib/findings/decompose";
import { splitMarketEffect } from "@/lib/findings/market";
import { pairedWeekdayTest } from "@/lib/findings/stats";
import { normalTwoSidedP, regularizedIncompleteBeta, studentTTwoSidedP } from "@/lib/stats";

describe("LMDI decomposition", () => {
  it("splits a known change: customers ×1.1, frequency ×1, check ×0.9 (parts from L(R1,R0)·ln ratio)", () => {
    const before = { customers: 100, purchases: 200, grossMinor: 1_000_000 };
    const after = { customers: 110, purchases: 220, grossMinor: 990_000 };
    const d = decomposeRevenueChange(before, after);
    const L = (990_000 - 1_000_000) / Math.log(0.99);
    expect(d.totalMinor).toBe(-10_000);
    expect(d.parts.frequency).toBe(0);
    expect(Math.abs(d.parts.customers - L * Math.log(1.1))).toBeLessThanOrEqual(1);
    expect(Math.abs(d.parts.averageCheck - L * Math.log(0.9))).toBeLessThanOrEqual(1);
    expect(d.parts.customers + d.parts.frequency + d.parts.averageCheck).toBe(-10_000);
  });

  it("parts sum exactly to the total for any positive totals (property)", () => {
    const totals = fc.record({
      customers: fc.integer({ min: 1, max: 100_000 }),
      extra: fc.integer({ min: 0, max: 500_000 }),
      grossMinor: fc.integer({ min: 1, max: 1e12 }),
    });
    fc.assert(
      fc.property(totals, totals, (a, b) => {
        const before = { customers: a.customers, purchases: a.customers + a.extra, grossMinor: a.grossMinor };
        const after = { customers: b.customers, purchases: b.customers + b.extra, grossMinor: b.grossMinor };
        const d = decomposeRevenueChange(before, after);
        return d.parts.customers + d.parts.frequency + d.parts.averageCheck === b.grossMinor - a.grossMinor && d.totalMinor === b.grossMinor - a.grossMinor;
      }),
      { numRuns: 2000 },
    );
  });

  it("a group that appears or disappears is all customers effect; groups add up to the merchant's change", () => {
    const groups = decomposeByGroup([
      { group: "a", before: { customers: 10, purchases: 20, grossMinor: 5000 }, after: { customers: 12, purchases: 20, grossMinor: 6100 } },
      { group: "b", before: { customers: 0, purchases: 0, grossMinor: 0 }, after: { customers: 5, purchases: 6, grossMinor: 777 } },
      { group: "c", before: { customers: 7, purchases: 9, grossMinor: 3001 }, after: { customers: 0, purchases: 0, grossMinor: 0 } },
    ]);
    expect(groups[1].decomposition.parts).toEqual({ customers: 777, frequency: 0, averageCheck: 0 });
    expect(groups[2].decomposition.parts).toEqual({ customers: -3001, frequency: 0, averageCheck: 0 });
    const all = groups.flatMap((g) => Object.values(g.decomposition.parts)).reduce((s, v) => s + v, 0);
    expect(all).toBe(6100 + 777 - 5000 - 3001);
  });

  it("roundToTotal hands the rounding units to the largest remainders", () => {
    expect(roundToTotal([1.4, 1.4, 1.2], 4)).toEqual([2, 1, 1]);
    expect(roundToTotal([-0.5, -0.5], -1)).toEqual([0, -1]);
    expect(() => roundToTotal([1], 1.5)).toThrow(/integer/);
    expect(logMean(5, 5)).toBe(5);
    expect(logMean(2, 1)).toBeCloseTo(1 / Math.log(2), 12);
  });
});

describe("market vs own effect", () => {
  const days = (from: string, n: number, v: number) =>
    Array.from({ length: n }, (_, i) => ({ day: new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10), revenueMinor: v }));
  const windows = { baseline: { from: "2026-01-01", to: "2026-01-29" }, current: { from: "2026-01-29", to: "2026-02-26" } };
  const merchant = [...days("2026-01-01", 28, 1000), ...days("2026-01-29", 28, 1200)];

  it("splits +20 % with a market of +10 % into exact parts", () => {
    const peer = { released: true as const, series: [{ date: "2026-01-05", index: 100 }, { date: "2026-02-02", index: 110 }] };
    const s = splitMarketEffect(merchant, peer, windows);
    if (!s.available) throw new Error("expected a split");
    const L = (33_600 - 28_000) / Math.log(1.2);
    expect(s.totalMinor).toBe(5600);
    expect(s.marketMinor + s.ownMinor).toBe(5600);
    expect(Math.abs(s.marketMinor - L * Math.log(1.1))).toBeLessThanOrEqual(1);
    expect(s.marketGrowth).toBeCloseTo(1.1, 12);
  });

  it("says why when the index is withheld or absent", () => {
    expect(splitMarketEffect(merchant, { released: false, reason: "fewer than 5 peers" }, windows)).toEqual({ available: false, reason: "fewer than 5 peers" });
    expect(splitMarketEffect(merchant, undefined, windows)).toEqual({ available: false, reason: "no peer index" });
    expect(splitMarketEffect(merchant, { released: true, series: [{ date: "2026-01-05", index: 100 }] }, windows).available).toBe(false);
  });
});

describe("test statistics against scipy (fixture values from scipy.special.betainc / scipy.stats)", () => {
  it("regularized incomplete beta", () => {
    expect(regularizedIncompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(0.018927124071945658, 10);
    expect(regularizedIncompleteBeta(0.9, 13.5, 0.5)).toBeCloseTo(0.09467610100466282, 10);
    expect(regularizedIncompleteBeta(0.2, 0.5, 3)).toBeCloseTo(0.733430296619931, 10);
  });
  it("Student t and normal two-sided p-values", () => {
    expect(studentTTwoSidedP(2, 27)).toBeCloseTo(0.05565242732803769, 10);
    expect(studentTTwoSidedP(3.5, 27)).toBeCloseTo(0.0016334888137380641, 10);
    expect(studentTTwoSidedP(0.3, 5)).toBeCloseTo(0.7762490422632745, 10);
    expect(studentTTwoSidedP(10, 100) / 9.90168898459413e-17).toBeCloseTo(1, 6);
    expect(normalTwoSidedP(1.96)).toBeCloseTo(0.04999579029644087, 6);
    expect(normalTwoSidedP(3)).toBeCloseTo(0.0026997960632601866, 6);
  });
  it("a weekday-paired test ignores a weekly pattern shared by both windows", () => {
    const week = [100, 100, 100, 100, 300, 500, 400];
    const base = Array.from({ length: 28 }, (_, i) => week[i % 7] + ((i * 7919) % 13) - 6);
    const same = Array.from({ length: 28 }, (_, i) => week[i % 7] + ((i * 104_729) % 13) - 6);
    expect(pairedWeekdayTest(same, base).p).toBeGreaterThan(0.05);
    const up = same.map((v) => v * 1.3);
    expect(pairedWeekdayTest(up, base).p).toBeLessThan(0.001);
    expect(() => pairedWeekdayTest([1, 2], [1, 2])).toThrow();
  });
});
