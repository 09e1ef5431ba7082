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

/*
 * Platt scaling with a Gaussian prior (the maximum a posteriori map, ADR 0035) against
 * scipy.optimize (trust-exact on the same objective, gtol 1e-12) and, for a slope prior centred
 * at 0 with the intercept free, scikit-learn's L2-penalised LogisticRegression (C = sd²):
 * scripts/fixtures/make_platt_prior_fixture.py.
 */
interface PriorCase {
  name: string;
  score: number[];
  y: number[];
  prior: { slope: number; intercept: number; sdSlope: number | "Infinity"; sdIntercept: number | "Infinity" };
  slope: number;
  intercept: number;
  sklearn?: { slope: number; intercept: number };
}
const priorFixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/models/platt-prior.json"), "utf8")) as { cases: PriorCase[] };

describe("fitPlatt with a Gaussian prior (maximum a posteriori)", () => {
  for (const c of priorFixture.cases) {
    it(`${c.name}: slope and intercept to 1e-6 of scipy${c.sklearn ? " and scikit-learn" : ""}`, () => {
      const prior = { ...c.prior, sdSlope: Number(c.prior.sdSlope), sdIntercept: Number(c.prior.sdIntercept) };
      const fit = fitPlatt(c.score, c.y, { prior });
      expect(Math.abs(fit.slope - c.slope)).toBeLessThan(1e-6);
      expect(Math.abs(fit.intercept - c.intercept)).toBeLessThan(1e-6);
      if (c.sklearn) {
        expect(Math.abs(fit.slope - c.sklearn.slope)).toBeLessThan(1e-6);
        expect(Math.abs(fit.intercept - c.sklearn.intercept)).toBeLessThan(1e-6);
      }
      // A prior a thousand times wider gives the free fit back.
      const free = fitPlatt(c.score, c.y);
      const wide = fitPlatt(c.score, c.y, { prior: { ...prior, sdSlope: 1e3 * prior.sdSlope, sdIntercept: 1e3 * prior.sdIntercept } });
      expect(Math.abs(wide.slope - free.slope)).toBeLessThan(1e-3);
      expect(Math.abs(wide.intercept - free.intercept)).toBeLessThan(1e-3);
    });
  }

  it("a very tight prior returns its centre; an empty set returns the centre; bad priors are refused", () => {
    const c = priorFixture.cases[0];
    const tight = fitPlatt(c.score, c.y, { prior: { slope: 0.5, intercept: -0.3, sdSlope: 1e-6, sdIntercept: 1e-6 } });
    expect(tight.slope).toBeCloseTo(0.5, 6);
    expect(tight.intercept).toBeCloseTo(-0.3, 6);
    expect(fitPlatt([], [], { prior: { slope: 0.5, intercept: -0.3, sdSlope: 1, sdIntercept: 1 } })).toEqual({ slope: 0.5, intercept: -0.3 });
    expect(() => fitPlatt([1], [1], { prior: { slope: 0.5, intercept: 0, sdSlope: 0, sdIntercept: 1 } })).toThrow("fitPlatt: prior sd 0, 1 must be positive");
    expect(() => fitPlatt([1], [1], { prior: { slope: NaN, intercept: 0, sdSlope: 1, sdIntercept: 1 } })).toThrow("fitPlatt: prior centre NaN, 0 is not finite");
  });
});
