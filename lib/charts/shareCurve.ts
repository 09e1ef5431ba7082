import { PALETTE, type ChartOption } from "./types";

/**
 * The frame shared by the charts that plot a cumulative figure against the share of customers
 * acted on, 0..1 (the Qini chart of a campaign, the win-back curve of an offer): legend on top,
 * the x axis in percent from 0 to 1, an axis tooltip, and solid or dashed lines.
 */
export interface ShareCurveFrame {
  /** The x axis' name ("Targeted", "Contacted"). */
  xName: string;
  /** The y axis' name. */
  yName: string;
  /** Formats an x tick (a share, 0..1). */
  xLabel: (share: number) => string;
  /** Formats a y tick. */
  yLabel: (value: number) => string;
  /** Formats a tooltip value. */
  tooltipValue: (value: number) => string;
  /** Where the y axis' name sits: beside the axis (`middle`, needs room on the left) or above it (`end`). */
  yNamePlacement: "middle" | "end";
  series: ChartOption["series"];
}

/**
 * One line of a share curve: `points` are [share, value] pairs; dashed lines are thinner
 * (references such as the random diagonal or today's list).
 */
export function shareCurveLine(name: string, points: [number, number][], color: string, dashed: boolean, symbolSize?: number) {
  return {
    name,
    type: "line" as const,
    showSymbol: symbolSize !== undefined,
    ...(symbolSize !== undefined ? { symbolSize } : {}),
    data: points,
    lineStyle: { color, width: dashed ? 1.5 : 2.5, type: dashed ? ("dashed" as const) : ("solid" as const) },
    itemStyle: { color },
  };
}

/** The echarts option of a share curve (see ShareCurveFrame). */
export function buildShareCurveOption(frame: ShareCurveFrame): ChartOption {
  const middle = frame.yNamePlacement === "middle";
  return {
    animation: false,
    grid: { left: middle ? 28 : 8, right: 16, top: 36, bottom: 28, containLabel: true },
    legend: { top: 0, textStyle: { color: PALETTE.text } },
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: unknown) => frame.tooltipValue(typeof v === "number" ? v : Number(v)),
    },
    xAxis: {
      type: "value",
      min: 0,
      max: 1,
      name: frame.xName,
      nameLocation: "middle",
      nameGap: 24,
      axisLabel: { color: PALETTE.text, formatter: frame.xLabel },
      splitLine: { show: false },
    },
    yAxis: {
      type: "value",
      name: frame.yName,
      ...(middle ? { nameLocation: "middle" as const, nameGap: 36 } : { nameLocation: "end" as const, nameTextStyle: { align: "left" as const } }),
      axisLabel: { color: PALETTE.text, formatter: frame.yLabel },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: frame.series,
  };
}
