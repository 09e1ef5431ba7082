import { addDays, bucketSpans, daysBetween, type Bucket } from "@/lib/days";
import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/** One bucket as lib/analytics/getRevenueDynamics returns it (the fields the chart reads). */
export interface RevenuePoint {
  /** Calendar start of the bucket (may precede the period for a partial first week/month). */
  start: string;
  grossSalesMinor: number;
  netRevenueMinor: number;
  purchases: number;
  customers: number;
  averageCheckMinor: number | null;
}

export interface RevenueDynamicsData {
  period: { from: string; to: string };
  bucket: Bucket;
  series: RevenuePoint[];
  /** The previous period's buckets, each `start` shifted back by the period length. */
  comparison: RevenuePoint[];
}

export const REVENUE_METRICS = [
  "netRevenueMinor",
  "grossSalesMinor",
  "purchases",
  "customers",
  "averageCheckMinor",
] as const;
export type RevenueMetric = (typeof REVENUE_METRICS)[number];

const MONEY_METRICS: ReadonlySet<RevenueMetric> = new Set(["netRevenueMinor", "grossSalesMinor", "averageCheckMinor"]);

function isMoneyMetric(metric: RevenueMetric): boolean {
  return MONEY_METRICS.has(metric);
}

/** One row of the chart after gap filling: the bucket, both periods' values and the change. */
export interface RevenueRow {
  /** Bucket start in the current period (calendar start, e.g. a Monday for weeks). */
  start: string;
  /** First day of the bucket inside the period (the label: a partial week starts here). */
  from: string;
  /** The aligned bucket of the previous period (its first day inside that period). */
  previousFrom: string;
  current: number | null;
  previous: number | null;
  /** (current − previous) / previous; null when previous is 0 or missing. */
  change: number | null;
}

function valueOf(point: RevenuePoint | undefined, metric: RevenueMetric): number | null {
  if (!point) return metric === "averageCheckMinor" ? null : 0;
  return point[metric];
}

function relativeChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

/**
 * The gap-filled rows of the chart: one per bucket of the period, in order. A bucket missing
 * from the data counts 0 (sums) or null (average check: no purchases, no average). The
 * comparison is matched to each bucket by the same offset the analytics applies, `start − L`
 * with L the period length in days.
 */
export function revenueDynamicsRows(data: RevenueDynamicsData, metric: RevenueMetric): RevenueRow[] {
  const length = daysBetween(data.period.from, data.period.to);
  const current = new Map(data.series.map((p) => [p.start, p] as const));
  const previous = new Map(data.comparison.map((p) => [p.start, p] as const));
  return bucketSpans(data.period, data.bucket).map((span) => {
    const cur = valueOf(current.get(span.start), metric);
    const prev = valueOf(previous.get(addDays(span.start, -length)), metric);
    return {
      start: span.start,
      from: span.from,
      previousFrom: addDays(span.from, -length),
      current: cur,
      previous: prev,
      change: relativeChange(cur, prev),
    };
  });
}

export interface RevenueDynamicsLabels {
  current: string;
  previous: string;
  change: string;
}

/** A tooltip row as echarts hands it to an axis-trigger formatter. */
interface AxisTooltipParam {
  dataIndex: number;
}

/**
 * Line chart of one metric over the period with the previous period as a dashed comparison
 * line. Values stay in their unit (money in minor units); axis and tooltip go through `format`.
 * The tooltip shows both periods' days, both values and the % change of the bucket.
 */
export function buildRevenueDynamicsOption(
  data: RevenueDynamicsData,
  labels: RevenueDynamicsLabels,
  format: ChartFormat,
  metric: RevenueMetric = "netRevenueMinor",
): ChartOption {
  const rows = revenueDynamicsRows(data, metric);
  const money = isMoneyMetric(metric);
  const fullValue = (v: number | null) => (money ? format.money(v) : format.number(v, metric === "purchases" || metric === "customers" ? 0 : 2));
  const axisValue = (v: number) => (money ? format.moneyCompact(v) : format.number(v));
  const categoryLabel = (day: string) => (data.bucket === "month" ? format.month(day) : format.day(day));
  const dense = rows.length > 40;

  return {
    animation: false,
    color: [PALETTE.current, PALETTE.previous],
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, icon: "roundRect", itemWidth: 14, itemHeight: 4, data: [labels.current, labels.previous] },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "line" },
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as AxisTooltipParam[];
        const row = rows[list[0]?.dataIndex ?? 0];
        if (!row) return "";
        return [
          `<b>${categoryLabel(row.from)}</b>`,
          `${labels.current}: <b>${fullValue(row.current)}</b>`,
          `${labels.previous} (${categoryLabel(row.previousFrom)}): ${fullValue(row.previous)}`,
          `${labels.change}: ${format.change(row.change)}`,
        ].join("<br/>");
      },
    },
    xAxis: {
      type: "category",
      boundaryGap: data.bucket !== "day",
      data: rows.map((r) => r.from),
      axisLabel: { color: PALETTE.text, hideOverlap: true, formatter: (value: string) => categoryLabel(value) },
      axisLine: { lineStyle: { color: PALETTE.grid } },
      axisTick: { show: false },
    },
    yAxis: {
      type: "value",
      axisLabel: { color: PALETTE.text, formatter: (value: number) => axisValue(value) },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: [
      {
        name: labels.current,
        type: "line",
        data: rows.map((r) => r.current),
        showSymbol: !dense,
        symbolSize: 5,
        lineStyle: { width: 2, color: PALETTE.current },
        itemStyle: { color: PALETTE.current },
        areaStyle: { color: PALETTE.current, opacity: 0.08 },
        connectNulls: false,
        z: 3,
      },
      {
        name: labels.previous,
        type: "line",
        data: rows.map((r) => r.previous),
        showSymbol: false,
        lineStyle: { width: 1.5, type: "dashed", color: PALETTE.previous },
        itemStyle: { color: PALETTE.previous },
        connectNulls: false,
        z: 2,
      },
    ],
  };
}

/** The bucket that reads best for a period's length: days up to a quarter, weeks up to a year. */
export function defaultBucket(period: { from: string; to: string }): Bucket {
  const days = daysBetween(period.from, period.to);
  if (days <= 92) return "day";
  if (days <= 400) return "week";
  return "month";
}
