import { describe, expect, it } from "vitest";
import {
  invertMatrix,
  minimizePositive,
  nelderMead,
  numericalGradient,
  numericalHessian,
  standardErrorsFromLogHessian,
} from "@/lib/models/optimize";

/*
 * The optimiser against problems with known answers: Rosenbrock's banana (the classic test of
 * Nelder & Mead implementations; Lagarias et al. 1998 section 5), a coupled quadratic, and an
 * exponential-sample MLE whose estimate and standard error are closed-form.
 */

const rosenbrock = ([x, y]: readonly number[]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2;

describe("nelderMead", () => {
  it("finds Rosenbrock's minimum (1, 1) from the standard start (−1.2, 1)", () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-16 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 7);
    expect(result.x[1]).toBeCloseTo(1, 7);
    expect(result.fx).toBeLessThan(1e-14);
    // fminsearch needs ~160 iterations here; a regression to thousands means a broken step rule.
    expect(result.iterations).toBeLessThan(600);
  });

  it("stops a run that cycles at the objective's noise after stallIterations, at the same best vertex", () => {
    // A narrow valley plus noise of 1e-12 that changes with every last bit of x (as a sum over
    // thousands of customers does): the simplex collapses to neighbouring floats whose values
    // still differ by more than fTolerance, so it never converges and cycles to maxIterations
    // (the Gamma-Gamma fit of msk-grocery-3 did this).
    const view = new DataView(new ArrayBuffer(8));
    const bitNoise = (v: number) => {
      view.setFloat64(0, v);
      return (Math.imul(view.getUint32(4), 2654435761) >>> 0) / 2 ** 32;
    };
    const noisy = (x: readonly number[]) => 12.5 + (x[0] - 1) ** 2 + 50 * (x[1] - 3 * x[0]) ** 2 + 1e-12 * (bitNoise(x[0]) + bitNoise(x[1]));
    const opts = { step: 0.5, xTolerance: 1e-9, fTolerance: 1e-13, maxIterations: 20_000, maxEvaluations: 100_000 };
    const full = nelderMead(noisy, [0, 0], opts);
    const stalled = nelderMead(noisy, [0, 0], { ...opts, stallIterations: 500 });
    expect([full.converged, stalled.converged]).toEqual([false, false]);
    expect([full.iterations, stalled.iterations]).toEqual([20_000, 600]);
    expect(stalled.x).toEqual(full.x);
    expect(stalled.fx).toBe(full.fx);
    expect(stalled.x[0]).toBeCloseTo(1, 6);
    expect(stalled.x[1]).toBeCloseTo(3, 5);
    expect(() => nelderMead(noisy, [0, 0], { stallIterations: 0 })).toThrow("stallIterations must be ≥ 1, got 0");
  });

  it("finds the exact minimum of a coupled 4-D quadratic", () => {
    // f = Σ_i (x_i − c_i)² + (x_0 − c_0)(x_1 − c_1) + 0.5 (x_2 − c_2)(x_3 − c_3): minimum at c.
    const c = [3, -2, 0.5, 10];
    const f = (x: readonly number[]) =>
      x.reduce((s, v, i) => s + (v - c[i]) ** 2, 0) + (x[0] - c[0]) * (x[1] - c[1]) + 0.5 * (x[2] - c[2]) * (x[3] - c[3]);
    const result = nelderMead(f, [0, 0, 0, 0], { step: 1, xTolerance: 1e-10, fTolerance: 1e-18 });
    expect(result.converged).toBe(true);
    result.x.forEach((v, i) => expect(v).toBeCloseTo(c[i], 7));
  });

  it("reports non-convergence when the iteration cap is hit", () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 10 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(10);
  });

  it("treats NaN as +Infinity so a region can be rejected", () => {
    // Minimum of (x − 2)² restricted to x > 1 by NaN outside, started inside.
    const result = nelderMead(([x]) => (x > 1 ? (x - 2) ** 2 : NaN), [1.5], { step: 0.4 });
    expect(result.x[0]).toBeCloseTo(2, 6);
  });

  it("rejects an empty start and a non-finite f(x0)", () => {
    expect(() => nelderMead(() => 0, [])).toThrow(/empty/);
    expect(() => nelderMead(() => NaN, [1])).toThrow(/not finite/);
    expect(() => nelderMead(() => 0, [1, 2], { step: [1] })).toThrow(/steps/);
  });
});

describe("minimizePositive and standard errors", () => {
  it("works on log-parameters: min Σ (ln θ_i − c_i)² is θ = e^c", () => {
    const c = [-3, 0, 2.5];
    const result = minimizePositive((t) => t.reduce((s, v, i) => s + (Math.log(v) - c[i]) ** 2, 0), [1, 1, 1]);
    result.x.forEach((v, i) => expect(v / Math.exp(c[i])).toBeCloseTo(1, 7));
    expect(() => minimizePositive(() => 0, [0, 1])).toThrow(/positive/);
  });

  it("reproduces the closed-form MLE and standard error of an exponential rate", () => {
    // n draws with sum S from Exp(λ): −ln L = −n ln λ + λ S, λ̂ = n / S, se(λ̂) = λ̂ / √n.
    const n = 250;
    const S = 123.4;
    const negLogLik = (t: readonly number[]) => -n * Math.log(t[0]) + t[0] * S;
    const fit = minimizePositive(negLogLik, [1], { xTolerance: 1e-11, fTolerance: 1e-13 });
    const lambdaHat = n / S;
    // A value-only minimiser locates an optimum to about √(ε |f| / f'') ≈ 1e-8 here, not to ε.
    expect(fit.x[0] / lambdaHat).toBeCloseTo(1, 7);
    const hessian = numericalHessian((u) => negLogLik(u.map(Math.exp)), fit.x.map(Math.log));
    const [se] = standardErrorsFromLogHessian(hessian, fit.x);
    expect(se / (lambdaHat / Math.sqrt(n))).toBeCloseTo(1, 6);
  });

  it("returns NaN standard errors for a singular information matrix", () => {
    expect(standardErrorsFromLogHessian([[1, 1], [1, 1]], [2, 3])).toEqual([NaN, NaN]);
  });
});

describe("numerical derivatives and inversion", () => {
  it("differentiates a quadratic exactly (central differences are exact to rounding)", () => {
    const A = [
      [4, 1, -2],
      [1, 3, 0.5],
      [-2, 0.5, 6],
    ];
    const bvec = [1, -1, 2];
    const f = (x: readonly number[]) => {
      let s = 0;
      for (let i = 0; i < 3; i++) {
        s += bvec[i] * x[i];
        for (let j = 0; j < 3; j++) s += 0.5 * A[i][j] * x[i] * x[j];
      }
      return s;
    };
    const x = [0.3, -1.2, 2];
    const H = numericalHessian(f, x);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(H[i][j]).toBeCloseTo(A[i][j], 5);
    const g = numericalGradient(f, x);
    const expected = A.map((row, i) => row.reduce((s, a, j) => s + a * x[j], 0) + bvec[i]);
    g.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 7));
  });

  it("gradient of a transcendental function to O(h²)", () => {
    const g = numericalGradient(([x, y]) => Math.sin(x) * Math.exp(y), [0.7, -0.3]);
    expect(g[0]).toBeCloseTo(Math.cos(0.7) * Math.exp(-0.3), 8);
    expect(g[1]).toBeCloseTo(Math.sin(0.7) * Math.exp(-0.3), 8);
  });

  it("inverts a matrix (A A⁻¹ = I) and refuses a singular one", () => {
    const A = [
      [0, 2, 1],
      [1, 1, 0],
      [3, 0, 5],
    ];
    const inv = invertMatrix(A);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = A[i].reduce((s, a, k) => s + a * inv[k][j], 0);
        expect(v).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(() => invertMatrix([[1, 2], [2, 4]])).toThrow(/singular/);
    expect(() => invertMatrix([[1, 2]])).toThrow(/square/);
  });
});
