import type { HistogramBinInput } from "./buildClvHistogramOption";
import { PALETTE, type ChartFormat, type ChartOption } from "./types";

export interface RiskDistributionLabels {
  customers: string;
  /** "Churn risk". */
  risk: string;
}

/** Axis label of a probability bin: "0%–10%", an open last bin "90%+". */
export function riskBinLabel(bin: HistogramBinInput, format: ChartFormat): string {
  return bin.to === null ? `${format.percent(bin.from)}+` : `${format.percent(bin.from)}–${format.percent(bin.to)}`;
}

/**
 * The colour of a risk bin by its lower edge: below 30 % the app's blue, 30–60 % amber, from
 * 60 % the "down" red, so the high-risk end of the distribution stands out.
 */
export function riskColor(from: number): string {
  if (from >= 0.6) return PALETTE.down;
  if (from >= 0.3) return PALETTE.categorical[4];
  return PALETTE.current;
}

interface BarParam {
  dataIndex: number;
}

/**
 * How the churn risk (P(churn) over the horizon) is spread over the scored customers: one bar
 * per stored probability bin, coloured by risk level; the tooltip gives the bin, its customers
 * and their share of all scored customers.
 */
export function buildRiskDistributionOption(
  bins: readonly HistogramBinInput[],
  labels: RiskDistributionLabels,
  format: ChartFormat,
): ChartOption {
  const total = bins.reduce((s, b) => s + b.customers, 0);
  return {
    animation: false,
    grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const bin = bins[(p as BarParam).dataIndex];
        if (!bin) return "";
        const share = total > 0 ? format.percent(bin.customers / total) : format.percent(null);
        return `<b>${labels.risk}: ${riskBinLabel(bin, format)}</b><br/>${labels.customers}: ${format.number(bin.customers)} (${share})`;
      },
    },
    xAxis: {
      type: "category",
      data: bins.map((b) => riskBinLabel(b, format)),
      axisLabel: { color: PALETTE.text, hideOverlap: true },
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: PALETTE.grid } },
    },
    yAxis: {
      type: "value",
      minInterval: 1,
      axisLabel: { color: PALETTE.text, formatter: (v: number) => format.number(v) },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: [
      {
        name: labels.customers,
        type: "bar",
        barCategoryGap: "8%",
        data: bins.map((b) => ({ value: b.customers, itemStyle: { color: riskColor(b.from) } })),
        itemStyle: { borderRadius: [3, 3, 0, 0] },
      },
    ],
  };
}
