import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import { buildSegmentBarOption, segmentBars, type SegmentBarLabels, type SegmentRowInput } from "@/lib/charts/segmentBar";

const en = makeChartFormat("en", "GBP");
const ru = makeChartFormat("ru", "RUB");
const names: Record<string, string> = { female: "Women", male: "Men", unknown: "Not known" };
const labels: SegmentBarLabels = {
  value: (v) => names[v] ?? v,
  metric: "Revenue",
  suppressed: "< 5",
  customers: "Customers",
  revenue: "Revenue",
  averageCheck: "Average check",
  revenueShare: "Share of revenue",
};

const rows: SegmentRowInput[] = [
  { value: "female", customers: 120, revenueMinor: 600000, purchases: 300, averageCheckMinor: 2000, revenueShare: 0.6, suppressed: false },
  { value: "male", customers: 80, revenueMinor: 400000, purchases: 200, averageCheckMinor: 2000, revenueShare: 0.4, suppressed: false },
  { value: "unknown", customers: null, revenueMinor: null, purchases: null, averageCheckMinor: null, revenueShare: null, suppressed: true },
];

describe("segmentBars", () => {
  it("keeps the analytics order without a natural order", () => {
    expect(segmentBars(rows).map((r) => r.value)).toEqual(["female", "male", "unknown"]);
  });
  it("follows a natural order and fills absent values as suppressed", () => {
    const ages: SegmentRowInput[] = [
      { value: "35-44", customers: 9, revenueMinor: 900, purchases: 9, averageCheckMinor: 100, revenueShare: 0.9, suppressed: false },
      { value: "18-24", customers: 6, revenueMinor: 100, purchases: 1, averageCheckMinor: 100, revenueShare: 0.1, suppressed: false },
    ];
    expect(segmentBars(ages, ["18-24", "25-34", "35-44"]).map((r) => [r.value, r.customers, r.suppressed])).toEqual([
      ["18-24", 6, false],
      ["25-34", null, true],
      ["35-44", 9, false],
    ]);
  });
});

describe("buildSegmentBarOption", () => {
  it("draws one labelled bar per segment, suppressed ones invisible and read < 5", () => {
    const option = buildSegmentBarOption(rows, labels, en, "revenueMinor");
    expect((option.yAxis as { data: string[] }).data).toEqual(["Women", "Men", "Not known"]);
    const series = (option.series as Array<{ type: string; data: unknown[]; label: { formatter: (p: unknown) => string } }>)[0];
    expect(series.type).toBe("bar");
    expect(series.data).toEqual([600000, 400000, { value: 0, itemStyle: { color: "transparent" } }]);
    expect([0, 1, 2].map((dataIndex) => series.label.formatter({ dataIndex }))).toEqual(["£6,000.00", "£4,000.00", "< 5"]);
    const xAxis = option.xAxis as { axisLabel: { formatter: (v: number) => string } };
    expect(xAxis.axisLabel.formatter(500000)).toBe("£5K");
  });

  it("shows customers, shares and the Russian format", () => {
    const customers = buildSegmentBarOption(rows, labels, ru, "customers");
    const s1 = (customers.series as Array<{ data: unknown[]; label: { formatter: (p: unknown) => string } }>)[0];
    expect(s1.data.slice(0, 2)).toEqual([120, 80]);
    const share = buildSegmentBarOption(rows, labels, ru, "revenueShare");
    const s2 = (share.series as Array<{ label: { formatter: (p: unknown) => string } }>)[0];
    expect(s2.label.formatter({ dataIndex: 0 })).toBe("60\u00a0%");
    const money = buildSegmentBarOption(rows, labels, ru, "revenueMinor");
    const s3 = (money.series as Array<{ label: { formatter: (p: unknown) => string } }>)[0];
    expect(s3.label.formatter({ dataIndex: 1 })).toBe("4\u00a0000,00\u00a0₽");
  });

  it("summarises a segment in the tooltip", () => {
    const option = buildSegmentBarOption(rows, labels, en);
    const tooltip = option.tooltip as { formatter: (p: unknown) => string };
    expect(tooltip.formatter({ dataIndex: 0 })).toBe(
      "<b>Women</b><br/>Customers: 120<br/>Revenue: £6,000.00<br/>Average check: £20.00<br/>Share of revenue: 60%",
    );
    expect(tooltip.formatter({ dataIndex: 2 })).toBe("<b>Not known</b><br/>Customers: < 5");
  });
});
