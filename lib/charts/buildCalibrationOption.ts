import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/** One point of the reliability diagram (lib/analytics/getModelResults CalibrationPoint). */
export interface CalibrationPointInput {
  /** Bin [from, to) of predicted probability. */
  from: number;
  to: number;
  customers: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

export interface CalibrationLabels {
  /** x axis: "Predicted risk". */
  predicted: string;
  /** y axis: "Share who actually left". */
  observed: string;
  /** The model's points: "Model". */
  model: string;
  /** The diagonal: "Perfectly calibrated". */
  perfect: string;
  customers: string;
}

/** The points that can be drawn: bins with customers and both figures, in bin order. */
export function calibrationPoints(points: readonly CalibrationPointInput[]): CalibrationPointInput[] {
  return points.filter((p) => p.customers > 0 && p.meanPredicted !== null && p.observedRate !== null).sort((a, b) => a.from - b.from);
}

/** Point size by the bin's customers: 5 px for the fewest up to 14 px for the most (square root). */
export function calibrationSymbolSize(customers: number, maxCustomers: number): number {
  if (maxCustomers <= 0) return 5;
  return Math.round((5 + 9 * Math.sqrt(customers / maxCustomers)) * 10) / 10;
}

interface PointParam {
  seriesIndex: number;
  dataIndex: number;
}

/**
 * Reliability diagram of the churn model on its holdout: for each bin of predicted risk, the
 * mean prediction (x) against the share of those customers who actually left (y), over the
 * dashed diagonal where the two agree; a point's size grows with its bin's customers. Both axes
 * 0..100 %.
 */
export function buildCalibrationOption(points: readonly CalibrationPointInput[], labels: CalibrationLabels, format: ChartFormat): ChartOption {
  const drawn = calibrationPoints(points);
  const most = Math.max(0, ...drawn.map((p) => p.customers));
  const axis = (name: string) => ({
    type: "value" as const,
    min: 0,
    max: 1,
    interval: 0.2,
    name,
    nameLocation: "middle" as const,
    nameGap: 14,
    nameMoveOverlap: true,
    nameTextStyle: { color: PALETTE.text },
    axisLabel: { color: PALETTE.text, formatter: (v: number) => format.percent(v) },
    splitLine: { lineStyle: { color: PALETTE.grid } },
  });
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 32, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" },
    legend: { top: 0, left: 0, textStyle: { color: PALETTE.text }, data: [labels.model, labels.perfect] },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const param = p as PointParam;
        if (param.seriesIndex !== 0) return labels.perfect;
        const point = drawn[param.dataIndex];
        if (!point) return "";
        return [
          `<b>${labels.predicted}: ${format.percent(point.from)}–${format.percent(point.to)}</b>`,
          `${labels.predicted}: ${format.percent(point.meanPredicted)}`,
          `${labels.observed}: ${format.percent(point.observedRate)}`,
          `${labels.customers}: ${format.number(point.customers)}`,
        ].join("<br/>");
      },
    },
    xAxis: axis(labels.predicted),
    yAxis: axis(labels.observed),
    series: [
      {
        name: labels.model,
        type: "line",
        // Bigger points stand for more customers: a bin of a few customers is a noisy point.
        data: drawn.map((p) => ({
          value: [p.meanPredicted as number, p.observedRate as number],
          symbolSize: calibrationSymbolSize(p.customers, most),
        })),
        symbol: "circle",
        lineStyle: { color: PALETTE.current, width: 2 },
        itemStyle: { color: PALETTE.current },
      },
      {
        name: labels.perfect,
        type: "line",
        data: [
          [0, 0],
          [1, 1],
        ],
        symbol: "none",
        silent: true,
        lineStyle: { color: PALETTE.previous, type: "dashed", width: 1 },
        itemStyle: { color: PALETTE.previous },
      },
    ],
  };
}
