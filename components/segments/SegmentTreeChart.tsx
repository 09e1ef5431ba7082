"use client";

import { TreeChart } from "echarts/charts";
import { use as registerCharts } from "echarts/core";
import type { ChartOption } from "@/lib/charts/types";
import type { SegmentTreeChartOption } from "@/lib/charts/buildSegmentTreeOption";
import { EChart } from "../charts/EChart";

// The tree is the only chart of its kind: registered here (echarts' registry is global, the
// EChart wrapper draws with the same echarts/core), so the other pages' bundles stay without it.
registerCharts([TreeChart]);

/** The segment tree through the app's one EChart wrapper. */
export function SegmentTreeChart({
  option,
  height,
  ariaLabel,
  "data-testid": testId,
}: {
  option: SegmentTreeChartOption;
  height: number;
  ariaLabel: string;
  "data-testid"?: string;
}) {
  // ChartOption names the series types EChart registers; the tree series is registered above.
  return <EChart option={option as unknown as ChartOption} height={height} ariaLabel={ariaLabel} data-testid={testId} />;
}
