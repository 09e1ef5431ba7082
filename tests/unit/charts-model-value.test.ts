import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import { buildClvHistogramOption, clvBinLabel, type HistogramBinInput } from "@/lib/charts/buildClvHistogramOption";
import { buildPAliveHeatmapOption, pAliveGridCells, type PAliveGridInput, type PAliveHeatmapLabels } from "@/lib/charts/buildPAliveHeatmapOption";
import { PALETTE } from "@/lib/charts/types";

const en = makeChartFormat("en", "GBP");
const ru = makeChartFormat("ru", "RUB");

type Formatter = (p: unknown) => string;

const bins: HistogramBinInput[] = [
  { from: 0, to: 5000, customers: 120 },
  { from: 5000, to: 10000, customers: 45 },
  { from: 10000, to: 50000, customers: 12 },
  { from: 50000, to: null, customers: 3 },
];

describe("clvBinLabel", () => {
  it("writes a closed bin as a compact range and the last open bin with a plus", () => {
    expect(bins.map((b) => clvBinLabel(b, en))).toEqual(["£0–£50", "£50–£100", "£100–£500", "£500+"]);
    expect(clvBinLabel({ from: 100000, to: 250000, customers: 1 }, ru)).toBe("1\u00a0тыс.\u00a0₽–2,5\u00a0тыс.\u00a0₽");
  });
});

describe("buildClvHistogramOption", () => {
  const option = buildClvHistogramOption(bins, { customers: "Customers", clv: "Expected value, 12 months" }, en);

  it("draws one bar per bin, in the stored order, on a category axis of money ranges", () => {
    expect(option.xAxis).toMatchObject({ type: "category", data: ["£0–£50", "£50–£100", "£100–£500", "£500+"] });
    expect(option.yAxis).toMatchObject({ type: "value", minInterval: 1 });
    expect(option.series).toEqual([
      {
        name: "Customers",
        type: "bar",
        barCategoryGap: "8%",
        data: [120, 45, 12, 3],
        itemStyle: { color: PALETTE.current, borderRadius: [3, 3, 0, 0] },
      },
    ]);
    expect(option.animation).toBe(false);
  });

  it("gives the range in full precision and the customers in the tooltip", () => {
    const tooltip = option.tooltip as { trigger: string; formatter: Formatter };
    expect(tooltip.trigger).toBe("item");
    expect(tooltip.formatter({ dataIndex: 0 })).toBe("<b>Expected value, 12 months: £0.00 – £50.00</b><br/>Customers: 120");
    expect(tooltip.formatter({ dataIndex: 3 })).toBe("<b>Expected value, 12 months: £500.00+</b><br/>Customers: 3");
    expect(tooltip.formatter({ dataIndex: 9 })).toBe("");
    const yAxis = option.yAxis as { axisLabel: { formatter: (v: number) => string } };
    expect(yAxis.axisLabel.formatter(1200)).toBe("1,200");
  });

  it("draws nothing for no bins", () => {
    const empty = buildClvHistogramOption([], { customers: "C", clv: "V" }, en);
    expect((empty.xAxis as { data: string[] }).data).toEqual([]);
    expect((empty.series as Array<{ data: unknown[] }>)[0].data).toEqual([]);
  });
});

const labels: PAliveHeatmapLabels = {
  frequency: "Repeat purchases",
  recency: "Weeks since the last purchase",
  pAlive: "Chance still active",
  customers: "Customers",
  suppressed: "< 5",
};

// Two frequency rows × three recency columns; one cell suppressed, one combination absent, one
// cell naming a bucket that is not on the axes (dropped).
const grid: PAliveGridInput = {
  frequencyBuckets: ["0", "1–2"],
  recencyBuckets: ["0–4", "5–12", "13+"],
  cells: [
    { frequency: "0", recency: "0–4", customers: 40, meanPAlive: 1, suppressed: false },
    { frequency: "0", recency: "13+", customers: 25, meanPAlive: 0.5, suppressed: false },
    { frequency: "1–2", recency: "0–4", customers: 12, meanPAlive: 0.934, suppressed: false },
    { frequency: "1–2", recency: "13+", customers: null, meanPAlive: null, suppressed: true },
    { frequency: "3+", recency: "0–4", customers: 9, meanPAlive: 0.9, suppressed: false },
  ],
};

describe("pAliveGridCells", () => {
  it("places cells by bucket index and drops cells off the axes", () => {
    expect(pAliveGridCells(grid).map((c) => [c.x, c.y])).toEqual([
      [0, 0],
      [2, 0],
      [0, 1],
      [2, 1],
    ]);
  });
});

describe("buildPAliveHeatmapOption", () => {
  const option = buildPAliveHeatmapOption(grid, labels, en);
  const series = option.series as Array<{ name: string; type: string; data: unknown[]; label: { formatter: Formatter } }>;

  it("puts recency on x and frequency on y, both named", () => {
    expect(option.xAxis).toMatchObject({ type: "category", name: "Weeks since the last purchase", data: ["0–4", "5–12", "13+"] });
    expect(option.yAxis).toMatchObject({ type: "category", name: "Repeat purchases", data: ["0", "1–2"] });
    expect(option.grid).toEqual({ left: 8, right: 8, top: 8, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" });
  });

  it("colours shown cells on a fixed 0..1 scale and draws suppressed cells apart as < 5", () => {
    expect(option.visualMap).toEqual({ type: "continuous", show: false, min: 0, max: 1, seriesIndex: 0, inRange: { color: [...PALETTE.heat] } });
    expect(series.map((s) => [s.name, s.type])).toEqual([
      ["Chance still active", "heatmap"],
      ["< 5", "heatmap"],
    ]);
    expect(series[0].data).toEqual([
      [0, 0, 1],
      [2, 0, 0.5],
      [0, 1, 0.934],
    ]);
    expect(series[1].data).toEqual([[2, 1, 0]]);
    expect(series[0].label.formatter({ value: [0, 1, 0.934] })).toBe("93.4%");
    expect(series[1].label.formatter({})).toBe("< 5");
  });

  it("explains a cell in the tooltip", () => {
    const tooltip = option.tooltip as { formatter: Formatter };
    expect(tooltip.formatter({ seriesIndex: 0, dataIndex: 1 })).toBe(
      "<b>Repeat purchases: 0</b><br/>Weeks since the last purchase: 13+<br/>Chance still active: 50%<br/>Customers: 25",
    );
    expect(tooltip.formatter({ seriesIndex: 1, dataIndex: 0 })).toBe(
      "<b>Repeat purchases: 1–2</b><br/>Weeks since the last purchase: 13+<br/>Customers: < 5",
    );
  });

  it("formats percentages the Russian way", () => {
    const s = buildPAliveHeatmapOption(grid, labels, ru).series as Array<{ label: { formatter: Formatter } }>;
    expect(s[0].label.formatter({ value: [0, 1, 0.934] })).toBe("93,4\u00a0%");
  });
});
