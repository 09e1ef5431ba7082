import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/** A cell as lib/analytics/getModelResults PAliveCell: figures null when suppressed (< 5). */
interface PAliveCellInput {
  frequency: string;
  recency: string;
  customers: number | null;
  meanPAlive: number | null;
  suppressed: boolean;
}

export interface PAliveGridInput {
  /** Row buckets of repeat purchases, fewest first (drawn bottom to top). */
  frequencyBuckets: readonly string[];
  /** Column buckets of weeks since the last purchase, most recent first (left to right). */
  recencyBuckets: readonly string[];
  cells: readonly PAliveCellInput[];
}

export interface PAliveHeatmapLabels {
  /** Axis name of the rows ("Repeat purchases"). */
  frequency: string;
  /** Axis name of the columns ("Weeks since the last purchase"). */
  recency: string;
  /** "Chance still active". */
  pAlive: string;
  customers: string;
  suppressed: string;
}

/** A cell placed on the grid: x = recency bucket index, y = frequency bucket index. */
export interface PAliveGridCell {
  x: number;
  y: number;
  cell: PAliveCellInput;
}

/** The cells whose buckets are on the axes, with their grid positions; others are dropped. */
export function pAliveGridCells(grid: PAliveGridInput): PAliveGridCell[] {
  const xs = new Map(grid.recencyBuckets.map((b, i) => [b, i] as const));
  const ys = new Map(grid.frequencyBuckets.map((b, i) => [b, i] as const));
  const out: PAliveGridCell[] = [];
  for (const cell of grid.cells) {
    const x = xs.get(cell.recency);
    const y = ys.get(cell.frequency);
    if (x === undefined || y === undefined) continue;
    out.push({ x, y, cell });
  }
  return out;
}

interface HeatParam {
  seriesIndex: number;
  dataIndex: number;
}

/**
 * P(alive) by recency × frequency: columns are weeks since the last purchase, rows repeat
 * purchases, colour and label the cell's mean probability that its customers are still active
 * (fixed scale 0..100 %). Suppressed cells (< 5 customers) are grey "< 5" in a second series
 * outside the colour scale; combinations without customers are left blank.
 */
export function buildPAliveHeatmapOption(grid: PAliveGridInput, labels: PAliveHeatmapLabels, format: ChartFormat): ChartOption {
  const cells = pAliveGridCells(grid);
  const shown = cells.filter((c) => !c.cell.suppressed && c.cell.meanPAlive !== null);
  const hidden = cells.filter((c) => c.cell.suppressed || c.cell.meanPAlive === null);

  const tooltipFor = (c: PAliveGridCell): string => {
    const head = `<b>${labels.frequency}: ${c.cell.frequency}</b><br/>${labels.recency}: ${c.cell.recency}`;
    if (c.cell.suppressed || c.cell.meanPAlive === null) return `${head}<br/>${labels.customers}: ${labels.suppressed}`;
    return `${head}<br/>${labels.pAlive}: ${format.percent(c.cell.meanPAlive)}<br/>${labels.customers}: ${format.number(c.cell.customers)}`;
  };

  return {
    animation: false,
    grid: { left: 8, right: 8, top: 8, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const param = p as HeatParam;
        const c = (param.seriesIndex === 0 ? shown : hidden)[param.dataIndex];
        return c ? tooltipFor(c) : "";
      },
    },
    xAxis: {
      type: "category",
      name: labels.recency,
      nameLocation: "middle",
      nameGap: 14,
      nameMoveOverlap: true,
      nameTextStyle: { color: PALETTE.text },
      data: [...grid.recencyBuckets],
      axisLabel: { color: PALETTE.text },
      axisTick: { show: false },
      axisLine: { show: false },
      splitArea: { show: false },
    },
    yAxis: {
      type: "category",
      name: labels.frequency,
      nameLocation: "middle",
      nameGap: 14,
      nameMoveOverlap: true,
      nameTextStyle: { color: PALETTE.text },
      data: [...grid.frequencyBuckets],
      axisLabel: { color: PALETTE.text },
      axisTick: { show: false },
      axisLine: { show: false },
    },
    visualMap: {
      type: "continuous",
      show: false,
      min: 0,
      max: 1,
      seriesIndex: 0,
      inRange: { color: [...PALETTE.heat] },
    },
    series: [
      {
        name: labels.pAlive,
        type: "heatmap",
        data: shown.map((c) => [c.x, c.y, c.cell.meanPAlive]),
        label: {
          show: true,
          fontSize: 11,
          formatter: (p: unknown) => format.percent((p as { value: [number, number, number | null] }).value[2]),
        },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: PALETTE.current } },
      },
      {
        name: labels.suppressed,
        type: "heatmap",
        data: hidden.map((c) => [c.x, c.y, 0]),
        label: { show: true, fontSize: 11, color: "#8896a6", formatter: () => labels.suppressed },
        itemStyle: { color: "#eef1f5", borderColor: "#fff", borderWidth: 2 },
      },
    ],
  };
}
