import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import { buildRegularCustomersOption, type RegularPointInput } from "@/lib/charts/regularCustomers";

const en = makeChartFormat("en", "GBP");
const labels = {
  customers: "Regular customers",
  share: "Share of active",
  revenue: "Their revenue",
  revenueShare: "Share of revenue",
  active: "Active customers",
  suppressed: "< 5",
};

const trend: RegularPointInput[] = [
  { month: "2024-03-01", customers: 30, activeCustomers: 120, share: 0.25, revenueMinor: 450000, revenueShare: 0.5, suppressed: false },
  { month: "2024-01-01", customers: null, activeCustomers: null, share: null, revenueMinor: null, revenueShare: null, suppressed: true },
  { month: "2024-02-01", customers: 12, activeCustomers: 100, share: 0.12, revenueMinor: 120000, revenueShare: 0.3, suppressed: false },
];

describe("buildRegularCustomersOption", () => {
  const option = buildRegularCustomersOption(trend, labels, en);
  const series = option.series as Array<{ type: string; data: unknown[]; yAxisIndex?: number; label?: { formatter: (p: unknown) => string } }>;

  it("orders months and labels them by locale", () => {
    const xAxis = option.xAxis as { data: string[]; axisLabel: { formatter: (v: string) => string } };
    expect(xAxis.data).toEqual(["2024-01-01", "2024-02-01", "2024-03-01"]);
    expect(xAxis.data.map((m) => xAxis.axisLabel.formatter(m))).toEqual(["Jan 2024", "Feb 2024", "Mar 2024"]);
  });

  it("draws counts as bars and the share as a line on a percent axis; suppressed months empty", () => {
    expect(series[0]).toMatchObject({ type: "bar", data: [{ value: 0, itemStyle: { color: "transparent" } }, 12, 30] });
    expect(series[0].label?.formatter({ dataIndex: 0 })).toBe("< 5");
    expect(series[0].label?.formatter({ dataIndex: 2 })).toBe("30");
    expect(series[1]).toMatchObject({ type: "line", yAxisIndex: 1, data: [null, 0.12, 0.25] });
    const yAxes = option.yAxis as Array<{ axisLabel: { formatter: (v: number) => string } }>;
    expect(yAxes[1].axisLabel.formatter(0.5)).toBe("50%");
  });

  it("explains a month in the tooltip", () => {
    const tooltip = option.tooltip as { formatter: (p: unknown) => string };
    expect(tooltip.formatter([{ dataIndex: 2 }])).toBe(
      "<b>Mar 2024</b><br/>Regular customers: 30<br/>Active customers: 120<br/>Share of active: 25%<br/>Their revenue: £4,500.00<br/>Share of revenue: 50%",
    );
    expect(tooltip.formatter([{ dataIndex: 0 }])).toBe("<b>Jan 2024</b><br/>Regular customers: < 5");
  });
});
