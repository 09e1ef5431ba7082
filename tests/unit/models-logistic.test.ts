import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { encodeTable, fitStandardizer, fitTableEncoder, parseNumber, splitByTime, standardize } from "../helpers/baselines/features";
import { fitLogisticRegression, predictLogistic } from "../helpers/baselines/logistic";

const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/models/logistic.json"), "utf8")) as {
  X: number[][];
  y: number[];
  fits: { C: number; coefficients: number[]; intercept: number }[];
};

describe("fitLogisticRegression equals scikit-learn LogisticRegression(penalty='l2') (fixture from scripts/fixtures/make_metrics_fixture.py)", () => {
  for (const ref of fixture.fits) {
    it(`C = ${ref.C} (l2 = 1/C): coefficients and intercept to 1e-5`, () => {
      const m = fitLogisticRegression(fixture.X, fixture.y, { l2: 1 / ref.C });
      expect(m.converged).toBe(true);
      expect(m.iterations).toBeLessThan(15);
      m.coefficients.forEach((b, j) => expect(Math.abs(b - ref.coefficients[j])).toBeLessThan(1e-5));
      expect(Math.abs(m.intercept - ref.intercept)).toBeLessThan(1e-5);
    });
  }

  it("stronger penalties shrink the coefficients (C = 0.05 vs 100)", () => {
    const small = fixture.fits.find((f) => f.C === 0.05)!;
    const large = fixture.fits.find((f) => f.C === 100)!;
    const norm = (v: number[]) => Math.hypot(...v);
    expect(norm(small.coefficients)).toBeLessThan(norm(large.coefficients));
    const m = fitLogisticRegression(fixture.X, fixture.y, { l2: 20 });
    expect(Math.hypot(...m.coefficients)).toBeCloseTo(norm(small.coefficients), 5);
  });

  it("predictLogistic is sigmoid(intercept + x·β)", () => {
    const p = predictLogistic({ coefficients: Float64Array.from([2, -1]), intercept: 0.5 }, [1, 3]);
    expect(p).toBeCloseTo(1 / (1 + Math.exp(0.5)), 15);
  });

  it("with l2 = 0 on separable data it stays finite: the step halving never diverges", () => {
    const m = fitLogisticRegression([[0], [1], [2], [3]], [0, 0, 1, 1], { l2: 0, maxIterations: 30 });
    expect(Number.isFinite(m.coefficients[0])).toBe(true);
    expect(m.coefficients[0]).toBeGreaterThan(5);
  });

  it("rejects non-finite features and bad labels", () => {
    expect(() => fitLogisticRegression([[Number.NaN]], [1])).toThrow(/not finite/);
    expect(() => fitLogisticRegression([[1]], [3])).toThrow(/not 0 or 1/);
  });
});

describe("feature helpers", () => {
  const rows = [
    { contract: "One year", charges: "10", total: " " },
    { contract: "Month-to-month", charges: "20", total: "40" },
    { contract: "Two year", charges: "30", total: "90" },
  ];

  it("one-hot with sorted levels, optional reference level, unseen level → zeros", () => {
    const enc = fitTableEncoder(rows, [{ name: "contract", kind: "categorical", dropFirst: true }, { name: "charges", kind: "numeric" }]);
    expect(enc.featureNames).toEqual(["contract=One year", "contract=Two year", "charges"]);
    expect(encodeTable(enc, rows)).toEqual([
      [1, 0, 10],
      [0, 0, 20],
      [0, 1, 30],
    ]);
    expect(encodeTable(enc, [{ contract: "Weekly", charges: "5", total: "" }])).toEqual([[0, 0, 5]]);
  });

  it("ordinal encoding and blank numeric cells as NaN", () => {
    const enc = fitTableEncoder(rows, [{ name: "contract", kind: "categorical", encoding: "ordinal" }, { name: "total", kind: "numeric" }]);
    expect(encodeTable(enc, rows)).toEqual([
      [1, Number.NaN],
      [0, 40],
      [2, 90],
    ]);
    expect(parseNumber(" ")).toBeNaN();
  });

  it("standardises with the sample sd over non-missing values and imputes missing as the mean", () => {
    const X = [
      [1, Number.NaN, 5],
      [2, 4, 5],
      [3, 8, 5],
    ];
    const s = fitStandardizer(X);
    expect(Array.from(s.mean)).toEqual([2, 6, 5]);
    expect(s.sd[0]).toBeCloseTo(1, 15);
    expect(s.sd[1]).toBeCloseTo(Math.SQRT2 * 2, 14);
    expect(s.sd[2]).toBe(1);
    const Z = standardize(s, X);
    expect(Z[0][1]).toBe(0);
    expect(Z[2][0]).toBeCloseTo(1, 15);
    expect(Z[1][2]).toBe(0);
  });

  it("splits by time: before the cutoff trains, at or after it tests", () => {
    expect(splitByTime([5, 1, 9, 7, 3], 7)).toEqual({ train: [0, 1, 4], test: [2, 3] });
    expect(() => splitByTime([1, 2], 5)).toThrow(/0 test rows/);
  });
});
