import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/*
 * Pure builders of the Competitors page (data in, option or text out). The shapes mirror
 * lib/privacy/competitors.ts's report; withheld figures arrive as null and draw as gaps.
 */

/** How each benchmark is written: growth as a signed change, shares as percentages, … */
const BENCHMARK_STYLE = {
  revenueGrowthPrevious: "change",
  revenueGrowthYearAgo: "change",
  customers: "count",
  averageCheckMinor: "money",
  frequency: "decimal",
  newCustomerShare: "percent",
  retention3m: "percent",
} as const;
export type BenchmarkStyleKey = keyof typeof BENCHMARK_STYLE;

/**
 * One benchmark value as text in the user's locale: growth "+12.3%", customers "1,234" (a peer
 * quantile of counts keeps one decimal: "12.3"), average check in money (rounded to the minor
 * unit), frequency "2.35", shares "45.1%"; null → "—".
 */
export function formatBenchmark(key: BenchmarkStyleKey, value: number | null, fmt: ChartFormat): string {
  if (value === null || !Number.isFinite(value)) return fmt.number(null);
  switch (BENCHMARK_STYLE[key]) {
    case "change":
      return fmt.change(value);
    case "count":
      return Number.isInteger(value) ? fmt.number(value) : fmt.number(value, 1);
    case "money":
      return fmt.money(Math.round(value));
    case "decimal":
      return fmt.number(value, 2);
    case "percent":
      return fmt.percent(value);
  }
}

/** The quarter bands a merchant's position is released in (lib/privacy/disclosure.ts QuarterBand). */
const BAND_CENTRES = { below_p25: 12.5, p25_median: 37.5, median_p75: 62.5, above_p75: 87.5 } as const;

/**
 * The left offset (0..100 %) of a quarter band on the gauge: the middle of its quarter (the exact
 * percentile is not released, issue 13); null bands sit nowhere.
 */
export function bandPosition(band: keyof typeof BAND_CENTRES | null): number | null {
  return band === null ? null : BAND_CENTRES[band];
}

/** A month of the revenue index (lib/privacy/competitors IndexPoint). */
export interface IndexPointInput {
  month: string;
  merchant: number | null;
  peers: number | null;
}

export interface IndexLabels {
  merchant: string;
  peers: string;
}

/**
 * Two lines, the merchant's revenue index and the peers' (both 100 at the base month), with a
 * dashed reference line at 100; withheld months are gaps.
 */
export function buildIndexOption(points: readonly IndexPointInput[], labels: IndexLabels, fmt: ChartFormat): ChartOption {
  const months = points.map((p) => p.month);
  return {
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    legend: { top: 0, data: [labels.merchant, labels.peers] },
    tooltip: {
      trigger: "axis",
      valueFormatter: (v) => (typeof v === "number" ? fmt.number(v, 1) : fmt.number(null)),
    },
    xAxis: { type: "category", data: months, axisLabel: { formatter: (m: string) => fmt.month(m), color: PALETTE.text } },
    yAxis: { type: "value", scale: true, splitLine: { lineStyle: { color: PALETTE.grid } }, axisLabel: { color: PALETTE.text } },
    series: [
      {
        name: labels.merchant,
        type: "line",
        data: points.map((p) => p.merchant),
        connectNulls: false,
        itemStyle: { color: PALETTE.current },
        lineStyle: { width: 2.5 },
        markLine: { silent: true, symbol: "none", data: [{ yAxis: 100 }], lineStyle: { color: PALETTE.previous, type: "dashed" }, label: { show: false } },
      },
      {
        name: labels.peers,
        type: "line",
        data: points.map((p) => p.peers),
        connectNulls: false,
        itemStyle: { color: PALETTE.previous },
        lineStyle: { width: 2, type: "dashed" },
      },
    ],
  };
}

/** A month of share of wallet (lib/privacy/competitors ShareOfWalletPoint). */
export interface ShareOfWalletInput {
  month: string;
  share: number | null;
}

/** Share of wallet by month as a line in percent (0..100 % axis); withheld months are gaps. */
export function buildShareOfWalletOption(points: readonly ShareOfWalletInput[], label: string, fmt: ChartFormat): ChartOption {
  return {
    grid: { left: 48, right: 16, top: 16, bottom: 28 },
    tooltip: { trigger: "axis", valueFormatter: (v) => (typeof v === "number" ? fmt.percent(v) : fmt.number(null)) },
    xAxis: { type: "category", data: points.map((p) => p.month), axisLabel: { formatter: (m: string) => fmt.month(m), color: PALETTE.text } },
    yAxis: {
      type: "value",
      min: 0,
      max: 1,
      splitLine: { lineStyle: { color: PALETTE.grid } },
      axisLabel: { formatter: (v: number) => fmt.percent(v), color: PALETTE.text },
    },
    series: [
      {
        name: label,
        type: "line",
        data: points.map((p) => p.share),
        connectNulls: false,
        areaStyle: { color: PALETTE.soft, opacity: 0.35 },
        itemStyle: { color: PALETTE.current },
      },
    ],
  };
}

/** The switching flows as the chart needs them (customers; null when withheld). */
export interface SwitchingInput {
  toPeers: { customers: number; amountMinor: number } | null;
  fromPeers: { customers: number; amountMinor: number } | null;
  stayedHere: number;
}

export interface SwitchingLabels {
  toPeers: string;
  fromPeers: string;
  stayedHere: string;
  customers: string;
  amount: string;
  withheld: string;
}

/**
 * Horizontal bars of customers: switched to peers (red), switched from peers (green) and stayed
 * (blue); a withheld flow keeps its row without a bar and reads `labels.withheld`. The tooltip
 * adds the money each flow moved.
 */
export function buildSwitchingOption(data: SwitchingInput, labels: SwitchingLabels, fmt: ChartFormat): ChartOption {
  const rows = [
    { name: labels.toPeers, flow: data.toPeers, color: PALETTE.down },
    { name: labels.fromPeers, flow: data.fromPeers, color: PALETTE.up },
    { name: labels.stayedHere, flow: { customers: data.stayedHere, amountMinor: null as number | null }, color: PALETTE.current },
  ];
  return {
    grid: { left: 140, right: 72, top: 8, bottom: 24 },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const { dataIndex } = p as { dataIndex: number };
        const row = rows[dataIndex];
        if (!row.flow) return `${row.name}: ${labels.withheld}`;
        const money = row.flow.amountMinor === null ? "" : `<br/>${labels.amount}: ${fmt.money(row.flow.amountMinor)}`;
        return `${row.name}<br/>${labels.customers}: ${fmt.number(row.flow.customers)}${money}`;
      },
    },
    xAxis: { type: "value", splitLine: { lineStyle: { color: PALETTE.grid } }, axisLabel: { color: PALETTE.text } },
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.name), axisLabel: { color: PALETTE.text } },
    series: [
      {
        type: "bar",
        name: labels.customers,
        data: rows.map((r) => ({ value: r.flow ? r.flow.customers : null, itemStyle: { color: r.color } })),
        label: {
          show: true,
          position: "right",
          formatter: (p: unknown) => {
            const { dataIndex } = p as { dataIndex: number };
            const row = rows[dataIndex];
            return row.flow ? fmt.number(row.flow.customers) : labels.withheld;
          },
        },
      },
    ],
  };
}
