import { describe, expect, it } from "vitest";
import { buildCohorts } from "@/lib/analytics/getCohortRetention";
import { ageBandOf, buildSegments, shownSegmentRows } from "@/lib/analytics/getCustomerSegments";
import { buildRegularTrend } from "@/lib/analytics/getRegularCustomers";
import { buildHeatmap, buildMonthProfile } from "@/lib/analytics/getSeasonality";

describe("buildSegments", () => {
  it("ranks by revenue, breaks ties by value, puts suppressed rows last and shares the total", () => {
    const r = buildSegments({ from: "2024-01-01", to: "2024-02-01" }, ["region"], [
      { dimension: "region", value: "b", customers: 5, purchases: 5, gross: 300, refunds: 0 },
      { dimension: "region", value: "z", customers: 4, purchases: 4, gross: 5000, refunds: 0 },
      { dimension: "region", value: "a", customers: 6, purchases: 6, gross: 300, refunds: 0 },
      { dimension: "region", value: "c", customers: 7, purchases: 7, gross: 700, refunds: 100 },
    ]);
    expect(r.totalRevenueMinor).toBe(6200);
    expect(r.dimensions.region!.map((x) => [x.value, x.revenueMinor, x.suppressed])).toEqual([
      ["c", 600, false],
      ["a", 300, false],
      ["b", 300, false],
      ["z", null, true],
    ]);
    expect(r.dimensions.region![0].revenueShare).toBe(600 / 6200);
    expect(r.dimensions.region![0].averageCheckMinor).toBe(100);
  });

  it("gives no share when the merchant's net revenue is not positive", () => {
    const r = buildSegments({ from: "2024-01-01", to: "2024-02-01" }, ["gender"], [
      { dimension: "gender", value: "female", customers: 5, purchases: 5, gross: 100, refunds: 300 },
    ]);
    expect(r.dimensions.gender![0]).toMatchObject({ revenueMinor: -200, revenueShare: null, suppressed: false });
  });
});

describe("ageBandOf / shownSegmentRows", () => {
  it("bands a stored birth year by the year difference at refYear, edges included", () => {
    const at2024 = (y: number) => ageBandOf(String(y), 2024);
    expect([2007, 2006, 2000, 1999, 1990, 1989, 1980, 1979, 1970, 1969, 1960, 1959].map(at2024)).toEqual([
      "<18", "18-24", "18-24", "25-34", "25-34", "35-44", "35-44", "45-54", "45-54", "55-64", "55-64", "65+",
    ]);
    expect(ageBandOf("unknown", 2024)).toBe("unknown");
    expect(() => ageBandOf("19x0", 2024)).toThrow(/not a birth year/);
  });

  it("merges birth years into bands (figures add) and passes the other dimensions through", () => {
    const rows = shownSegmentRows(["ageBand", "gender"], 2024, [
      { dimension: "birthYear", value: "1990", customers: 2, purchases: 3, gross: 300, refunds: 10 },
      { dimension: "birthYear", value: "1995", customers: 4, purchases: 5, gross: 500, refunds: 0 },
      { dimension: "birthYear", value: "1960", customers: 1, purchases: 1, gross: 70, refunds: 0 },
      { dimension: "birthYear", value: "unknown", customers: 0, purchases: 0, gross: 0, refunds: 20 },
      { dimension: "gender", value: "female", customers: 7, purchases: 9, gross: 870, refunds: 30 },
      { dimension: "region", value: "Moscow", customers: 7, purchases: 9, gross: 870, refunds: 30 },
    ]);
    expect(rows).toEqual([
      { dimension: "ageBand", value: "25-34", customers: 6, purchases: 8, gross: 800, refunds: 10 },
      { dimension: "ageBand", value: "55-64", customers: 1, purchases: 1, gross: 70, refunds: 0 },
      { dimension: "ageBand", value: "unknown", customers: 0, purchases: 0, gross: 0, refunds: 20 },
      { dimension: "gender", value: "female", customers: 7, purchases: 9, gross: 870, refunds: 30 },
    ]);
  });
});

describe("buildCohorts", () => {
  it("fills empty months with suppressed zero cells and gives no revenue retention without month-0 revenue", () => {
    const rows = [{ cohort: "2024-01-01", month: "2024-01-01", size: 5, customers: 5, net: 0 }];
    const [jan] = buildCohorts({ from: "2024-01-01", to: "2024-03-01" }, rows);
    expect(jan.size).toBe(5);
    expect(jan.cells).toEqual([
      { k: 0, month: "2024-01-01", complete: true, customers: 5, retention: 1, revenueMinor: 0, revenueRetention: null, suppressed: false },
      { k: 1, month: "2024-02-01", complete: true, customers: null, retention: null, revenueMinor: null, revenueRetention: null, suppressed: true },
    ]);
  });
});

describe("buildHeatmap / buildMonthProfile", () => {
  it("fills the 7 × 24 grid in dow, hour order", () => {
    const cells = buildHeatmap([{ dow: 7, hour: 23, purchases: 9, gross: 901, customers: 5 }]);
    expect(cells).toHaveLength(168);
    expect(cells[167]).toEqual({ dow: 7, hour: 23, purchases: 9, grossSalesMinor: 901, customers: 5, averageCheckMinor: 100, suppressed: false });
    expect(cells.filter((c) => c.suppressed)).toHaveLength(167);
  });

  it("averages money per year with half-up rounding", () => {
    const months = buildMonthProfile([{ month: 2, years: 2, gross: 1001, refunds: 2, purchases: 3, customers: 5 }]);
    expect(months[1]).toEqual({ month: 2, years: 2, customers: 5, grossSalesMinor: 501, netRevenueMinor: 500, purchases: 1.5, suppressed: false });
    expect(months).toHaveLength(12);
  });
});

describe("buildRegularTrend", () => {
  it("gap-fills months and clips the last window at `to`", () => {
    const trend = buildRegularTrend({ from: "2024-01-10", to: "2024-03-05" }, [
      { month: "2024-02-01", regulars: 5, active: 10, regular_net: 500, total_net: 2000 },
    ]);
    expect(trend.map((p) => [p.month, p.from, p.to, p.customers, p.suppressed])).toEqual([
      ["2024-01-01", "2023-08-01", "2024-02-01", null, true],
      ["2024-02-01", "2023-09-01", "2024-03-01", 5, false],
      ["2024-03-01", "2023-10-01", "2024-03-05", null, true],
    ]);
    expect(trend[1]).toMatchObject({ activeCustomers: 10, share: 0.5, revenueMinor: 500, revenueShare: 0.25 });
  });
});
