import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { brierScore, calibrationCurve, prAuc, rocAuc } from "@/lib/models/classificationMetrics";

interface Case {
  name: string;
  y: number[];
  score: number[];
  rocAuc: number;
  averagePrecision: number;
  brier: number;
  calibration: Record<string, { fractionPositive: number[]; meanPredicted: number[]; count: number[] }>;
}

const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/models/metrics.json"), "utf8")) as { cases: Case[] };

function expectClose(actual: number[], expected: number[], tol: number) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(tol));
}

describe("classification metrics equal scikit-learn 1.2 (fixture from scripts/fixtures/make_metrics_fixture.py)", () => {
  it("has cases with ties and probabilities on bin edges", () => {
    const ties = fixture.cases[0];
    expect(new Set(ties.score).size).toBeLessThan(12);
    expect(ties.score.filter((p) => p === 0.3 || p === 0.5 || p === 0.6).length).toBeGreaterThan(10);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: roc_auc_score, average_precision_score, brier_score_loss to 1e-12`, () => {
      expect(Math.abs(rocAuc(c.y, c.score) - c.rocAuc)).toBeLessThan(1e-12);
      expect(Math.abs(prAuc(c.y, c.score) - c.averagePrecision)).toBeLessThan(1e-12);
      expect(Math.abs(brierScore(c.y, c.score) - c.brier)).toBeLessThan(1e-12);
    });
    it(`${c.name}: calibration_curve(strategy="uniform") for 5, 7 and 10 bins to 1e-12`, () => {
      for (const [bins, ref] of Object.entries(c.calibration)) {
        const got = calibrationCurve(c.y, c.score, Number(bins));
        expect(got.count).toEqual(ref.count);
        expectClose(got.fractionPositive, ref.fractionPositive, 1e-12);
        expectClose(got.meanPredicted, ref.meanPredicted, 1e-12);
      }
    });
  }
});

describe("classification metrics on hand-computed cases", () => {
  it("rocAuc counts a tie between classes as ½", () => {
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc([1, 0], [0.9, 0.1])).toBe(1);
  });
  it("prAuc is the step-wise average precision", () => {
    // Descending: 0.8 (+) P=1 R=½; 0.4 (−); 0.35 (+) P=⅔ R=1 → AP = ½·1 + ½·⅔.
    expect(prAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.5 + 1 / 3, 15);
  });
  it("brierScore and calibrationCurve on four rows", () => {
    expect(brierScore([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.5])).toBeCloseTo((0.01 + 0.01 + 0.16 + 0.25) / 4, 15);
    // Bins of width 0.5: 0.5 is on the inner edge and goes to the lower bin, as in scikit-learn.
    expect(calibrationCurve([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.5], 2)).toEqual({ meanPredicted: [0.3, 0.75], fractionPositive: [0, 1], count: [2, 2] });
  });
  it("throws where the metric is undefined", () => {
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow(/both classes/);
    expect(() => prAuc([0, 0], [0.2, 0.3])).toThrow(/at least one positive/);
    expect(() => brierScore([0], [1.2])).toThrow(/outside/);
    expect(() => calibrationCurve([0, 1], [0.2], 5)).toThrow(/2 labels but 1/);
  });
});
