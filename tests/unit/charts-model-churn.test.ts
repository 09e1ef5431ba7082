import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import {
  buildCalibrationOption,
  calibrationPoints,
  calibrationSymbolSize,
  type CalibrationPointInput,
} from "@/lib/charts/buildCalibrationOption";
import { buildFactorImportanceOption, importanceBars, type FactorImportanceInput } from "@/lib/charts/buildFactorImportanceOption";
import { buildRiskDistributionOption, riskBinLabel, riskColor } from "@/lib/charts/buildRiskDistributionOption";
import { PALETTE } from "@/lib/charts/types";

const en = makeChartFormat("en", "GBP");
const ru = makeChartFormat("ru", "RUB");
type Formatter = (p: unknown) => string;

// Ten bins of 0.1 as the churn run stores them, the last closed at 1; 200 customers in all.
const riskBins = Array.from({ length: 10 }, (_, i) => ({
  from: i / 10,
  to: (i + 1) / 10,
  customers: [50, 40, 30, 20, 20, 10, 10, 10, 5, 5][i],
}));

describe("buildRiskDistributionOption", () => {
  const option = buildRiskDistributionOption(riskBins, { customers: "Customers", risk: "Churn risk" }, en);

  it("labels bins as percentage ranges", () => {
    expect(riskBinLabel(riskBins[0], en)).toBe("0%–10%");
    expect(riskBinLabel({ from: 0.9, to: null, customers: 1 }, en)).toBe("90%+");
    expect(riskBinLabel(riskBins[2], ru)).toBe("20\u00a0%–30\u00a0%");
    expect((option.xAxis as { data: string[] }).data).toEqual([
      "0%–10%",
      "10%–20%",
      "20%–30%",
      "30%–40%",
      "40%–50%",
      "50%–60%",
      "60%–70%",
      "70%–80%",
      "80%–90%",
      "90%–100%",
    ]);
  });

  it("colours bars by risk level: blue below 30 %, amber to 60 %, red from 60 %", () => {
    expect([0, 0.29, 0.3, 0.59, 0.6, 0.9].map(riskColor)).toEqual([
      PALETTE.current,
      PALETTE.current,
      "#e0a526",
      "#e0a526",
      PALETTE.down,
      PALETTE.down,
    ]);
    const series = (option.series as Array<{ type: string; data: unknown[] }>)[0];
    expect(series.type).toBe("bar");
    expect(series.data).toEqual([
      { value: 50, itemStyle: { color: PALETTE.current } },
      { value: 40, itemStyle: { color: PALETTE.current } },
      { value: 30, itemStyle: { color: PALETTE.current } },
      { value: 20, itemStyle: { color: "#e0a526" } },
      { value: 20, itemStyle: { color: "#e0a526" } },
      { value: 10, itemStyle: { color: "#e0a526" } },
      { value: 10, itemStyle: { color: PALETTE.down } },
      { value: 10, itemStyle: { color: PALETTE.down } },
      { value: 5, itemStyle: { color: PALETTE.down } },
      { value: 5, itemStyle: { color: PALETTE.down } },
    ]);
  });

  it("gives a bin's customers and their share in the tooltip", () => {
    const tooltip = option.tooltip as { formatter: Formatter };
    expect(tooltip.formatter({ dataIndex: 0 })).toBe("<b>Churn risk: 0%–10%</b><br/>Customers: 50 (25%)");
    expect(tooltip.formatter({ dataIndex: 9 })).toBe("<b>Churn risk: 90%–100%</b><br/>Customers: 5 (2.5%)");
    const none = buildRiskDistributionOption([{ from: 0, to: 0.1, customers: 0 }], { customers: "C", risk: "R" }, en);
    expect((none.tooltip as { formatter: Formatter }).formatter({ dataIndex: 0 })).toBe("<b>R: 0%–10%</b><br/>C: 0 (—)");
  });
});

const importance: FactorImportanceInput[] = [
  { feature: "payroll", meanAbsShap: 0.1 },
  { feature: "recencyDays", meanAbsShap: 0.5 },
  { feature: "region", meanAbsShap: 0 },
  { feature: "age", meanAbsShap: 0.1 },
  { feature: "competitorShare90d", meanAbsShap: 0.3 },
];
const names: Record<string, string> = {
  recencyDays: "Days since last purchase",
  competitorShare90d: "Share at competitors",
  payroll: "Payroll client",
  age: "Age",
};
const importanceLabels = { factor: (f: string) => names[f] ?? f, share: "Share of influence", meanAbsShap: "Mean |SHAP|" };

describe("importanceBars", () => {
  it("drops zero factors, orders by importance then name, and caps the count", () => {
    expect(importanceBars(importance).map((f) => f.feature)).toEqual(["recencyDays", "competitorShare90d", "age", "payroll"]);
    expect(importanceBars(importance, 2).map((f) => f.feature)).toEqual(["recencyDays", "competitorShare90d"]);
  });
});

describe("buildFactorImportanceOption", () => {
  const option = buildFactorImportanceOption(importance, importanceLabels, en);
  const series = (option.series as Array<{ name: string; type: string; data: number[]; label: { formatter: Formatter } }>)[0];

  it("draws each factor's share of the summed mean |SHAP|, strongest on top", () => {
    expect(option.yAxis).toMatchObject({
      type: "category",
      inverse: true,
      data: ["Days since last purchase", "Share at competitors", "Age", "Payroll client"],
    });
    expect(series.name).toBe("Share of influence");
    expect(series.type).toBe("bar");
    expect(series.data).toEqual([0.5, 0.3, 0.1, 0.1]);
    expect([0, 1, 2, 3].map((dataIndex) => series.label.formatter({ dataIndex }))).toEqual(["50%", "30%", "10%", "10%"]);
  });

  it("formats the axis in percent and ends it at the next tenth", () => {
    const xAxis = option.xAxis as { type: string; max: (v: { max: number }) => number; axisLabel: { formatter: (v: number) => string } };
    expect(xAxis.type).toBe("value");
    expect(xAxis.max({ max: 0.5 })).toBe(0.5);
    expect(xAxis.max({ max: 0.43 })).toBe(0.5);
    expect(xAxis.max({ max: 0.97 })).toBe(1);
    expect(xAxis.axisLabel.formatter(0.2)).toBe("20%");
  });

  it("keeps the raw mean |SHAP| in the tooltip", () => {
    const tooltip = option.tooltip as { formatter: Formatter };
    expect(tooltip.formatter({ dataIndex: 1 })).toBe("<b>Share at competitors</b><br/>Share of influence: 30%<br/>Mean |SHAP|: 0.300");
    const ruTooltip = buildFactorImportanceOption([{ feature: "age", meanAbsShap: 0.1234 }], importanceLabels, ru).tooltip as {
      formatter: Formatter;
    };
    expect(ruTooltip.formatter({ dataIndex: 0 })).toBe("<b>Age</b><br/>Share of influence: 100\u00a0%<br/>Mean |SHAP|: 0,123");
  });
});

const calibration: CalibrationPointInput[] = [
  { from: 0.2, to: 0.3, customers: 40, meanPredicted: 0.25, observedRate: 0.3 },
  { from: 0, to: 0.1, customers: 100, meanPredicted: 0.05, observedRate: 0.04 },
  { from: 0.1, to: 0.2, customers: 0, meanPredicted: null, observedRate: null },
  { from: 0.9, to: 1, customers: 10, meanPredicted: 0.93, observedRate: 0.9 },
];
const calibrationLabels = {
  predicted: "Predicted risk",
  observed: "Share who left",
  model: "Model",
  perfect: "Forecast = reality",
  customers: "Customers",
};

describe("buildCalibrationOption", () => {
  const option = buildCalibrationOption(calibration, calibrationLabels, en);
  const series = option.series as Array<{ name: string; type: string; data: unknown[]; symbol: string; lineStyle: unknown }>;

  it("keeps the bins with customers, in bin order", () => {
    expect(calibrationPoints(calibration).map((p) => p.from)).toEqual([0, 0.2, 0.9]);
  });

  it("sizes points by the square root of their share of the largest bin", () => {
    expect([100, 40, 10, 0].map((n) => calibrationSymbolSize(n, 100))).toEqual([14, 10.7, 7.8, 5]);
    expect(calibrationSymbolSize(3, 0)).toBe(5);
  });

  it("plots mean prediction against the observed rate over the dashed diagonal", () => {
    expect(series.map((s) => [s.name, s.type, s.symbol])).toEqual([
      ["Model", "line", "circle"],
      ["Forecast = reality", "line", "none"],
    ]);
    expect(series[0].data).toEqual([
      { value: [0.05, 0.04], symbolSize: 14 },
      { value: [0.25, 0.3], symbolSize: 10.7 },
      { value: [0.93, 0.9], symbolSize: 7.8 },
    ]);
    expect(series[1].data).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(series[1].lineStyle).toEqual({ color: PALETTE.previous, type: "dashed", width: 1 });
    expect(option.legend).toMatchObject({ data: ["Model", "Forecast = reality"] });
  });

  it("uses 0..100 % axes with names", () => {
    for (const [axis, name] of [
      [option.xAxis, "Predicted risk"],
      [option.yAxis, "Share who left"],
    ] as const) {
      expect(axis).toMatchObject({ type: "value", min: 0, max: 1, interval: 0.2, name, nameLocation: "middle" });
      expect((axis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter(0.4)).toBe("40%");
    }
  });

  it("explains a point in the tooltip", () => {
    const tooltip = option.tooltip as { formatter: Formatter };
    expect(tooltip.formatter({ seriesIndex: 0, dataIndex: 1 })).toBe(
      "<b>Predicted risk: 20%–30%</b><br/>Predicted risk: 25%<br/>Share who left: 30%<br/>Customers: 40",
    );
    expect(tooltip.formatter({ seriesIndex: 1, dataIndex: 0 })).toBe("Forecast = reality");
  });
});
