import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/**
 * One bar of a stored histogram (lib/analytics/getModelResults HistogramBin): [from, to), the
 * last bar open-ended when `to` is null.
 */
export interface HistogramBinInput {
  from: number;
  to: number | null;
  customers: number;
}

export interface ClvHistogramLabels {
  /** Series and tooltip name of the count ("Customers"). */
  customers: string;
  /** Name of the value axis range in the tooltip ("Expected value, 12 months"). */
  clv: string;
}

/** Axis label of a CLV bin in compact money: "£0–£50", the open last bin "£500+". */
export function clvBinLabel(bin: HistogramBinInput, format: ChartFormat): string {
  return bin.to === null ? `${format.moneyCompact(bin.from)}+` : `${format.moneyCompact(bin.from)}–${format.moneyCompact(bin.to)}`;
}

interface BarParam {
  dataIndex: number;
}

/**
 * The CLV distribution: customers per bin of 12-month expected value (minor units), one bar per
 * stored bin in order, labelled with its compact money range; the tooltip gives the range in
 * full precision and the number of customers.
 */
export function buildClvHistogramOption(bins: readonly HistogramBinInput[], labels: ClvHistogramLabels, format: ChartFormat): ChartOption {
  return {
    animation: false,
    grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const bin = bins[(p as BarParam).dataIndex];
        if (!bin) return "";
        const range = bin.to === null ? `${format.money(bin.from)}+` : `${format.money(bin.from)} – ${format.money(bin.to)}`;
        return `<b>${labels.clv}: ${range}</b><br/>${labels.customers}: ${format.number(bin.customers)}`;
      },
    },
    xAxis: {
      type: "category",
      data: bins.map((b) => clvBinLabel(b, format)),
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
        data: bins.map((b) => b.customers),
        itemStyle: { color: PALETTE.current, borderRadius: [3, 3, 0, 0] },
      },
    ],
  };
}
