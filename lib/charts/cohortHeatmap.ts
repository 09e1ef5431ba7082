import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/** A cell as lib/analytics/getCohortRetention returns it; null figures when suppressed. */
export interface CohortCellInput {
  k: number;
  month: string;
  complete: boolean;
  customers: number | null;
  retention: number | null;
  revenueMinor: number | null;
  revenueRetention: number | null;
  suppressed: boolean;
}

export interface CohortRowInput {
  cohort: string;
  size: number | null;
  suppressed: boolean;
  cells: CohortCellInput[];
}

export type CohortMetric = "retention" | "revenueRetention";

export interface CohortLabels {
  /** Column header for month k after the cohort month ("Month 0", "M+1", …). */
  monthK(k: number): string;
  /** Row header: the cohort month with its size ("Jan 2024 · 120"). */
  cohort(month: string, size: string): string;
  customers: string;
  retention: string;
  revenue: string;
  revenueRetention: string;
  suppressed: string;
  incomplete: string;
}

/** What a heatmap cell of the grid holds after gap filling. */
export interface CohortGridCell {
  /** Column: months since the cohort month. */
  k: number;
  /** Row index, the oldest cohort first. */
  row: number;
  value: number | null;
  suppressed: boolean;
  complete: boolean;
  cell: CohortCellInput | null;
}

/**
 * The cohort triangle as grid cells: one row per cohort (oldest first), columns 0..K where K is
 * the widest row; a row's missing cell inside its own triangle (k ≤ its last k) becomes a
 * suppressed-looking gap with a null value, and cells beyond a row's triangle do not exist.
 */
export function cohortGrid(cohorts: readonly CohortRowInput[], metric: CohortMetric): { columns: number; cells: CohortGridCell[] } {
  const sorted = [...cohorts].sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
  const newest = sorted.at(-1)?.cohort;
  // A row's triangle reaches the newest cohort's month: oldest row longest, newest row k = 0 only.
  const rowLength = (cohort: string) =>
    newest ? (Number(newest.slice(0, 4)) - Number(cohort.slice(0, 4))) * 12 + Number(newest.slice(5, 7)) - Number(cohort.slice(5, 7)) + 1 : 0;
  const columns = Math.max(0, ...sorted.map((r) => Math.max(rowLength(r.cohort), r.cells.length)));
  const cells: CohortGridCell[] = [];
  sorted.forEach((row, rowIndex) => {
    const byK = new Map(row.cells.map((c) => [c.k, c] as const));
    const length = Math.max(rowLength(row.cohort), row.cells.length);
    for (let k = 0; k < length; k++) {
      const cell = byK.get(k) ?? null;
      const suppressed = row.suppressed || (cell?.suppressed ?? false);
      cells.push({
        k,
        row: rowIndex,
        value: suppressed || !cell ? null : cell[metric],
        suppressed,
        complete: cell?.complete ?? true,
        cell,
      });
    }
  });
  return { columns, cells };
}

interface HeatmapTooltipParam {
  seriesIndex: number;
  dataIndex: number;
}

/**
 * Retention heatmap: cohorts as rows (oldest on top), months since the first purchase as columns,
 * colour and label = retention (or revenue retention) in percent on an absolute 0–100 % scale;
 * a month not over yet is labelled with "*". Suppressed cells and cohorts are drawn grey with
 * "< 5" by a second series outside the colour scale.
 */
export function buildCohortHeatmapOption(
  cohorts: readonly CohortRowInput[],
  labels: CohortLabels,
  format: ChartFormat,
  metric: CohortMetric = "retention",
): ChartOption {
  const sorted = [...cohorts].sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
  const { columns, cells } = cohortGrid(sorted, metric);
  const shown = cells.filter((c) => !c.suppressed);
  const hidden = cells.filter((c) => c.suppressed);
  // Colours on an absolute scale: 0 → 100 % (or the largest revenue retention above it), so
  // 11 % never takes the colour of month 0's 100 % (issue 19: the scale used to end at the
  // largest later month).
  const later = shown.filter((c) => c.k > 0 && c.value !== null).map((c) => c.value as number);
  const max = Math.max(1, ...later);
  const rowLabels = sorted.map((r) =>
    labels.cohort(r.cohort, r.suppressed || r.size === null ? labels.suppressed : format.number(r.size)),
  );
  const metricLabel = metric === "retention" ? labels.retention : labels.revenueRetention;

  const tooltipFor = (c: CohortGridCell): string => {
    const row = sorted[c.row];
    const head = `<b>${format.month(row.cohort)}</b> · ${labels.monthK(c.k)}`;
    if (c.suppressed || !c.cell) return `${head}<br/>${labels.customers}: ${labels.suppressed}`;
    return [
      head,
      `${labels.customers}: ${format.number(c.cell.customers)}`,
      `${labels.retention}: ${format.percent(c.cell.retention)}`,
      `${labels.revenue}: ${format.money(c.cell.revenueMinor)}`,
      `${labels.revenueRetention}: ${format.percent(c.cell.revenueRetention)}`,
      ...(c.complete ? [] : [labels.incomplete]),
    ].join("<br/>");
  };

  return {
    animation: false,
    grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const param = p as HeatmapTooltipParam;
        const c = (param.seriesIndex === 0 ? shown : hidden)[param.dataIndex];
        return c ? tooltipFor(c) : "";
      },
    },
    xAxis: {
      type: "category",
      position: "top",
      data: Array.from({ length: columns }, (_, k) => labels.monthK(k)),
      axisLabel: { color: PALETTE.text },
      axisTick: { show: false },
      axisLine: { show: false },
      splitArea: { show: false },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: rowLabels,
      axisLabel: { color: PALETTE.text },
      axisTick: { show: false },
      axisLine: { show: false },
    },
    visualMap: {
      type: "continuous",
      show: false,
      min: 0,
      max,
      seriesIndex: 0,
      inRange: { color: [...PALETTE.heat] },
    },
    series: [
      {
        name: metricLabel,
        type: "heatmap",
        data: shown.map((c) => [c.k, c.row, c.value]),
        label: {
          show: true,
          fontSize: 11,
          // A month still in progress is marked "*" (its figure will still rise; the tooltip says so).
          formatter: (p: unknown) => {
            const param = p as { value: [number, number, number | null]; dataIndex?: number };
            const cell = param.dataIndex === undefined ? undefined : shown[param.dataIndex];
            return `${format.percent(param.value[2])}${cell && !cell.complete ? "*" : ""}`;
          },
        },
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: PALETTE.current } },
      },
      {
        name: labels.suppressed,
        type: "heatmap",
        data: hidden.map((c) => [c.k, c.row, 0]),
        label: { show: true, fontSize: 11, color: "#8896a6", formatter: () => labels.suppressed },
        itemStyle: { color: "#eef1f5", borderColor: "#fff", borderWidth: 2 },
      },
    ],
  };
}
