import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/** Global importance of one model feature (lib/analytics/getModelResults ChurnSummary.importance). */
export interface FactorImportanceInput {
  feature: string;
  /** Mean |SHAP| over the scored customers, log-odds. */
  meanAbsShap: number;
}

export interface FactorImportanceLabels {
  /** Human name of a feature ("recencyDays" -> "Days since last purchase"). */
  factor(feature: string): string;
  /** Series name ("Share of influence"). */
  share: string;
  /** Tooltip name of the raw figure ("Mean |SHAP|, log-odds"). */
  meanAbsShap: string;
}

/** The factors to draw: importance > 0, largest first (ties by feature name), at most `limit`. */
export function importanceBars(importance: readonly FactorImportanceInput[], limit = 10): FactorImportanceInput[] {
  return importance
    .filter((f) => f.meanAbsShap > 0)
    .sort((a, b) => b.meanAbsShap - a.meanAbsShap || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0))
    .slice(0, limit);
}

interface BarParam {
  dataIndex: number;
}

/**
 * Global factor importance as horizontal bars, the strongest factor on top. A bar is the factor's
 * share of the summed mean |SHAP| of all factors (how much of the model's explanation it carries,
 * in percent, which reads better than log-odds); the tooltip keeps the raw mean |SHAP|.
 */
export function buildFactorImportanceOption(
  importance: readonly FactorImportanceInput[],
  labels: FactorImportanceLabels,
  format: ChartFormat,
  limit = 10,
): ChartOption {
  const total = importance.reduce((s, f) => s + Math.max(0, f.meanAbsShap), 0);
  const bars = importanceBars(importance, limit);
  const share = (f: FactorImportanceInput) => (total > 0 ? f.meanAbsShap / total : 0);
  return {
    animation: false,
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const f = bars[(p as BarParam).dataIndex];
        if (!f) return "";
        return `<b>${labels.factor(f.feature)}</b><br/>${labels.share}: ${format.percent(share(f))}<br/>${labels.meanAbsShap}: ${format.number(f.meanAbsShap, 3)}`;
      },
    },
    xAxis: {
      type: "value",
      max: (v: { max: number }) => Math.min(1, Math.ceil(v.max * 10) / 10),
      axisLabel: { color: PALETTE.text, hideOverlap: true, formatter: (v: number) => format.percent(v) },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: bars.map((f) => labels.factor(f.feature)),
      axisLabel: { color: PALETTE.text },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: [
      {
        name: labels.share,
        type: "bar",
        barMaxWidth: 20,
        data: bars.map((f) => share(f)),
        itemStyle: { color: PALETTE.current, borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: "right",
          color: PALETTE.text,
          formatter: (p: unknown) => {
            const f = bars[(p as BarParam).dataIndex];
            return f ? format.percent(share(f)) : "";
          },
        },
      },
    ],
  };
}
