import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import {
  buildRevenueDynamicsOption,
  defaultBucket,
  revenueDynamicsRows,
  type RevenueDynamicsData,
  type RevenuePoint,
} from "@/lib/charts/revenueDynamics";

const en = makeChartFormat("en", "GBP");
const ru = makeChartFormat("ru", "RUB");
const labels = { current: "This period", previous: "Previous period", change: "Change" };

function point(start: string, gross: number, purchases = 1, customers = 1): RevenuePoint {
  return {
    start,
    grossSalesMinor: gross,
    netRevenueMinor: gross - 100,
    purchases,
    customers,
    averageCheckMinor: purchases ? Math.round(gross / purchases) : null,
  };
}

// Five days [2024-03-01, 2024-03-06); the previous period is [2024-02-25, 2024-03-01) (L = 5).
// Days 03-02 and 03-04 have no rows in the current period, 02-27 none in the previous one.
const daily: RevenueDynamicsData = {
  period: { from: "2024-03-01", to: "2024-03-06" },
  bucket: "day",
  series: [point("2024-03-01", 1000, 2, 2), point("2024-03-03", 3000, 3, 2), point("2024-03-05", 500, 1, 1)],
  comparison: [point("2024-02-25", 800), point("2024-02-26", 1500), point("2024-02-28", 0, 0, 0), point("2024-02-29", 250)],
};

describe("revenueDynamicsRows", () => {
  it("fills missing days with zero and aligns the comparison by the period length", () => {
    expect(revenueDynamicsRows(daily, "grossSalesMinor")).toEqual([
      { start: "2024-03-01", from: "2024-03-01", previousFrom: "2024-02-25", current: 1000, previous: 800, change: 0.25 },
      { start: "2024-03-02", from: "2024-03-02", previousFrom: "2024-02-26", current: 0, previous: 1500, change: -1 },
      { start: "2024-03-03", from: "2024-03-03", previousFrom: "2024-02-27", current: 3000, previous: 0, change: null },
      { start: "2024-03-04", from: "2024-03-04", previousFrom: "2024-02-28", current: 0, previous: 0, change: null },
      { start: "2024-03-05", from: "2024-03-05", previousFrom: "2024-02-29", current: 500, previous: 250, change: 1 },
    ]);
  });

  it("leaves the average check of an empty bucket null (no purchases, no average)", () => {
    expect(revenueDynamicsRows(daily, "averageCheckMinor").map((r) => r.current)).toEqual([500, null, 1000, null, 500]);
  });

  it("fills weekly buckets, partial first and last weeks labelled from their first day in the period", () => {
    // 2024-03-06 is a Wednesday; 17 days reach into the week of Monday 2024-03-18.
    const weekly: RevenueDynamicsData = {
      period: { from: "2024-03-06", to: "2024-03-23" },
      bucket: "week",
      series: [point("2024-03-04", 700), point("2024-03-18", 900)],
      comparison: [point("2024-02-16", 350)], // 2024-03-04 − 17 days
    };
    expect(revenueDynamicsRows(weekly, "grossSalesMinor")).toEqual([
      { start: "2024-03-04", from: "2024-03-06", previousFrom: "2024-02-18", current: 700, previous: 350, change: 1 },
      { start: "2024-03-11", from: "2024-03-11", previousFrom: "2024-02-23", current: 0, previous: 0, change: null },
      { start: "2024-03-18", from: "2024-03-18", previousFrom: "2024-03-01", current: 900, previous: 0, change: null },
    ]);
  });

  it("fills monthly buckets across a year end", () => {
    const monthly: RevenueDynamicsData = {
      period: { from: "2023-11-01", to: "2024-02-01" },
      bucket: "month",
      series: [point("2024-01-01", 42)],
      comparison: [],
    };
    expect(revenueDynamicsRows(monthly, "purchases").map((r) => [r.start, r.current, r.previous])).toEqual([
      ["2023-11-01", 0, 0],
      ["2023-12-01", 0, 0],
      ["2024-01-01", 1, 0],
    ]);
  });
});

describe("buildRevenueDynamicsOption", () => {
  const option = buildRevenueDynamicsOption(daily, labels, en, "grossSalesMinor");

  it("draws the current period and the dashed comparison over the gap-filled days", () => {
    const series = option.series as Array<Record<string, unknown>>;
    expect(series).toHaveLength(2);
    expect(series[0]).toMatchObject({ name: "This period", type: "line", data: [1000, 0, 3000, 0, 500] });
    expect(series[1]).toMatchObject({
      name: "Previous period",
      type: "line",
      data: [800, 1500, 0, 0, 250],
      lineStyle: { type: "dashed" },
    });
    expect(option.legend).toMatchObject({ data: ["This period", "Previous period"] });
  });

  it("labels the axis with locale-formatted days and money", () => {
    const xAxis = option.xAxis as { data: string[]; axisLabel: { formatter: (v: string) => string } };
    expect(xAxis.data).toEqual(["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"]);
    expect(xAxis.axisLabel.formatter("2024-03-01")).toBe("Mar 1");
    const yAxis = option.yAxis as { axisLabel: { formatter: (v: number) => string } };
    expect(yAxis.axisLabel.formatter(150000)).toBe("£1.5K");

    const ruOption = buildRevenueDynamicsOption(daily, labels, ru, "grossSalesMinor");
    expect((ruOption.xAxis as typeof xAxis).axisLabel.formatter("2024-03-01")).toBe("1 мар.");
    expect((ruOption.yAxis as typeof yAxis).axisLabel.formatter(150000000)).toBe("1,5\u00a0млн\u00a0₽");
  });

  it("shows both values and the % change of a bucket in the tooltip", () => {
    const tooltip = option.tooltip as { formatter: (p: unknown) => string };
    expect(tooltip.formatter([{ dataIndex: 0 }, { dataIndex: 0 }])).toBe(
      "<b>Mar 1</b><br/>This period: <b>£10.00</b><br/>Previous period (Feb 25): £8.00<br/>Change: +25%",
    );
    expect(tooltip.formatter([{ dataIndex: 2 }])).toBe(
      "<b>Mar 3</b><br/>This period: <b>£30.00</b><br/>Previous period (Feb 27): £0.00<br/>Change: —",
    );
  });

  it("formats counts as numbers, not money", () => {
    const purchases = buildRevenueDynamicsOption(daily, labels, en, "purchases");
    expect((purchases.series as Array<{ data: unknown[] }>)[0].data).toEqual([2, 0, 3, 0, 1]);
    const yAxis = purchases.yAxis as { axisLabel: { formatter: (v: number) => string } };
    expect(yAxis.axisLabel.formatter(1200)).toBe("1,200");
  });

  it("labels monthly buckets with month names", () => {
    const monthly = buildRevenueDynamicsOption(
      { period: { from: "2023-11-01", to: "2024-02-01" }, bucket: "month", series: [], comparison: [] },
      labels,
      en,
    );
    const xAxis = monthly.xAxis as { data: string[]; axisLabel: { formatter: (v: string) => string } };
    expect(xAxis.data.map((d) => xAxis.axisLabel.formatter(d))).toEqual(["Nov 2023", "Dec 2023", "Jan 2024"]);
  });
});

describe("defaultBucket", () => {
  it("uses days up to a quarter, weeks up to a year, months beyond", () => {
    expect(defaultBucket({ from: "2024-01-01", to: "2024-01-31" })).toBe("day");
    expect(defaultBucket({ from: "2024-01-01", to: "2024-04-01" })).toBe("day");
    expect(defaultBucket({ from: "2023-01-01", to: "2024-01-01" })).toBe("week");
    expect(defaultBucket({ from: "2022-01-01", to: "2024-01-01" })).toBe("month");
  });
});
