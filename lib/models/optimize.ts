/*
 * Derivative-free minimisation for maximum-likelihood fits (pure math, no I/O).
 *
 * Why our own Nelder-Mead: the npm candidates were checked first. `fmin` (0.0.4, BSD) is the only
 * widely installed one and it is a 0.0.x package without types or maintenance; `optimization-js`
 * is little used. The models here have 3–4 positive parameters and smooth likelihoods, for which
 * the simplex method on log-parameters is robust and small enough to own and test (Rosenbrock,
 * exact quadratics: tests/unit/models-optimize.test.ts).
 *
 * Algorithm: Nelder & Mead (1965), "A simplex method for function minimization", The Computer
 * Journal 7(4), 308–313, with the standard coefficients and tie rules of Lagarias, Reeds, Wright
 * & Wright (1998), "Convergence properties of the Nelder–Mead simplex method in low dimensions",
 * SIAM J. Optim. 9(1), 112–147, section 2 (reflection ρ = 1, expansion χ = 2, contraction γ = ½,
 * shrink σ = ½; the algorithm of MATLAB's fminsearch). Because the simplex can collapse before a
 * minimum (McKinnon 1998), a converged run is restarted from its best vertex with a fresh simplex
 * until a restart no longer improves the value.
 */

/** Outcome of a minimisation. */
export interface MinimizeResult {
  /** The best point found. */
  x: number[];
  /** f(x). */
  fx: number;
  /** Simplex iterations over all restarts. */
  iterations: number;
  /** Function evaluations over all restarts. */
  evaluations: number;
  /** True when the tolerances were met before maxIterations / maxEvaluations ran out. */
  converged: boolean;
}

export interface NelderMeadOptions {
  /** Initial simplex: x0 plus `step` along each axis (default 0.1; one number or one per axis). */
  step?: number | readonly number[];
  /** Stop when every vertex is within this of the best, per coordinate (default 1e-8). */
  xTolerance?: number;
  /** …and every vertex value within this of the best value (default 1e-10). */
  fTolerance?: number;
  /** Cap on simplex iterations over all restarts (default 20,000). */
  maxIterations?: number;
  /** Cap on function evaluations over all restarts (default 40,000). */
  maxEvaluations?: number;
  /** Cap on restarts after the first convergence (default 5). */
  maxRestarts?: number;
  /**
   * Ends a run whose best value has not decreased for this many iterations (default: never). The
   * simplex then cycles at the objective's rounding noise: a sum over thousands of customers is
   * exact to about 1e-14 of its value, so an fTolerance near that may never be met, and the run
   * would spin to maxIterations without moving its best vertex. Such a run returns its best
   * vertex (the one it would have returned at maxIterations, unless a later cycle happened to
   * improve on it by noise) with `converged` false.
   */
  stallIterations?: number;
}

const RHO = 1;
const CHI = 2;
const GAMMA = 0.5;
const SIGMA = 0.5;

/**
 * Minimises f over ℝⁿ with the Nelder–Mead simplex method (Nelder & Mead 1965, as specified in
 * Lagarias et al. 1998, section 2), restarting from the best vertex after convergence.
 *
 * Non-finite values of f (NaN, ±Infinity) are treated as +Infinity, so a likelihood may reject a
 * region by returning NaN.
 *
 * @param f  the objective; called with a fresh array each time
 * @param x0 the starting point (n ≥ 1 coordinates)
 * @throws Error when x0 is empty or f(x0) is not finite
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  opts: NelderMeadOptions = {},
): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new Error("nelderMead: x0 is empty");
  const xTol = opts.xTolerance ?? 1e-8;
  const fTol = opts.fTolerance ?? 1e-10;
  const maxIterations = opts.maxIterations ?? 20_000;
  const maxEvaluations = opts.maxEvaluations ?? 40_000;
  const maxRestarts = opts.maxRestarts ?? 5;
  const stall = opts.stallIterations ?? Infinity;
  if (!(stall >= 1)) throw new Error(`nelderMead: stallIterations must be ≥ 1, got ${stall}`);
  const steps = typeof opts.step === "object" ? [...opts.step] : new Array<number>(n).fill(opts.step ?? 0.1);
  if (steps.length !== n) throw new Error(`nelderMead: ${steps.length} steps for ${n} coordinates`);

  let evaluations = 0;
  const value = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  let best = [...x0];
  let bestF = value(best);
  if (!Number.isFinite(bestF)) throw new Error(`nelderMead: f(x0) is not finite at ${JSON.stringify(x0)}`);
  let iterations = 0;
  let converged = false;

  for (let restart = 0; restart <= maxRestarts; restart++) {
    const run = simplexRun(value, best, bestF, steps, xTol, fTol, maxIterations - iterations, () => evaluations >= maxEvaluations, stall);
    iterations += run.iterations;
    const improvement = bestF - run.fx;
    best = run.x;
    bestF = run.fx;
    converged = run.converged;
    // A restart that finds nothing better than the tolerance confirms the minimum.
    if (!run.converged || (restart > 0 && improvement <= fTol)) break;
  }
  return { x: best, fx: bestF, iterations, evaluations, converged };
}

/** One Nelder–Mead run from a right-angled simplex at x0. */
function simplexRun(
  value: (x: number[]) => number,
  x0: number[],
  f0: number,
  steps: readonly number[],
  xTol: number,
  fTol: number,
  maxIterations: number,
  outOfEvaluations: () => boolean,
  stall: number,
): { x: number[]; fx: number; iterations: number; converged: boolean } {
  const n = x0.length;
  const vertices: number[][] = [x0];
  const values: number[] = [f0];
  for (let i = 0; i < n; i++) {
    const v = [...x0];
    v[i] += steps[i];
    vertices.push(v);
    values.push(value(v));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const sort = () => order.sort((i, j) => values[i] - values[j]);
  let iterations = 0;
  let converged = false;
  let bestSoFar = Infinity;
  let lastImproved = 0;

  for (;;) {
    sort();
    const b = order[0];
    if (values[b] < bestSoFar) {
      bestSoFar = values[b];
      lastImproved = iterations;
    }
    const w = order[n];
    let xSpread = 0;
    let fSpread = 0;
    for (let k = 1; k <= n; k++) {
      const i = order[k];
      fSpread = Math.max(fSpread, Math.abs(values[i] - values[b]));
      for (let d = 0; d < n; d++) xSpread = Math.max(xSpread, Math.abs(vertices[i][d] - vertices[b][d]));
    }
    if (xSpread <= xTol && fSpread <= fTol) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations || outOfEvaluations() || iterations - lastImproved >= stall) break;
    iterations++;

    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let d = 0; d < n; d++) centroid[d] += vertices[order[k]][d] / n;
    const along = (t: number) => centroid.map((c, d) => c + t * (c - vertices[w][d]));

    const fBest = values[b];
    const fSecondWorst = values[order[n - 1]];
    const fWorst = values[w];
    const xr = along(RHO);
    const fr = value(xr);
    if (fr < fBest) {
      const xe = along(RHO * CHI);
      const fe = value(xe);
      if (fe < fr) replace(w, xe, fe);
      else replace(w, xr, fr);
      continue;
    }
    if (fr < fSecondWorst) {
      replace(w, xr, fr);
      continue;
    }
    if (fr < fWorst) {
      const xc = along(RHO * GAMMA);
      const fc = value(xc);
      if (fc <= fr) {
        replace(w, xc, fc);
        continue;
      }
    } else {
      const xcc = along(-GAMMA);
      const fcc = value(xcc);
      if (fcc < fWorst) {
        replace(w, xcc, fcc);
        continue;
      }
    }
    // Shrink every vertex towards the best one.
    for (let k = 1; k <= n; k++) {
      const i = order[k];
      vertices[i] = vertices[i].map((x, d) => vertices[b][d] + SIGMA * (x - vertices[b][d]));
      values[i] = value(vertices[i]);
    }
  }
  sort();
  return { x: vertices[order[0]], fx: values[order[0]], iterations, converged };

  function replace(i: number, x: number[], fx: number) {
    vertices[i] = x;
    values[i] = fx;
  }
}

/**
 * Minimises g(θ) over positive θ by running {@link nelderMead} on u = ln θ (so every trial point
 * is admissible and steps are relative). Returns θ = exp(u*) in `x`.
 *
 * @param theta0 a positive starting point
 * @throws Error when a starting coordinate is not positive and finite, or g(theta0) is not finite
 */
export function minimizePositive(
  g: (theta: readonly number[]) => number,
  theta0: readonly number[],
  opts: NelderMeadOptions = {},
): MinimizeResult {
  for (const t of theta0) {
    if (!(t > 0) || !Number.isFinite(t)) throw new Error(`minimizePositive: starting point must be positive, got ${JSON.stringify(theta0)}`);
  }
  const result = nelderMead((u) => g(u.map(Math.exp)), theta0.map(Math.log), opts);
  return { ...result, x: result.x.map(Math.exp) };
}

/**
 * Central-difference gradient ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h, error O(h²).
 * @param h step per coordinate (default 1e-5)
 */
export function numericalGradient(f: (x: readonly number[]) => number, x: readonly number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/**
 * Central-difference Hessian, error O(h²): diagonal (f(x+h e_i) − 2f(x) + f(x−h e_i)) / h², off
 * diagonal (f(++) − f(+−) − f(−+) + f(−−)) / 4h² (Abramowitz & Stegun 1964, 25.3.23 and 25.3.26).
 * Symmetric by construction. The default step 1e-4 suits objectives of order 1e4 whose arguments
 * are O(1) (log-parameters): rounding error ≈ 1e-12 / h² stays near 1e-4 in absolute terms.
 *
 * @param h step per coordinate (default 1e-4)
 */
export function numericalHessian(f: (x: readonly number[]) => number, x: readonly number[], h = 1e-4): number[][] {
  const n = x.length;
  const at = (di: number, i: number, dj: number, j: number) => {
    const p = [...x];
    p[i] += di * h;
    p[j] += dj * h;
    return f(p);
  };
  const f0 = f(x);
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    H[i][i] = (at(1, i, 0, i) - 2 * f0 + at(-1, i, 0, i)) / (h * h);
    for (let j = 0; j < i; j++) {
      const v = (at(1, i, 1, j) - at(1, i, -1, j) - at(-1, i, 1, j) + at(-1, i, -1, j)) / (4 * h * h);
      H[i][j] = v;
      H[j][i] = v;
    }
  }
  return H;
}

/**
 * Inverse of a square matrix by Gauss–Jordan elimination with partial pivoting.
 * @throws Error when the matrix is not square or is singular to working precision
 */
export function invertMatrix(m: readonly (readonly number[])[]): number[][] {
  const n = m.length;
  const a = m.map((row) => {
    if (row.length !== n) throw new Error("invertMatrix: not a square matrix");
    return [...row, ...Array.from({ length: n }, () => 0)];
  });
  for (let i = 0; i < n; i++) a[i][n + i] = 1;
  const scale = Math.max(...m.flat().map(Math.abs));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (!(Math.abs(a[pivot][col]) > 1e-14 * scale)) throw new Error("invertMatrix: singular matrix");
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const p = a[col][col];
    for (let k = 0; k < 2 * n; k++) a[col][k] /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r][col];
      if (factor === 0) continue;
      for (let k = 0; k < 2 * n; k++) a[r][k] -= factor * a[col][k];
    }
  }
  return a.map((row) => row.slice(n));
}

/**
 * Asymptotic standard errors of positive ML estimates θ̂ from the Hessian of the negative
 * log-likelihood in u = ln θ at the optimum: Cov(û) = H_u⁻¹ (observed information), and by the
 * delta method Cov(θ̂) = diag(θ̂) H_u⁻¹ diag(θ̂), so se(θ̂_i) = θ̂_i √(H_u⁻¹)_ii. At the optimum
 * this equals inverting the Hessian in θ directly, because the gradient term vanishes.
 *
 * Returns NaN for a coordinate whose variance comes out negative or when H_u is singular (the
 * optimum is then not a proper interior maximum).
 */
export function standardErrorsFromLogHessian(hessianLog: readonly (readonly number[])[], theta: readonly number[]): number[] {
  let inverse: number[][];
  try {
    inverse = invertMatrix(hessianLog);
  } catch {
    return theta.map(() => NaN);
  }
  return theta.map((t, i) => (inverse[i][i] > 0 ? t * Math.sqrt(inverse[i][i]) : NaN));
}
