"use client";

/**
 * The one ECharts wrapper (convention 9). Registers only the chart types and components the
 * builders of lib/charts use (echarts/core keeps the bundle to those), initialises on mount,
 * applies the option whenever it changes, follows its box's size, and disposes on unmount.
 */
import { useEffect, useRef } from "react";
import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import type { ChartOption } from "@/lib/charts/types";

echarts.use([
  LineChart,
  BarChart,
  HeatmapChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapComponent,
  MarkLineComponent,
  SVGRenderer,
]);

export interface EChartProps {
  option: ChartOption;
  /** CSS height of the chart box; the width follows the container. */
  height?: number | string;
  /** Accessible name of the chart (also shown to screen readers instead of the SVG). */
  ariaLabel: string;
  className?: string;
  "data-testid"?: string;
}

export function EChart({ option, height = 320, ariaLabel, className, "data-testid": testId }: EChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    // SVG: crisp at any zoom, light for the few hundred marks these charts draw, and testable.
    const chart = echarts.init(el, undefined, { renderer: "svg" });
    chartRef.current = chart;
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    // notMerge: a new option replaces the old one, so series removed from the option disappear.
    chartRef.current?.setOption(option, { notMerge: true, lazyUpdate: true });
  }, [option]);

  return (
    <div
      ref={boxRef}
      role="img"
      aria-label={ariaLabel}
      className={className ? `chart ${className}` : "chart"}
      style={{ height }}
      data-testid={testId}
    />
  );
}
