import { describe, expect, it } from "vitest";
import {
  lnBeta,
  lnGamma,
  moments,
  normalCdf,
  normalQuantile,
  normalSf,
  normalTwoSidedP,
  quantileSorted,
  regularizedGammaQ,
  regularizedIncompleteBeta,
  studentTQuantile,
  studentTTwoSidedP,
  welchTest,
} from "@/lib/stats";

/* The distributions kernel against closed forms (exact to double precision) and scipy values. */

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe("special functions", () => {
  it("lnGamma and lnBeta equal exact factorials and Beta values", () => {
    let factorial = 1;
    for (let n = 1; n <= 25; n++) {
      factorial *= n;
      expect(Math.abs(lnGamma(n + 1) - Math.log(factorial))).toBeLessThan(4e-15 * Math.max(1, Math.log(factorial)));
    }
    // B(2, 3) = 1!·2!/4! = 1/12; B(½, ½) = π.
    expect(rel(lnBeta(2, 3), Math.log(1 / 12))).toBeLessThan(1e-14);
    expect(rel(lnBeta(0.5, 0.5), Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(() => lnGamma(0)).toThrow(RangeError);
    expect(() => lnGamma(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("regularizedGammaQ equals e^{−x} for a = 1 and the Poisson tail for whole a, on both branches", () => {
    // The series branch (x < a + 1) loses a little to cancellation just below the switch.
    for (const x of [0.1, 1, 1.9, 2.1, 10, 50]) expect(rel(regularizedGammaQ(1, x), Math.exp(-x))).toBeLessThan(3e-14);
    // Q(3, x) = e^{−x} (1 + x + x²/2).
    for (const x of [0.5, 3.5, 4.5, 30]) expect(rel(regularizedGammaQ(3, x), Math.exp(-x) * (1 + x + (x * x) / 2))).toBeLessThan(3e-14);
    expect(regularizedGammaQ(2, 0)).toBe(1);
  });

  it("regularizedIncompleteBeta equals its closed forms, including after the symmetry swap", () => {
    for (const x of [0.01, 0.3, 0.7, 0.99]) {
      expect(rel(regularizedIncompleteBeta(x, 1, 4), 1 - (1 - x) ** 4)).toBeLessThan(1e-14); // I_x(1, b)
      expect(rel(regularizedIncompleteBeta(x, 3, 1), x ** 3)).toBeLessThan(1e-14); // I_x(a, 1)
      // I_x(½, ½) = (2/π) asin √x (the arcsine distribution).
      expect(rel(regularizedIncompleteBeta(x, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(x)))).toBeLessThan(1e-13);
    }
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });
});

describe("normal and Student t", () => {
  it("normal tails keep relative precision far out (mpmath ncdf at 40 digits)", () => {
    expect(rel(normalCdf(-1.959963984540054), 0.025)).toBeLessThan(1e-14);
    expect(rel(normalSf(10), 7.619853024160525e-24)).toBeLessThan(1e-14);
    expect(rel(normalCdf(-37.5), 4.605353009581955e-308)).toBeLessThan(1e-12);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });

  it("normalTwoSidedP is 2Φ(−|z|), exact where the old A&S 7.1.26 copy was off by up to 1.5e-7", () => {
    expect(rel(normalTwoSidedP(1.96), 0.04999579029644087)).toBeLessThan(1e-13);
    expect(rel(normalTwoSidedP(-3), 0.002699796063260189)).toBeLessThan(1e-13);
    expect(rel(normalTwoSidedP(8), 1.2441921148543568e-15)).toBeLessThan(1e-13);
    expect(normalTwoSidedP(0)).toBe(1);
    expect(normalTwoSidedP(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it("normalQuantile inverts normalCdf to double precision", () => {
    expect(Math.abs(normalQuantile(0.975) - 1.959963984540054)).toBeLessThan(1e-15);
    for (const p of [1e-12, 0.01, 0.3, 0.5, 0.77, 0.999999]) expect(rel(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-14);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it("Student t equals the Cauchy (df 1) and df 2 closed forms", () => {
    for (const t of [0.1, 1, 2.5, 40]) {
      expect(rel(studentTTwoSidedP(t, 1), 1 - (2 / Math.PI) * Math.atan(t))).toBeLessThan(1e-13);
      expect(rel(studentTTwoSidedP(-t, 2), 1 - t / Math.sqrt(2 + t * t))).toBeLessThan(1e-13);
    }
    expect(rel(studentTQuantile(0.975, 1), 12.706204736174694)).toBeLessThan(1e-13); // tan(0.475π)
    // df 2: t_p = (2p − 1) / √(2p(1 − p)).
    expect(rel(studentTQuantile(0.025, 2), -0.95 / Math.sqrt(2 * 0.025 * 0.975))).toBeLessThan(1e-13);
    expect(studentTTwoSidedP(Number.POSITIVE_INFINITY, 5)).toBe(0);
    expect(() => studentTTwoSidedP(1, 0)).toThrow(RangeError);
  });
});

describe("Welch's t-test and sample statistics", () => {
  const a = [20.1, 22.4, 19.8, 25.0, 23.3, 21.7];
  const b = [18.2, 17.9, 21.0, 16.5];

  it("moments are Welford's mean and unbiased variance", () => {
    const m = moments(a);
    expect(m.n).toBe(6);
    expect(m.mean).toBeCloseTo(22.05, 13);
    expect(m.variance).toBeCloseTo(3.875, 12);
    expect(moments([5])).toEqual({ n: 1, mean: 5, variance: 0 });
  });

  it("uses the Welch–Satterthwaite degrees of freedom by default (scipy 1.17 ttest_ind(equal_var=False))", () => {
    const w = welchTest(moments(a), moments(b));
    expect(w.difference).toBeCloseTo(3.65, 13);
    expect(rel(w.t, 2.946840250732153)).toBeLessThan(1e-13);
    expect(rel(w.df, 6.793367011173014)).toBeLessThan(1e-13);
    expect(rel(w.p, 0.02225359539529149)).toBeLessThan(1e-12);
    expect(Math.abs(w.ci.lower - 0.7029847434537655)).toBeLessThan(1e-12);
    expect(Math.abs(w.ci.upper - 6.597015256546232)).toBeLessThan(1e-12);
  });

  it("can use the conservative smaller-sample n − 1 degrees of freedom (the findings' changepoint test)", () => {
    const w = welchTest(moments(a), moments(b), { degreesOfFreedom: "conservative" });
    expect(w.df).toBe(3);
    expect(w.p).toBe(studentTTwoSidedP(w.t, 3));
    expect(w.p).toBeGreaterThan(welchTest(moments(a), moments(b)).p);
  });

  it("answers constant samples by the limit and refuses samples of one", () => {
    expect(welchTest(moments([3, 3]), moments([3, 3, 3]))).toMatchObject({ t: 0, p: 1, standardError: 0 });
    expect(welchTest(moments([4, 4]), moments([3, 3]))).toMatchObject({ t: Infinity, p: 0 });
    expect(() => welchTest(moments([1]), moments([1, 2]))).toThrow(RangeError);
  });

  it("quantileSorted is Hyndman–Fan type 7 (numpy's default)", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted(new Float64Array([7]), 0.9)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});
