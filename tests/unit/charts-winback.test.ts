import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import { buildWinBackOption } from "@/lib/charts/buildWinBackOption";

const en = makeChartFormat("en", "USD");
const ru = makeChartFormat("ru", "RUB");
const labels = { ranked: "By churn × value × uplift", baseline: "By churn × value", contacted: "Contacted", incremental: "Incremental revenue" };
const points = [
  { share: 0.5, expectedIncrementalMinor: 120_000.4, baselineMinor: 40_000 },
  { share: 1, expectedIncrementalMinor: 150_000, baselineMinor: 150_000 },
];

describe("buildWinBackOption", () => {
  const option = buildWinBackOption(points, labels, en);
  const series = option.series as { name: string; data: number[][] }[];

  it("draws the ranked queue and today's list from the origin, money rounded to minor units", () => {
    expect(series.map((s) => s.name)).toEqual(["By churn × value × uplift", "By churn × value"]);
    expect(series[0].data).toEqual([[0, 0], [0.5, 120_000], [1, 150_000]]);
    expect(series[1].data).toEqual([[0, 0], [0.5, 40_000], [1, 150_000]]);
  });

  it("labels the axes in percent and compact money in the user's language", () => {
    const x = (option.xAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter;
    const y = (option.yAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter;
    expect(x(0.3)).toBe("30%");
    expect(y(150_000)).toBe("$1.5K");
    const yRu = (buildWinBackOption(points, labels, ru).yAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter;
    expect(yRu(150_000_00)).toBe(ru.moneyCompact(150_000_00));
    expect(yRu(150_000_00)).toMatch(/тыс/);
  });

  it("rejects a share outside [0, 1]", () => {
    expect(() => buildWinBackOption([{ share: 1.5, expectedIncrementalMinor: 0, baselineMinor: 0 }], labels, en)).toThrow(/share 1.5/);
  });
});
