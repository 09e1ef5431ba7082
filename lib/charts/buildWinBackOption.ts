import { buildShareCurveOption, shareCurveLine } from "./shareCurve";
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
  const line = (name: string, key: "expectedIncrementalMinor" | "baselineMinor", color: string, dashed: boolean) =>
    shareCurveLine(name, withOrigin.map((p): [number, number] => [p.share, Math.round(p[key])]), color, dashed, 5);
  return buildShareCurveOption({
    xName: labels.contacted,
    yName: labels.incremental,
    xLabel: (v) => format.percent(v),
    yLabel: (v) => format.moneyCompact(v),
    tooltipValue: (v) => format.money(v),
    yNamePlacement: "end",
    series: [line(labels.ranked, "expectedIncrementalMinor", PALETTE.current, false), line(labels.baseline, "baselineMinor", PALETTE.previous, true)],
  });
}
