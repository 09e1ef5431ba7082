import { describe, expect, it } from "vitest";
import { buildForecastBandOption, forecastBandRows } from "@/lib/charts/forecastBand";
import type { ChartFormat } from "@/lib/charts/types";

const format: ChartFormat = {
  money: (v) => (v === null ? "—" : `€${v / 100}`),
  moneyCompact: (v) => `€${(v ?? 0) / 100}`,
  number: (v) => String(v),
  percent: (v) => `${v}`,
  change: (v) => `${v}`,
  day: (d) => d.slice(5),
  month: (m) => m,
};
const labels = { actual: "Actual", forecast: "Forecast", band80: "80 %", band95: "95 %" };
const history = [
  { day: "2026-01-01", value: 1000 },
  { day: "2026-01-02", value: 1200 },
];
const forecast = [
  { day: "2026-01-03", point: 1100, lower80: 900, upper80: 1300, lower95: 800, upper95: 1500 },
  { day: "2026-01-04", point: 1150, lower80: 950, upper80: 1350, lower95: 850, upper95: 1550 },
];

describe("forecast band chart", () => {
  it("frames history then forecast days", () => {
    expect(forecastBandRows(history, forecast).map((r) => r.day)).toEqual(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]);
  });
  it("stacks each band as lower bound + width over forecast days only, and joins the forecast line to the last actual", () => {
    const option = buildForecastBandOption(history, forecast, labels, format);
    const series = option.series as Array<{ name: string; data: (number | null)[]; stack?: string }>;
    const by = (name: string) => series.find((s) => s.name === name)!;
    expect(by("band95-base").data).toEqual([null, null, 800, 850]);
    expect(by("95 %").data).toEqual([null, null, 700, 700]);
    expect(by("band80-base").data).toEqual([null, null, 900, 950]);
    expect(by("80 %").data).toEqual([null, null, 400, 400]);
    expect(by("95 %").stack).toBe("band95");
    expect(by("Actual").data).toEqual([1000, 1200, null, null]);
    expect(by("Forecast").data).toEqual([null, 1200, 1100, 1150]);
    const tip = (option.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 2 }]);
    expect(tip).toBe("<b>01-03</b><br/>Forecast: <b>€11</b><br/>80 %: €9 – €13<br/>95 %: €8 – €15");
  });
});
