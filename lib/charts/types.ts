import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption } from "echarts/charts";
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from "echarts/components";
import type { ComposeOption } from "echarts/core";

/**
 * The option type of every chart the app draws: exactly the echarts parts that
 * components/charts/EChart.tsx registers, so a builder cannot use a module the bundle lacks.
 */
export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | VisualMapComponentOption
  | MarkLineComponentOption
>;

/**
 * Formatting the builders need, injected by the caller (lib/format bound to the user's locale
 * and the merchant's currency), so builders stay pure and free of our other modules.
 */
export interface ChartFormat {
  /** Money in minor units, full precision (tooltips). */
  money(minor: number | null): string;
  /** Money in minor units, compact (axis labels). */
  moneyCompact(minor: number | null): string;
  /** A count or quantity. */
  number(value: number | null, fractionDigits?: number): string;
  /** A ratio as a percentage (0.25 -> "25%"). */
  percent(ratio: number | null): string;
  /** A signed relative change (0.25 -> "+25%"). */
  change(ratio: number | null): string;
  /** A calendar day 'YYYY-MM-DD', short form ("Mar 5"). */
  day(day: string): string;
  /** A month 'YYYY-MM(-DD)', short form ("Mar 2024"). */
  month(month: string): string;
}

/** The palette of the app's charts: accent blue for the current period, grey for comparison. */
export const PALETTE = {
  current: "#0b5cad",
  previous: "#9aa8b8",
  secondary: "#2d8ae0",
  soft: "#8fb8e3",
  up: "#117a45",
  down: "#b42318",
  text: "#5b6b7d",
  grid: "#e2e7ee",
  heat: ["#f2f7fc", "#cfe2f5", "#8fb8e3", "#3f86cf", "#0b5cad", "#083e75"],
  categorical: ["#0b5cad", "#2d8ae0", "#8fb8e3", "#117a45", "#e0a526", "#b42318", "#6b4fbb", "#5b6b7d"],
} as const;
