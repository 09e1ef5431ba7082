import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/**
 * The win-back queue's "what if you contact the top k" curve (docs/offers.md, "Learning"): the
 * expected incremental revenue (minor units) of contacting the top k % of the queue ranked by
 * P(churn) × CLV × expected uplift, beside the same number of customers from today's list
 * (P(churn) × CLV alone). The curve starts at (0, 0): contacting no one gains nothing.
 */
export interface WinBackChartPoint {
  /** Share of the queue contacted, 0..1. */
  share: number;
  expectedIncrementalMinor: number;
  baselineMinor: number;
}

export interface WinBackChartLabels {
  ranked: string;
  baseline: string;
  contacted: string;
  incremental: string;
}

/**
 * Two lines over the share contacted; axis labels in compact money so a 390 px phone does not
 * cut them (`containLabel`), tooltips in full money.
 * @throws Error when a share lies outside [0, 1]
 */
export function buildWinBackOption(points: readonly WinBackChartPoint[], labels: WinBackChartLabels, format: ChartFormat): ChartOption {
  for (const p of points) if (!(p.share >= 0 && p.share <= 1)) throw new Error(`buildWinBackOption: share ${p.share} outside [0, 1]`);
  const withOrigin = points.length > 0 && points[0].share > 0 ? [{ share: 0, expectedIncrementalMinor: 0, baselineMinor: 0 }, ...points] : [...points];
  const line = (name: string, key: "expectedIncrementalMinor" | "baselineMinor", color: string, dashed: boolean) => ({
    name,
    type: "line" as const,
    showSymbol: true,
    symbolSize: 5,
    data: withOrigin.map((p) => [p.share, Math.round(p[key])]),
    lineStyle: { color, width: dashed ? 1.5 : 2.5, type: dashed ? ("dashed" as const) : ("solid" as const) },
    itemStyle: { color },
  });
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 36, bottom: 28, containLabel: true },
    legend: { top: 0, textStyle: { color: PALETTE.text } },
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: unknown) => format.money(typeof v === "number" ? v : Number(v)),
    },
    xAxis: {
      type: "value",
      min: 0,
      max: 1,
      name: labels.contacted,
      nameLocation: "middle",
      nameGap: 24,
      axisLabel: { color: PALETTE.text, formatter: (v: number) => format.percent(v) },
      splitLine: { show: false },
    },
    yAxis: {
      type: "value",
      name: labels.incremental,
      nameLocation: "end",
      nameTextStyle: { align: "left" },
      axisLabel: { color: PALETTE.text, formatter: (v: number) => format.moneyCompact(v) },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: [line(labels.ranked, "expectedIncrementalMinor", PALETTE.current, false), line(labels.baseline, "baselineMinor", PALETTE.previous, true)],
  };
}
