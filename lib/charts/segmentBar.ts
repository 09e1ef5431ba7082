import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/** A segment row as lib/analytics/getCustomerSegments returns it; null figures when suppressed. */
export interface SegmentRowInput {
  value: string;
  customers: number | null;
  revenueMinor: number | null;
  purchases: number | null;
  averageCheckMinor: number | null;
  revenueShare: number | null;
  suppressed: boolean;
}

export type SegmentMetric = "revenueMinor" | "customers" | "averageCheckMinor" | "revenueShare";

export interface SegmentBarLabels {
  /** Human label of a segment value ("female" -> "Women"). */
  value(value: string): string;
  metric: string;
  suppressed: string;
  customers: string;
  revenue: string;
  averageCheck: string;
  revenueShare: string;
}

/**
 * The bars to draw: the rows in the given order (`order` = the dimension's natural order, e.g.
 * age bands; values absent from the data are customers-free segments and shown like any cell
 * under 5 customers), else in the analytics' order (highest revenue first, suppressed last).
 */
export function segmentBars(rows: readonly SegmentRowInput[], order?: readonly string[]): SegmentRowInput[] {
  if (!order) return [...rows];
  const byValue = new Map(rows.map((r) => [r.value, r] as const));
  const ordered = order.map(
    (value) =>
      byValue.get(value) ?? {
        value,
        customers: null,
        revenueMinor: null,
        purchases: null,
        averageCheckMinor: null,
        revenueShare: null,
        suppressed: true,
      },
  );
  // Values outside the natural order (new codes from the bank) still show, after the known ones.
  const extra = rows.filter((r) => !order.includes(r.value));
  return [...ordered, ...extra];
}

interface BarParam {
  dataIndex: number;
}

/**
 * Horizontal bars of one metric per segment value, each labelled with its formatted figure;
 * suppressed segments keep their row, draw no bar and read "< 5".
 */
export function buildSegmentBarOption(
  rows: readonly SegmentRowInput[],
  labels: SegmentBarLabels,
  format: ChartFormat,
  metric: SegmentMetric = "revenueMinor",
  order?: readonly string[],
): ChartOption {
  const bars = segmentBars(rows, order);
  const formatValue = (v: number | null): string =>
    metric === "revenueMinor" || metric === "averageCheckMinor"
      ? format.money(v)
      : metric === "revenueShare"
        ? format.percent(v)
        : format.number(v);
  const axisValue = (v: number): string =>
    metric === "revenueMinor" || metric === "averageCheckMinor"
      ? format.moneyCompact(v)
      : metric === "revenueShare"
        ? format.percent(v)
        : format.number(v);

  return {
    animation: false,
    grid: { left: 8, right: 72, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const row = bars[(p as BarParam).dataIndex];
        if (!row) return "";
        const head = `<b>${labels.value(row.value)}</b>`;
        if (row.suppressed) return `${head}<br/>${labels.customers}: ${labels.suppressed}`;
        return [
          head,
          `${labels.customers}: ${format.number(row.customers)}`,
          `${labels.revenue}: ${format.money(row.revenueMinor)}`,
          `${labels.averageCheck}: ${format.money(row.averageCheckMinor)}`,
          `${labels.revenueShare}: ${format.percent(row.revenueShare)}`,
        ].join("<br/>");
      },
    },
    xAxis: {
      type: "value",
      axisLabel: { color: PALETTE.text, hideOverlap: true, formatter: (v: number) => axisValue(v) },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: bars.map((r) => labels.value(r.value)),
      axisLabel: { color: PALETTE.text },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: [
      {
        name: labels.metric,
        type: "bar",
        barMaxWidth: 22,
        // A suppressed segment is a zero-length, invisible bar: its row and "< 5" label stay.
        data: bars.map((r) => (r.suppressed ? { value: 0, itemStyle: { color: "transparent" } } : r[metric])),
        itemStyle: { color: PALETTE.current, borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: "right",
          color: PALETTE.text,
          formatter: (p: unknown) => {
            const row = bars[(p as BarParam).dataIndex];
            return !row || row.suppressed ? labels.suppressed : formatValue(row[metric]);
          },
        },
      },
    ],
  };
}
