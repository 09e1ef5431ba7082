import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/*
 * Revenue with its forecast: the actual days, then the forecast line inside its 95 % and 80 %
 * prediction bands. Bands are drawn the usual echarts way: an invisible series at the lower
 * bound and a filled series of (upper − lower) stacked on it.
 */

export interface ForecastBandPoint {
  day: string;
  point: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface ForecastBandLabels {
  actual: string;
  forecast: string;
  band80: string;
  band95: string;
}

/** The frame of the chart: every history day, then every forecast day (pure; exported for tests). */
export function forecastBandRows(history: ReadonlyArray<{ day: string; value: number }>, forecast: readonly ForecastBandPoint[]) {
  return [
    ...history.map((h) => ({ day: h.day, actual: h.value as number | null, f: null as ForecastBandPoint | null })),
    ...forecast.map((f) => ({ day: f.day, actual: null as number | null, f })),
  ];
}

/**
 * Line of actual values, the forecast line joined to the last actual value, and the 95 % / 80 %
 * bands (stacked areas) over the forecast days. Money values in minor units (format.money).
 */
export function buildForecastBandOption(
  history: ReadonlyArray<{ day: string; value: number }>,
  forecast: readonly ForecastBandPoint[],
  labels: ForecastBandLabels,
  format: ChartFormat,
): ChartOption {
  const rows = forecastBandRows(history, forecast);
  const lastActual = history.length - 1;
  const band = (lo: (f: ForecastBandPoint) => number, hi: (f: ForecastBandPoint) => number) => ({
    lower: rows.map((r) => (r.f ? lo(r.f) : null)),
    width: rows.map((r) => (r.f ? hi(r.f) - lo(r.f) : null)),
  });
  const b95 = band((f) => f.lower95, (f) => f.upper95);
  const b80 = band((f) => f.lower80, (f) => f.upper80);
  const forecastLine = rows.map((r, i) => (r.f ? r.f.point : i === lastActual ? r.actual : null));
  const bandSeries = (name: string, stack: string, b: { lower: (number | null)[]; width: (number | null)[] }, opacity: number) => [
    { name: `${stack}-base`, type: "line" as const, stack, data: b.lower, lineStyle: { opacity: 0 }, showSymbol: false, silent: true, z: 1 },
    {
      name,
      type: "line" as const,
      stack,
      data: b.width,
      lineStyle: { opacity: 0 },
      showSymbol: false,
      // The legend swatch takes itemStyle: the band's own colour, not the palette's next one.
      itemStyle: { color: PALETTE.current, opacity: opacity * 3 },
      areaStyle: { color: PALETTE.current, opacity },
      silent: true,
      z: 1,
    },
  ];
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, data: [labels.actual, labels.forecast, labels.band80, labels.band95] },
    tooltip: {
      trigger: "axis",
      formatter: (params: unknown) => {
        const list = (Array.isArray(params) ? params : [params]) as Array<{ dataIndex: number }>;
        const r = rows[list[0]?.dataIndex ?? 0];
        if (!r) return "";
        if (!r.f) return `<b>${format.day(r.day)}</b><br/>${labels.actual}: <b>${format.money(r.actual)}</b>`;
        return [
          `<b>${format.day(r.day)}</b>`,
          `${labels.forecast}: <b>${format.money(r.f.point)}</b>`,
          `${labels.band80}: ${format.money(r.f.lower80)} – ${format.money(r.f.upper80)}`,
          `${labels.band95}: ${format.money(r.f.lower95)} – ${format.money(r.f.upper95)}`,
        ].join("<br/>");
      },
    },
    xAxis: {
      type: "category",
      boundaryGap: false,
      data: rows.map((r) => r.day),
      axisLabel: { color: PALETTE.text, hideOverlap: true, formatter: (v: string) => format.day(v) },
      axisLine: { lineStyle: { color: PALETTE.grid } },
      axisTick: { show: false },
    },
    yAxis: {
      type: "value",
      axisLabel: { color: PALETTE.text, formatter: (v: number) => format.moneyCompact(v) },
      splitLine: { lineStyle: { color: PALETTE.grid } },
    },
    series: [
      ...bandSeries(labels.band95, "band95", b95, 0.12),
      ...bandSeries(labels.band80, "band80", b80, 0.22),
      {
        name: labels.actual,
        type: "line",
        data: rows.map((r) => r.actual),
        showSymbol: false,
        lineStyle: { width: 2, color: PALETTE.current },
        itemStyle: { color: PALETTE.current },
        z: 3,
      },
      {
        name: labels.forecast,
        type: "line",
        data: forecastLine,
        showSymbol: false,
        lineStyle: { width: 2, type: "dashed", color: PALETTE.current },
        itemStyle: { color: PALETTE.current },
        z: 3,
      },
    ],
  };
}
