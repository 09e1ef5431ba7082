import { describe, expect, it } from "vitest";
import { addCompetitorShare, competitorShare, toFeatureRow, type RawRow } from "@/lib/analytics/getChurnFeatures";
import { calibrationPoints, churnHorizonDays, selectFeatures } from "@/lib/jobs/churnModel";
import { subsampleRows } from "@/lib/privacy/pooledTraining";
import { ageBand, median, moneyHistogram, niceStep, pAliveGrid, unitHistogram } from "@/lib/jobs/summaries";
import { twelveMonthsBefore } from "@/lib/jobs/segments";

describe("unitHistogram", () => {
  it("counts into ten bins of 0.1 with 1 in the last bin", () => {
    const h = unitHistogram([0, 0.05, 0.1, 0.35, 0.999, 1]);
    expect(h).toHaveLength(10);
    expect(h[0]).toEqual({ from: 0, to: 0.1, customers: 2 });
    expect(h[1]).toEqual({ from: 0.1, to: 0.2, customers: 1 });
    expect(h[3]).toEqual({ from: 0.3, to: 0.4, customers: 1 });
    expect(h[9]).toEqual({ from: 0.9, to: 1, customers: 2 });
    expect(h.reduce((s, b) => s + b.customers, 0)).toBe(6);
    expect(() => unitHistogram([], 0)).toThrow();
  });
});

describe("moneyHistogram", () => {
  it("uses a nice step covering the 99th percentile and an open-ended last bar", () => {
    expect(niceStep(930)).toBe(1000);
    expect(niceStep(2100)).toBe(2500);
    expect(niceStep(0.2)).toBe(1);
    // 100 values 0..9900 by 100, plus one outlier: p99 (nearest rank 100 of 101) = 9900.
    const values = Array.from({ length: 100 }, (_, i) => i * 100).concat([1_000_000]);
    const h = moneyHistogram(values);
    expect(h).toEqual([
      { from: 0, to: 1000, customers: 10 },
      { from: 1000, to: 2000, customers: 10 },
      { from: 2000, to: 3000, customers: 10 },
      { from: 3000, to: 4000, customers: 10 },
      { from: 4000, to: 5000, customers: 10 },
      { from: 5000, to: 6000, customers: 10 },
      { from: 6000, to: 7000, customers: 10 },
      { from: 7000, to: 8000, customers: 10 },
      { from: 8000, to: 9000, customers: 10 },
      { from: 9000, to: 10000, customers: 10 },
      { from: 10000, to: null, customers: 1 },
    ]);
    expect(moneyHistogram([])).toEqual([]);
    expect(moneyHistogram([0, 0, 0])).toEqual([{ from: 0, to: 1, customers: 3 }]);
  });
});

describe("pAliveGrid", () => {
  it("buckets by repeat purchases × weeks since last purchase and suppresses cells under 5", () => {
    const cs = [
      ...Array.from({ length: 5 }, (_, i) => ({ x: 1, tx: 10, T: 12, pAlive: 0.5 + i * 0.1 })),
      ...Array.from({ length: 4 }, () => ({ x: 12, tx: 1, T: 60, pAlive: 0.1 })),
    ];
    const g = pAliveGrid(cs);
    expect(g.frequencyBuckets).toEqual(["0", "1", "2", "3-4", "5-9", "10+"]);
    expect(g.recencyBuckets).toEqual(["0-3", "4-12", "13-25", "26-51", "52+"]);
    expect(g.cells).toHaveLength(30);
    const one = g.cells.find((c) => c.frequency === "1" && c.recency === "0-3")!;
    expect(one.customers).toBe(5);
    expect(one.meanPAlive).toBeCloseTo(0.7, 12);
    expect(one.suppressed).toBe(false);
    expect(g.cells.find((c) => c.frequency === "10+" && c.recency === "52+")).toEqual({
      frequency: "10+",
      recency: "52+",
      customers: null,
      meanPAlive: null,
      suppressed: true,
    });
  });
});

describe("small helpers", () => {
  it("median, age bands, 12 months", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(ageBand(null)).toBe("unknown");
    expect(ageBand(24)).toBe("18-24");
    expect(ageBand(65)).toBe("65+");
    expect(twelveMonthsBefore("2026-11-01")).toEqual({ from: "2025-11-01", to: "2026-11-01" });
    expect(twelveMonthsBefore("2024-02-29")).toEqual({ from: "2023-03-01", to: "2024-02-29" });
  });
});

describe("churn job helpers", () => {
  it("H = round(2 × median inter-purchase days) clamped to [30, 180]", () => {
    expect(churnHorizonDays(7)).toBe(30);
    expect(churnHorizonDays(20.25)).toBe(41);
    expect(churnHorizonDays(20.2)).toBe(40);
    expect(churnHorizonDays(95)).toBe(180);
    expect(() => churnHorizonDays(0)).toThrow();
  });

  it("subsamples the same customers every time, keeping row order", () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ customerId: i + 1 }));
    const a = subsampleRows(rows, 20);
    expect(a).toHaveLength(20);
    expect(subsampleRows([...rows].reverse(), 20).map((r) => r.customerId).sort((x, y) => x - y)).toEqual(a.map((r) => r.customerId));
    expect(a.map((r) => r.customerId)).toEqual([...a.map((r) => r.customerId)].sort((x, y) => x - y));
    expect(subsampleRows(rows, 60)).toEqual(rows);
  });

  it("lists every reliability bin, empty ones with null figures", () => {
    const points = calibrationPoints([0, 1, 1, 0], [0.05, 0.15, 0.95, 0.2], 10);
    expect(points).toHaveLength(10);
    expect(points[0]).toEqual({ from: 0, to: 0.1, customers: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(points[1]).toEqual({ from: 0.1, to: 0.2, customers: 2, meanPredicted: 0.175, observedRate: 0.5 });
    expect(points[2]).toEqual({ from: 0.2, to: 0.3, customers: 0, meanPredicted: null, observedRate: null });
    expect(points[9]).toEqual({ from: 0.9, to: 1, customers: 1, meanPredicted: 0.95, observedRate: 1 });
  });

  it("omits withheld, all-unknown and constant features", () => {
    const raw: RawRow = {
      customer_id: 1,
      recency: 3,
      frequency: 2,
      gross180: 3000,
      tenure: 40,
      mean_gap: 10,
      sd_gap: 0,
      gaps: 1,
      gross_recent: 3000,
      purchases_recent: 2,
      gross_previous: null,
      purchases_previous: null,
      birth_year: null,
      gender: "female",
      is_payroll: true,
      is_corporate: null,
      is_premium: null,
      region: "Moscow",
      revenue365: 3000,
      churned: true,
    };
    const a = toFeatureRow(raw, 2026);
    const b = toFeatureRow({ ...raw, customer_id: 2, recency: 9, gender: "male", churned: false }, 2026);
    const rows = addCompetitorShare([a, b], null, 0, 1);
    const { features, omitted } = selectFeatures(rows, new Map([["Moscow", 0]]), "fewer than 5 peer merchants");
    expect(features).toEqual(["recencyDays", "female"]);
    expect(omitted).toEqual([
      { feature: "frequency180d", reason: "the same for every customer" },
      { feature: "monetaryMinor", reason: "the same for every customer" },
      { feature: "tenureDays", reason: "the same for every customer" },
      { feature: "meanInterPurchaseDays", reason: "the same for every customer" },
      { feature: "interPurchaseCv", reason: "unknown for every customer" },
      { feature: "checkTrend", reason: "unknown for every customer" },
      { feature: "competitorShare90d", reason: "fewer than 5 peer merchants" },
      { feature: "competitorShareTrend", reason: "fewer than 5 peer merchants" },
      { feature: "age", reason: "unknown for every customer" },
      { feature: "payroll", reason: "the same for every customer" },
      { feature: "corporate", reason: "unknown for every customer" },
      { feature: "premium", reason: "unknown for every customer" },
      { feature: "region", reason: "the same for every customer" },
    ]);
  });

  it("competitor share is peers / (peers + here) per window, null without category spend", () => {
    const spend = { spendHereMinor: [300, 0, 0], spendAtPeersMinor: [100, 500, 0] };
    expect(competitorShare(spend, 0)).toBe(0.25);
    expect(competitorShare(spend, 1)).toBe(1);
    expect(competitorShare(spend, 2)).toBeNull();
    expect(competitorShare(undefined, 0)).toBeNull();
  });
});
