import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/** A day-of-week × hour cell as lib/analytics/getSeasonality returns it; null figures when suppressed. */
export interface HeatCellInput {
  /** ISO day of week, 1 = Monday … 7 = Sunday. */
  dow: number;
  hour: number;
  purchases: number | null;
  grossSalesMinor: number | null;
  customers: number | null;
  averageCheckMinor: number | null;
  suppressed: boolean;
}

export type HeatMetric = "purchases" | "grossSalesMinor" | "customers" | "averageCheckMinor";

export interface SeasonalityHeatmapLabels {
  /** Seven weekday names, Monday first. */
  weekdays: readonly string[];
  metric: string;
  purchases: string;
  revenue: string;
  customers: string;
  averageCheck: string;
  suppressed: string;
}

const isMoney = (metric: string) => metric === "grossSalesMinor" || metric === "averageCheckMinor" || metric === "netRevenueMinor";

/** Two-digit hour labels "00" … "23". */
export function hourLabels(): string[] {
  return Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0"));
}

/**
 * The full 7 × 24 grid, Monday 00 h first: the data's cell where there is one, else a cell
 * without customers, which the suppression rule (fewer than 5) hides like any small cell.
 */
export function heatmapGrid(cells: readonly HeatCellInput[]): HeatCellInput[] {
  const byCell = new Map(cells.map((c) => [`${c.dow}|${c.hour}`, c] as const));
  const grid: HeatCellInput[] = [];
  for (let dow = 1; dow <= 7; dow++) {
    for (let hour = 0; hour < 24; hour++) {
      grid.push(
        byCell.get(`${dow}|${hour}`) ?? {
          dow,
          hour,
          purchases: null,
          grossSalesMinor: null,
          customers: null,
          averageCheckMinor: null,
          suppressed: true,
        },
      );
    }
  }
  return grid;
}

interface ItemParam {
  seriesIndex: number;
  dataIndex: number;
}

/**
 * When customers come: hours across, weekdays down (Monday on top), colour = the metric.
 * Suppressed cells are drawn in a separate grey series outside the colour scale.
 * Data points are [hour, dow − 1, value].
 */
export function buildSeasonalityHeatmapOption(
  cells: readonly HeatCellInput[],
  labels: SeasonalityHeatmapLabels,
  format: ChartFormat,
  metric: HeatMetric = "purchases",
): ChartOption {
  const grid = heatmapGrid(cells);
  const shown = grid.filter((c) => !c.suppressed);
  const hidden = grid.filter((c) => c.suppressed);
  const values = shown.map((c) => c[metric]).filter((v): v is number => v !== null);
  const max = Math.max(1, ...values);
  const min = values.length ? Math.min(...values) : 0;
  const axisValue = (v: number) => (isMoney(metric) ? format.moneyCompact(v) : format.number(v));

  return {
    animation: false,
    grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const param = p as ItemParam;
        const c = (param.seriesIndex === 0 ? shown : hidden)[param.dataIndex];
        if (!c) return "";
        const head = `<b>${labels.weekdays[c.dow - 1]} ${hourLabels()[c.hour]}:00</b>`;
        if (c.suppressed) return `${head}<br/>${labels.customers}: ${labels.suppressed}`;
        return [
          head,
          `${labels.purchases}: ${format.number(c.purchases)}`,
          `${labels.revenue}: ${format.money(c.grossSalesMinor)}`,
          `${labels.customers}: ${format.number(c.customers)}`,
          `${labels.averageCheck}: ${format.money(c.averageCheckMinor)}`,
        ].join("<br/>");
      },
    },
    xAxis: {
      type: "category",
      data: hourLabels(),
      axisLabel: { color: PALETTE.text },
      axisTick: { show: false },
      axisLine: { show: false },
      splitArea: { show: false },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: [...labels.weekdays],
      axisLabel: { color: PALETTE.text },
      axisTick: { show: false },
      axisLine: { show: false },
    },
    visualMap: {
      type: "continuous",
      show: true,
      min: Math.min(min, max),
      max,
      seriesIndex: 0,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      itemWidth: 10,
      itemHeight: 160,
      calculable: false,
      // Ends of the scale, high first (echarts' order), in the metric's unit.
      text: [axisValue(max), axisValue(Math.min(min, max))],
      textGap: 8,
      textStyle: { color: PALETTE.text },
      inRange: { color: [...PALETTE.heat] },
    },
    series: [
      {
        name: labels.metric,
        type: "heatmap",
        data: shown.map((c) => [c.hour, c.dow - 1, c[metric]]),
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: PALETTE.current, borderWidth: 1 } },
      },
      {
        name: labels.suppressed,
        type: "heatmap",
        data: hidden.map((c) => [c.hour, c.dow - 1, 0]),
        itemStyle: { color: "#f1f3f6", borderColor: "#fff", borderWidth: 1 },
      },
    ],
  };
}

/** A calendar month of the year as lib/analytics/getSeasonality returns it. */
export interface MonthProfileInput {
  /** 1 = January … 12 = December. */
  month: number;
  years: number | null;
  customers: number | null;
  grossSalesMinor: number | null;
  netRevenueMinor: number | null;
  purchases: number | null;
  suppressed: boolean;
}

/** A month with no year of data in the period: nothing to show, and nothing hidden. */
const noData = (r: MonthProfileInput) => !r.suppressed && (r.years ?? 0) === 0;

export type MonthMetric = "netRevenueMinor" | "grossSalesMinor" | "purchases" | "customers";

export interface MonthProfileLabels {
  /** Twelve month names, January first. */
  months: readonly string[];
  metric: string;
  years: string;
  revenue: string;
  grossSales: string;
  purchases: string;
  customers: string;
  suppressed: string;
  /** What a month without data in the period reads ("no data"): not the privacy marker. */
  noData: string;
}

/** Twelve rows, January first; a month absent from the data has no data (years 0), not a suppressed cell. */
export function monthProfileRows(rows: readonly MonthProfileInput[]): MonthProfileInput[] {
  const byMonth = new Map(rows.map((r) => [r.month, r] as const));
  return Array.from(
    { length: 12 },
    (_, i) =>
      byMonth.get(i + 1) ?? {
        month: i + 1,
        years: 0,
        customers: 0,
        grossSalesMinor: null,
        netRevenueMinor: null,
        purchases: null,
        suppressed: false,
      },
  );
}

/**
 * The year's shape: one bar per calendar month (per-year averages over the years of the period
 * that contain the month). Suppressed months keep their slot, draw no bar and read "< 5"; months
 * without data in the period (years 0) draw no bar and read `labels.noData`.
 */
export function buildMonthProfileOption(
  rows: readonly MonthProfileInput[],
  labels: MonthProfileLabels,
  format: ChartFormat,
  metric: MonthMetric = "netRevenueMinor",
): ChartOption {
  const months = monthProfileRows(rows);
  const money = isMoney(metric);
  const axisValue = (v: number) => (money ? format.moneyCompact(v) : format.number(v));

  return {
    animation: false,
    grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const row = months[(p as ItemParam).dataIndex];
        if (!row) return "";
        const head = `<b>${labels.months[row.month - 1]}</b>`;
        if (row.suppressed) return `${head}<br/>${labels.customers}: ${labels.suppressed}`;
        if (noData(row)) return `${head}<br/>${labels.noData}`;
        return [
          head,
          `${labels.revenue}: ${format.money(row.netRevenueMinor)}`,
          `${labels.grossSales}: ${format.money(row.grossSalesMinor)}`,
          `${labels.purchases}: ${format.number(row.purchases)}`,
          `${labels.customers}: ${format.number(row.customers)}`,
          `${labels.years}: ${format.number(row.years)}`,
        ].join("<br/>");
      },
    },
    xAxis: {
      type: "category",
      data: [...labels.months],
      axisLabel: { color: PALETTE.text, interval: 0 },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: PALETTE.grid } },
    },
    yAxis: {
      type: "value",
      axisLabel: { color: PALETTE.text, formatter: (v: number) => axisValue(v) },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: [
      {
        name: labels.metric,
        type: "bar",
        barMaxWidth: 36,
        data: months.map((r) => (r.suppressed || noData(r) ? { value: 0, itemStyle: { color: "transparent" } } : r[metric])),
        itemStyle: { color: PALETTE.current, borderRadius: [3, 3, 0, 0] },
        label: {
          show: true,
          position: "top",
          color: PALETTE.text,
          fontSize: 10,
          formatter: (p: unknown) => {
            const row = months[(p as ItemParam).dataIndex];
            if (!row || row.suppressed) return labels.suppressed;
            return noData(row) ? labels.noData : axisValue(row[metric] ?? 0);
          },
        },
      },
    ],
  };
}
