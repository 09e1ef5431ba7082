import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import {
  buildIndexOption,
  buildShareOfWalletOption,
  buildSwitchingOption,
  formatBenchmark,
  bandPosition,
} from "@/lib/charts/competitors";

const en = makeChartFormat("en", "RUB");
const ru = makeChartFormat("ru", "RUB");

describe("formatBenchmark", () => {
  it("writes each benchmark in its own style and locale", () => {
    expect(formatBenchmark("revenueGrowthPrevious", 0.1234, en)).toBe("+12.3%");
    expect(formatBenchmark("revenueGrowthYearAgo", -0.05, en)).toBe("-5%");
    expect(formatBenchmark("customers", 1234, en)).toBe("1,234");
    expect(formatBenchmark("customers", 12.3333, en)).toBe("12.3");
    expect(formatBenchmark("averageCheckMinor", 115_302.26, en)).toBe(en.money(115_302));
    expect(formatBenchmark("frequency", 2.7605, en)).toBe("2.76");
    expect(formatBenchmark("newCustomerShare", 0.1267, en)).toBe("12.7%");
    expect(formatBenchmark("retention3m", null, en)).toBe("—");
    expect(formatBenchmark("frequency", 2.7605, ru)).toBe("2,76");
  });
  it("places the percentile rank on the gauge, clipped to 0..100", () => {
    expect(bandPosition("below_p25")).toBe(12.5);
    expect(bandPosition("median_p75")).toBe(62.5);
    expect(bandPosition("above_p75")).toBe(87.5);
    expect(bandPosition(null)).toBeNull();
  });
});

describe("competitor charts", () => {
  it("index: two lines with gaps for withheld months and a reference line at 100", () => {
    const option = buildIndexOption(
      [
        { month: "2026-01-01", merchant: null, peers: null },
        { month: "2026-02-01", merchant: 100, peers: 100 },
        { month: "2026-03-01", merchant: 133.3, peers: 129.2 },
      ],
      { merchant: "You", peers: "Peers" },
      en,
    );
    const series = option.series as Array<{ name: string; data: unknown[]; markLine?: { data: unknown[] } }>;
    expect(series.map((s) => s.name)).toEqual(["You", "Peers"]);
    expect(series[0].data).toEqual([null, 100, 133.3]);
    expect(series[1].data).toEqual([null, 100, 129.2]);
    expect(series[0].markLine?.data).toEqual([{ yAxis: 100 }]);
    expect((option.xAxis as { data: string[] }).data).toEqual(["2026-01-01", "2026-02-01", "2026-03-01"]);
  });

  it("share of wallet: a 0..100 % line with gaps", () => {
    const option = buildShareOfWalletOption([{ month: "2026-02-01", share: null }, { month: "2026-03-01", share: 0.615 }], "Share", en);
    expect((option.series as Array<{ data: unknown[] }>)[0].data).toEqual([null, 0.615]);
    expect(option.yAxis).toMatchObject({ min: 0, max: 1 });
  });

  it("switching: three rows, a withheld flow draws no bar and says so", () => {
    const labels = { toPeers: "To peers", fromPeers: "From peers", stayedHere: "Stayed", customers: "Customers", amount: "Amount", withheld: "withheld" };
    const option = buildSwitchingOption({ toPeers: { customers: 5, amountMinor: 10_000 }, fromPeers: null, stayedHere: 31 }, labels, en);
    const bar = (option.series as Array<{ data: Array<{ value: number | null }>; label: { formatter: (p: unknown) => string } }>)[0];
    expect(bar.data.map((d) => d.value)).toEqual([5, null, 31]);
    expect(bar.label.formatter({ dataIndex: 1 })).toBe("withheld");
    expect(bar.label.formatter({ dataIndex: 0 })).toBe("5");
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter({ dataIndex: 0 });
    expect(tooltip).toBe(`To peers<br/>Customers: 5<br/>Amount: ${en.money(10_000)}`);
    expect((option.yAxis as { data: string[] }).data).toEqual(["To peers", "From peers", "Stayed"]);
  });
});
