import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyPlatt, crossFitCalibrated, fitMonotonePlatt, fitPlatt } from "@/lib/models/calibration";
import { rocAuc } from "@/lib/models/classificationMetrics";

/*
 * Platt scaling (lib/models/calibration.ts) against scikit-learn 1.2 (fixture from
 * scripts/fixtures/make_platt_fixture.py): LogisticRegression on Platt's smoothed targets solved
 * to the optimum, CalibratedClassifierCV's own sigmoid fit (looser: its BFGS stops early), the
 * intercept-only fit, and cross-fitted probabilities over the fixture's two folds.
 */

interface Case {
  name: string;
  score: number[];
  y: number[];
  fold: number[];
  slope: number;
  intercept: number;
  sigmoidCalibration: { slope: number; intercept: number };
  interceptOnly: number;
  crossFitted: number[];
}

const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/models/platt.json"), "utf8")) as { sklearn: string; cases: Case[] };

describe("fitPlatt equals scikit-learn's Platt scaling", () => {
  it("covers over- and under-confident, small, rare-positive and reversed scores", () => {
    expect(fixture.cases.map((c) => c.name)).toEqual(["overconfident", "underconfident", "small", "rare", "reversed"]);
    const byName = new Map(fixture.cases.map((c) => [c.name, c]));
    expect(byName.get("overconfident")!.slope).toBeLessThan(0.6);
    expect(byName.get("underconfident")!.slope).toBeGreaterThan(1.5);
    expect(byName.get("reversed")!.slope).toBeLessThan(0);
    expect(byName.get("small")!.score).toHaveLength(40);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: slope and intercept to 1e-6 (LogisticRegression on the smoothed targets), to 1e-3 (_sigmoid_calibration)`, () => {
      const fit = fitPlatt(c.score, c.y);
      expect(Math.abs(fit.slope - c.slope)).toBeLessThan(1e-6);
      expect(Math.abs(fit.intercept - c.intercept)).toBeLessThan(1e-6);
      expect(Math.abs(fit.slope - c.sigmoidCalibration.slope)).toBeLessThan(1e-3);
      expect(Math.abs(fit.intercept - c.sigmoidCalibration.intercept)).toBeLessThan(1e-3);
    });

    it(`${c.name}: the intercept-only fit (slope 1) and the cross-fitted probabilities`, () => {
      const fixed = fitPlatt(c.score, c.y, { fixedSlope: 1 });
      expect(fixed.slope).toBe(1);
      expect(Math.abs(fixed.intercept - c.interceptOnly)).toBeLessThan(1e-6);
      const cross = crossFitCalibrated(c.score, c.y, c.fold);
      expect(cross).toHaveLength(c.crossFitted.length);
      cross.forEach((p, i) => expect(Math.abs(p - c.crossFitted[i]), `case ${i}`).toBeLessThan(1e-6));
    });
  }
});

describe("monotone calibration", () => {
  it("keeps the ranking: a positive slope maps scores in order, the AUC unchanged", () => {
    const c = fixture.cases[0];
    const map = fitMonotonePlatt(c.score, c.y);
    expect(map.interceptOnly).toBe(false);
    const p = c.score.map((s) => applyPlatt(map, s));
    expect(rocAuc(c.y, p)).toBe(rocAuc(c.y, c.score));
  });

  it("a reversed score is calibrated in the large (slope 1, the intercept fitted), never flipped", () => {
    const c = fixture.cases.find((x) => x.name === "reversed")!;
    const map = fitMonotonePlatt(c.score, c.y);
    expect(map).toEqual({ slope: 1, intercept: fitPlatt(c.score, c.y, { fixedSlope: 1 }).intercept, interceptOnly: true });
    // Calibration in the large with Platt's targets: Σ p = Σ t (the intercept's score equation).
    const n1 = c.y.filter((v) => v === 1).length;
    const t = c.y.map((v) => (v === 1 ? (n1 + 1) / (n1 + 2) : 1 / (c.y.length - n1 + 2)));
    const sumP = c.score.reduce((s, f) => s + applyPlatt(map, f), 0);
    expect(sumP).toBeCloseTo(t.reduce((s, v) => s + v, 0), 7);
  });

  it("applyPlatt is σ(slope × score + intercept)", () => {
    expect(applyPlatt({ slope: 0.5, intercept: -1 }, 2)).toBe(0.5);
    expect(applyPlatt({ slope: 2, intercept: 0 }, Math.log(3) / 2)).toBeCloseTo(0.75, 15);
  });

  it("an empty set gives the neutral map; bad input is refused", () => {
    expect(fitPlatt([], [])).toEqual({ slope: 0, intercept: 0 });
    expect(() => fitPlatt([1, 2], [1])).toThrow("fitPlatt: 2 scores but 1 outcomes");
    expect(() => fitPlatt([1, NaN], [1, 0])).toThrow("fitPlatt: score NaN at 1 is not finite");
    expect(() => fitPlatt([1, 2], [1, 2])).toThrow("fitPlatt: outcome 2 at 1 is not 0 or 1");
    expect(() => crossFitCalibrated([1, 2], [1, 0], [0])).toThrow(/crossFitCalibrated/);
  });
});
