import { describe, expect, it } from "vitest";
import { makeChartFormat } from "@/lib/charts/format";
import { buildQiniOption } from "@/lib/charts/buildQiniOption";

const en = makeChartFormat("en", "USD");
const labels = { model: "T-learner", classTransformation: "Class transformation", random: "Random", perfect: "Perfect", targeted: "Targeted", incremental: "Incremental responders" };
const input = { x: [0, 0.5, 1], model: [0, 30, 40], classTransformation: [0, 25, 40], random: [0, 12, 40], perfect: [0, 60, 40] };

describe("buildQiniOption", () => {
  const option = buildQiniOption(input, labels, en);
  const series = option.series as { name: string; data: number[][] }[];

  it("draws model, class transformation, perfect and the random diagonal over the share targeted", () => {
    expect(series.map((s) => s.name)).toEqual(["T-learner", "Class transformation", "Perfect", "Random"]);
    expect(series[0].data).toEqual([[0, 0], [0.5, 30], [1, 40]]);
    // The random line is the diagonal to the model's end point, not the noisy random ranking.
    expect(series[3].data).toEqual([[0, 0], [0.5, 20], [1, 40]]);
  });

  it("formats the axis as percentages of customers", () => {
    const fmt = (option.xAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter;
    expect(fmt(0.5)).toBe("50%");
  });

  it("rejects curves of different lengths", () => {
    expect(() => buildQiniOption({ ...input, random: [0, 1] }, labels, en)).toThrow(/random has 2 points/);
  });
});
