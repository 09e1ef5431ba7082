import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/** A monthly point as lib/analytics/getRegularCustomers returns it; null figures when suppressed. */
export interface RegularPointInput {
  /** First day of the month the 6-month window ends with. */
  month: string;
  customers: number | null;
  activeCustomers: number | null;
  share: number | null;
  revenueMinor: number | null;
  revenueShare: number | null;
  suppressed: boolean;
}

export interface RegularCustomersLabels {
  customers: string;
  share: string;
  revenue: string;
  revenueShare: string;
  active: string;
  suppressed: string;
}

interface AxisParam {
  dataIndex: number;
}

/**
 * Regular customers per month: bars = how many (left axis), line = their share of the window's
 * active customers (right axis, %). Suppressed months draw neither and read "< 5".
 */
export function buildRegularCustomersOption(
  trend: readonly RegularPointInput[],
  labels: RegularCustomersLabels,
  format: ChartFormat,
): ChartOption {
  const points = [...trend].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  return {
    animation: false,
    color: [PALETTE.current, PALETTE.up],
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, data: [labels.customers, labels.share] },
    tooltip: {
      trigger: "axis",
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as AxisParam[];
        const p = points[list[0]?.dataIndex ?? 0];
        if (!p) return "";
        const head = `<b>${format.month(p.month)}</b>`;
        if (p.suppressed) return `${head}<br/>${labels.customers}: ${labels.suppressed}`;
        return [
          head,
          `${labels.customers}: ${format.number(p.customers)}`,
          `${labels.active}: ${format.number(p.activeCustomers)}`,
          `${labels.share}: ${format.percent(p.share)}`,
          `${labels.revenue}: ${format.money(p.revenueMinor)}`,
          `${labels.revenueShare}: ${format.percent(p.revenueShare)}`,
        ].join("<br/>");
      },
    },
    xAxis: {
      type: "category",
      data: points.map((p) => p.month),
      axisLabel: { color: PALETTE.text, formatter: (v: string) => format.month(v) },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: PALETTE.grid } },
    },
    yAxis: [
      {
        type: "value",
        axisLabel: { color: PALETTE.text, formatter: (v: number) => format.number(v) },
        splitLine: { lineStyle: { color: PALETTE.grid } },
      },
      {
        type: "value",
        min: 0,
        axisLabel: { color: PALETTE.text, formatter: (v: number) => format.percent(v) },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: labels.customers,
        type: "bar",
        barMaxWidth: 36,
        data: points.map((p) => (p.suppressed ? { value: 0, itemStyle: { color: "transparent" } } : p.customers)),
        itemStyle: { color: PALETTE.current, borderRadius: [3, 3, 0, 0] },
        label: {
          show: true,
          position: "top",
          fontSize: 10,
          color: PALETTE.text,
          formatter: (param: unknown) => {
            const p = points[(param as AxisParam).dataIndex];
            return !p || p.suppressed ? labels.suppressed : format.number(p.customers);
          },
        },
      },
      {
        name: labels.share,
        type: "line",
        yAxisIndex: 1,
        data: points.map((p) => (p.suppressed ? null : p.share)),
        connectNulls: false,
        symbolSize: 6,
        lineStyle: { width: 2, color: PALETTE.up },
        itemStyle: { color: PALETTE.up },
      },
    ],
  };
}
