import { buildShareCurveOption, shareCurveLine } from "./shareCurve";
import { PALETTE, type ChartFormat, type ChartOption } from "./types";

/**
 * A Qini chart (Radcliffe 2007): the incremental responders gained by targeting the share x of
 * customers in the order of a model's predicted uplift, on held-out rows. The model's curve
 * against the random-ranking diagonal and the perfect ranking; the area between the model and
 * the diagonal, relative to the perfect one's, is the Qini coefficient.
 */
export interface QiniChartInput {
  /** Share of customers targeted, 0..1 (the same grid for every curve). */
  x: number[];
  model: number[];
  classTransformation: number[];
  random: number[];
  perfect: number[];
}

export interface QiniChartLabels {
  model: string;
  classTransformation: string;
  random: string;
  perfect: string;
  targeted: string;
  incremental: string;
}

/**
 * The four curves as lines over the share targeted. The "random" series is the straight line
 * from (0, 0) to the model's end point (what a random order gains on average), not the one
 * seeded random ranking, whose own curve is noisy; its Qini is reported beside the chart.
 * @throws Error when the curves do not have x's length
 */
export function buildQiniOption(input: QiniChartInput, labels: QiniChartLabels, format: ChartFormat): ChartOption {
  const n = input.x.length;
  for (const k of ["model", "classTransformation", "random", "perfect"] as const) {
    if (input[k].length !== n) throw new Error(`buildQiniOption: ${k} has ${input[k].length} points, x has ${n}`);
  }
  const end = n > 0 ? input.model[n - 1] : 0;
  const diagonal = input.x.map((x) => x * end);
  const line = (name: string, data: number[], color: string, dashed = false) =>
    shareCurveLine(name, input.x.map((x, i): [number, number] => [x, data[i]]), color, dashed);
  return buildShareCurveOption({
    xName: labels.targeted,
    yName: labels.incremental,
    xLabel: (v) => format.percent(v),
    yLabel: (v) => format.number(v),
    tooltipValue: (v) => format.number(v, 1),
    yNamePlacement: "middle",
    series: [
      line(labels.model, input.model, PALETTE.current),
      line(labels.classTransformation, input.classTransformation, PALETTE.categorical[4]),
      line(labels.perfect, input.perfect, PALETTE.up, true),
      line(labels.random, diagonal, PALETTE.previous, true),
    ],
  });
}
