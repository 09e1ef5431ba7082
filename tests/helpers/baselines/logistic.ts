/**
 * L2-regularised logistic regression fitted by Newton–Raphson (equivalently iteratively
 * reweighted least squares, IRLS): the reference baseline the churn GBDT is compared with on
 * Telco (tests/unit/models-telco.test.ts). Test code only: no product path fits it.
 *
 * Objective (minimised): Σ_i [log(1 + e^{z_i}) − y_i z_i] + (l2 / 2) ‖β‖², z_i = b + x_i·β,
 * the intercept b unpenalised. With l2 = 1/C this is scikit-learn's
 * LogisticRegression(penalty="l2", C) for the lbfgs / newton-cg solvers (which do not penalise
 * the intercept); tests/fixtures/models/logistic.json checks the coefficients to 1e-5.
 *
 * Newton step (Hastie, Tibshirani & Friedman 2009, "The Elements of Statistical Learning",
 * 2nd ed., §4.4.1, eqs. 4.21–4.28; the penalty adds l2·β to the gradient and l2 to the
 * Hessian's diagonal):
 *   gradient  g = Xᵀ(p − y) + l2·β,   Hessian  H = Xᵀ W X + l2·I (0 on the intercept),
 *   W = diag(p_i (1 − p_i)),  θ ← θ − H⁻¹ g,
 * solved by Cholesky; a step that does not lower the objective is halved (the objective is
 * convex, so halving always ends), which keeps separable data from diverging when l2 = 0.
 */
import { sigmoid } from "@/lib/models/tree";

export interface LogisticModel {
  /** One coefficient per feature (log-odds per unit of the feature). */
  coefficients: Float64Array;
  /** Intercept (log-odds at x = 0). */
  intercept: number;
  /** Newton iterations run. */
  iterations: number;
  /** True when the step fell below tolerance before maxIterations. */
  converged: boolean;
}

/** Objective value at (intercept, beta); stable form of log(1 + e^z) − y z. */
function objective(X: readonly (readonly number[])[], y: readonly number[], theta: Float64Array, l2: number): number {
  const k = theta.length - 1;
  let s = 0;
  for (let i = 0; i < X.length; i++) {
    let z = theta[0];
    const row = X[i];
    for (let j = 0; j < k; j++) z += row[j] * theta[j + 1];
    s += Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - y[i] * z;
  }
  let r = 0;
  for (let j = 1; j <= k; j++) r += theta[j] * theta[j];
  return s + 0.5 * l2 * r;
}

/** Solves A x = b for symmetric positive-definite A (row-major, size m×m) by Cholesky. */
function choleskySolve(A: Float64Array, b: Float64Array, m: number): Float64Array {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        if (!(s > 0)) throw new Error("fitLogisticRegression: Hessian is not positive definite (collinear columns with l2 = 0?)");
        L[i * m + i] = Math.sqrt(s);
      } else {
        L[i * m + j] = s / L[j * m + j];
      }
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * z[k];
    z[i] = s / L[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * x[k];
    x[i] = s / L[i * m + i];
  }
  return x;
}

/**
 * Fits the model above by damped Newton–Raphson.
 * @param X rows × features, finite numbers (impute and standardise first: tests/helpers/baselines/features.ts).
 * @param y labels 0/1, one per row.
 * @param opts.l2 ridge strength λ ≥ 0 on the coefficients (= 1/C of scikit-learn); default 1.
 * @param opts.maxIterations Newton iterations at most; default 100. Convergence: the largest
 *   step component below 1e-10 (in coefficient units).
 * @throws Error on empty/ragged input, non-finite values, labels other than 0/1, l2 < 0, or a
 *   singular Hessian (only possible with l2 = 0).
 */
export function fitLogisticRegression(
  X: readonly (readonly number[])[],
  y: readonly number[],
  opts: { l2?: number; maxIterations?: number } = {},
): LogisticModel {
  const l2 = opts.l2 ?? 1;
  const maxIterations = opts.maxIterations ?? 100;
  if (!(l2 >= 0)) throw new Error(`fitLogisticRegression: l2 ${l2} must be ≥ 0`);
  const n = X.length;
  if (n === 0) throw new Error("fitLogisticRegression: no rows");
  if (y.length !== n) throw new Error(`fitLogisticRegression: ${n} rows but ${y.length} labels`);
  const k = X[0].length;
  for (let i = 0; i < n; i++) {
    if (X[i].length !== k) throw new Error(`fitLogisticRegression: row ${i} has ${X[i].length} values, expected ${k}`);
    for (let j = 0; j < k; j++) if (!Number.isFinite(X[i][j])) throw new Error(`fitLogisticRegression: X[${i}][${j}] = ${X[i][j]} is not finite`);
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`fitLogisticRegression: label ${y[i]} at row ${i} is not 0 or 1`);
  }
  const m = k + 1; // θ = (intercept, β)
  let theta = new Float64Array(m);
  let current = objective(X, y, theta, l2);
  let iterations = 0;
  let converged = false;
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  const xi = new Float64Array(m);
  while (iterations < maxIterations) {
    iterations++;
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      xi[0] = 1;
      const row = X[i];
      for (let j = 0; j < k; j++) xi[j + 1] = row[j];
      let z = 0;
      for (let j = 0; j < m; j++) z += xi[j] * theta[j];
      const p = sigmoid(z);
      const r = p - y[i];
      const w = p * (1 - p);
      for (let a = 0; a < m; a++) {
        grad[a] += r * xi[a];
        const wa = w * xi[a];
        for (let b = 0; b <= a; b++) hess[a * m + b] += wa * xi[b];
      }
    }
    for (let a = 1; a < m; a++) {
      grad[a] += l2 * theta[a];
      hess[a * m + a] += l2;
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[b * m + a] = hess[a * m + b];
    const step = choleskySolve(hess, grad, m);
    let t = 1;
    let next = new Float64Array(m);
    let value = Infinity;
    for (let halvings = 0; halvings < 60; halvings++) {
      for (let a = 0; a < m; a++) next[a] = theta[a] - t * step[a];
      value = objective(X, y, next, l2);
      if (value <= current) break;
      t /= 2;
    }
    let maxStep = 0;
    for (let a = 0; a < m; a++) maxStep = Math.max(maxStep, Math.abs(next[a] - theta[a]));
    if (value <= current) {
      theta = next;
      current = value;
      next = new Float64Array(m);
    }
    if (maxStep < 1e-10 || value > current) {
      // A step too small to matter, or no step that lowers the objective (we are at float
      // precision of the optimum): either way Newton has converged.
      converged = true;
      break;
    }
  }
  return { coefficients: theta.slice(1), intercept: theta[0], iterations, converged };
}

/**
 * Probability of the positive class, sigmoid(intercept + x·coefficients).
 * @param x one row, same columns (and the same encoding/standardisation) as in fitting.
 */
export function predictLogistic(model: Pick<LogisticModel, "coefficients" | "intercept">, x: ArrayLike<number>): number {
  let z = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++) z += model.coefficients[j] * x[j];
  return sigmoid(z);
}
