/*
 * The BG/NBD model of repeat buying (pure math, no I/O).
 *
 * Source: Fader, P.S., Hardie, B.G.S. & Lee, K.L. (2005), "'Counting Your Customers' the Easy
 * Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275–284 ("FHL 2005").
 * Assumptions (FHL 2005, section 3): while active a customer buys as a Poisson process with rate
 * λ; after every repeat purchase they become inactive with probability p; λ ~ Gamma(r, α) (shape
 * r, rate α) and p ~ Beta(a, b) across customers, independently.
 *
 * Time is in the caller's unit (weeks or days): α is in that unit (a rate scale), r, a, b have
 * none, and every t, t_x, T passed in must use the same unit as the fit.
 *
 * Validated against the CDNOW 1/10 sample (tests/unit/models-bgnbd.test.ts, docs/models/clv.md).
 */

import { minimizePositive, numericalHessian, standardErrorsFromLogHessian } from "./optimize";
import { hyp2f1Tail, lnRisingFactorial, logAddExp } from "./specialFunctions";
import { beta as betaVariate, exponential, gamma as gammaVariate } from "@/lib/models/samplers";
import type { Rng } from "@/lib/models/prng";

/**
 * One customer's calibration summary (FHL 2005, section 2): `x` repeat purchase occasions (whole
 * number ≥ 0, the first purchase not counted), `tx` the time of the last one and `T` the time of
 * the end of calibration, both measured from the first purchase in the fit's time unit
 * (0 ≤ tx ≤ T; tx = 0 when x = 0).
 */
export interface RfmSummary {
  x: number;
  tx: number;
  T: number;
}

/** r, α (shape and rate of the Gamma over λ; α in the time unit), a, b (Beta over p). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A maximum-likelihood fit. */
export interface BgNbdFit {
  params: BgNbdParams;
  /** Σ_i ln L_i at the estimate, FHL 2005 eq. (6) with every constant (comparable to CLVTools, BTYD). */
  logLikelihood: number;
  /** Asymptotic standard errors (inverse observed information, delta method from log-scale). */
  standardErrors: BgNbdParams;
  /** Nelder–Mead iterations. */
  iterations: number;
  converged: boolean;
  /** Customers in the data. */
  customers: number;
}

const PARAM_NAMES = ["r", "alpha", "a", "b"] as const;

function checkParams(p: BgNbdParams): void {
  for (const k of PARAM_NAMES) {
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new RangeError(`BG/NBD: ${k} must be positive and finite, got ${p[k]}`);
  }
}

function checkCustomer(c: RfmSummary, i?: number): void {
  const where = i === undefined ? "" : ` (customer #${i})`;
  if (!Number.isInteger(c.x) || c.x < 0) throw new RangeError(`BG/NBD: x must be a whole number ≥ 0, got ${c.x}${where}`);
  if (!(c.T >= 0) || !Number.isFinite(c.T)) throw new RangeError(`BG/NBD: T must be finite and ≥ 0, got ${c.T}${where}`);
  if (!(c.tx >= 0) || !(c.tx <= c.T)) throw new RangeError(`BG/NBD: need 0 ≤ tx ≤ T, got tx=${c.tx}, T=${c.T}${where}`);
}

/**
 * The data in columns, identical (x, t_x, T) merged with a weight: real data in whole days
 * repeats patterns a lot, and the likelihood is a weighted sum over patterns.
 */
interface Compiled {
  /** Index into `xs` per pattern. */
  xIndex: Int32Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Distinct x values. */
  xs: number[];
  customers: number;
}

function compile(data: readonly RfmSummary[]): Compiled {
  const patterns = new Map<string, number>();
  const xs: number[] = [];
  const xPos = new Map<number, number>();
  const rows: { xi: number; tx: number; T: number; w: number }[] = [];
  data.forEach((c, i) => {
    checkCustomer(c, i);
    const tx = c.x === 0 ? 0 : c.tx;
    const key = `${c.x} ${tx} ${c.T}`;
    const at = patterns.get(key);
    if (at !== undefined) {
      rows[at].w += 1;
      return;
    }
    let xi = xPos.get(c.x);
    if (xi === undefined) {
      xi = xs.length;
      xs.push(c.x);
      xPos.set(c.x, xi);
    }
    patterns.set(key, rows.length);
    rows.push({ xi, tx, T: c.T, w: 1 });
  });
  return {
    xIndex: Int32Array.from(rows, (r) => r.xi),
    tx: Float64Array.from(rows, (r) => r.tx),
    T: Float64Array.from(rows, (r) => r.T),
    weight: Float64Array.from(rows, (r) => r.w),
    xs,
    customers: data.length,
  };
}

/**
 * Σ ln L over compiled data, FHL 2005 eq. (6) split as in Hardie's Excel note ("Implementing
 * the BG/NBD model for customer base analysis in Excel", 2005, note 004):
 *   ln L = A1 + A2 + ln(e^A3 + δ_{x>0} e^A4),
 *   A1 = ln Γ(r+x) − ln Γ(r) + r ln α,   A2 = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x),
 *   A3 = −(r+x) ln(α+T),                 A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
 * The x-only parts are computed once per distinct x.
 */
function compiledLogLikelihood(p: BgNbdParams, d: Compiled): number {
  const { r, alpha, a, b } = p;
  const nx = d.xs.length;
  const constant = new Float64Array(nx);
  const a4Constant = new Float64Array(nx);
  for (let k = 0; k < nx; k++) {
    const x = d.xs[k];
    constant[k] = lnRisingFactorial(r, x) + lnRisingFactorial(b, x) - lnRisingFactorial(a + b, x);
    a4Constant[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
  }
  const rLnAlpha = r * Math.log(alpha);
  let sum = 0;
  const n = d.weight.length;
  for (let i = 0; i < n; i++) {
    const k = d.xIndex[i];
    const rx = r + d.xs[k];
    const a3 = -rx * Math.log(alpha + d.T[i]);
    const c4 = a4Constant[k];
    const tail = c4 === -Infinity ? a3 : logAddExp(a3, c4 - rx * Math.log(alpha + d.tx[i]));
    sum += d.weight[i] * (constant[k] + tail);
  }
  return sum + rLnAlpha * d.customers;
}

/**
 * The BG/NBD log-likelihood Σ_i ln L(r, α, a, b | x_i, t_x,i, T_i), FHL 2005 eq. (6), with all
 * constants (the value CLVTools and BTYD report: −9582.43 on CDNOW at the published estimates).
 *
 * @param data one summary per customer, in the time unit of α
 * @throws RangeError for non-positive parameters or an invalid summary (x not whole, tx > T…)
 */
export function bgNbdLogLikelihood(params: BgNbdParams, data: readonly RfmSummary[]): number {
  checkParams(params);
  return compiledLogLikelihood(params, compile(data));
}

const toParams = (v: readonly number[]): BgNbdParams => ({ r: v[0], alpha: v[1], a: v[2], b: v[3] });

/**
 * Maximum-likelihood fit of the BG/NBD model (FHL 2005, section 4: maximise the sum of eq. (6)).
 *
 * Nelder–Mead on ln(r, α, a, b) (lib/models/optimize.ts), minimising the mean negative
 * log-likelihood so the tolerances do not depend on the number of customers. Start: r = 1,
 * α = ΣT / Σx (so that the prior mean rate r/α equals the pooled repeat rate), a = b = 1, unless
 * `initial` is given. Standard errors: observed information from a central-difference Hessian in
 * log-parameters, mapped to the natural scale by the delta method.
 *
 * @param opts.initial      starting parameters
 * @param opts.maxIterations simplex iteration cap (default 20,000)
 * @param opts.tolerance    convergence tolerance on ln-parameters (default 1e-9)
 * @returns parameters in the time unit of the data, total log-likelihood, standard errors
 * @throws RangeError on invalid data, or when there are no customers or no repeat purchase at all
 *         (the likelihood then has no interior maximum)
 */
export function fitBgNbd(
  data: readonly RfmSummary[],
  opts: { initial?: BgNbdParams; maxIterations?: number; tolerance?: number } = {},
): BgNbdFit {
  const d = compile(data);
  if (d.customers === 0) throw new RangeError("fitBgNbd: no customers");
  let repeat = 0;
  let age = 0;
  for (let i = 0; i < d.weight.length; i++) {
    repeat += d.weight[i] * d.xs[d.xIndex[i]];
    age += d.weight[i] * d.T[i];
  }
  if (repeat === 0) throw new RangeError("fitBgNbd: no repeat purchases, the model is not identified");
  if (opts.initial) checkParams(opts.initial);
  const start = opts.initial ?? { r: 1, alpha: Math.max(age / repeat, 1e-6), a: 1, b: 1 };
  const negMean = (v: readonly number[]) => -compiledLogLikelihood(toParams(v), d) / d.customers;

  const result = minimizePositive(negMean, [start.r, start.alpha, start.a, start.b], {
    // A wide first simplex (×1.65 per axis) explores; the restarts then refine.
    step: 0.5,
    xTolerance: opts.tolerance ?? 1e-9,
    fTolerance: 1e-13,
    maxIterations: opts.maxIterations ?? 20_000,
  });
  const params = toParams(result.x);
  const logLikelihood = compiledLogLikelihood(params, d);
  const negTotalLog = (u: readonly number[]) => -compiledLogLikelihood(toParams(u.map(Math.exp)), d);
  const hessian = numericalHessian(negTotalLog, result.x.map(Math.log));
  const se = standardErrorsFromLogHessian(hessian, result.x);
  return {
    params,
    logLikelihood,
    standardErrors: toParams(se),
    iterations: result.iterations,
    converged: result.converged,
    customers: d.customers,
  };
}

/**
 * P(alive at T | x, t_x, T): the probability that the customer has not dropped out after the
 * last purchase. Bayes' theorem on the two terms of FHL 2005 eq. (6) (Fader, Hardie & Lee 2008,
 * "Computing P(alive) using the BG/NBD model", note 021):
 *   P = 1 / (1 + δ_{x>0} · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)),  and 1 when x = 0.
 *
 * @throws RangeError for invalid parameters or summary
 */
export function probabilityAlive(params: BgNbdParams, c: RfmSummary): number {
  checkParams(params);
  checkCustomer(c);
  if (c.x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a / (b + c.x - 1)) + (r + c.x) * Math.log((alpha + c.T) / (alpha + c.tx));
  // 1 / (1 + e^logOdds), written to stay exact for large |logOdds|.
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/**
 * E[X(T, T + t) | x, t_x, T]: expected repeat purchases in the next t time units of a customer
 * with summary (x, t_x, T), FHL 2005 eq. (10):
 *
 *   E = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)] / D,
 *   z = t / (α+T+t),  D = 1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x).
 *
 * Evaluated without overflow or the a = 1 singularity: Euler's transformation (Abramowitz &
 * Stegun 15.3.3) turns the bracket into 1 − (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose
 * series terms decay for every x (the untransformed terms grow like n^(r+x−a) before decaying:
 * the "#NUM!" problem of Fader & Hardie 2013, note 027). Writing (a−1)_n = (a−1)(a)_{n−1}:
 *
 *   E = (a+b+x−1) · [−expm1((a−1) ln(1−z)) / (a−1) − (1−z)^(a−1) G] / D,
 *   G = Σ_{n≥1} (a+b−1−r)_n (a)_{n−1} zⁿ / ((a+b+x−1)_n n!),
 *
 * which tends to its limit as a → 1 (−expm1(εL)/ε → −L).
 *
 * @param t horizon in the fit's time unit, ≥ 0 (t = 39 weeks for the CDNOW holdout)
 * @throws RangeError for invalid parameters, summary or t
 */
export function expectedPurchases(params: BgNbdParams, c: RfmSummary, t: number): number {
  checkParams(params);
  checkCustomer(c);
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`expectedPurchases: t must be finite and ≥ 0, got ${t}`);
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const { x, tx, T } = c;
  const z = t / (alpha + T + t);
  const lnOneMinusZ = Math.log((alpha + T) / (alpha + T + t));
  const eps = a - 1;
  const expTerm = eps === 0 ? -lnOneMinusZ : -Math.expm1(eps * lnOneMinusZ) / eps;
  const A = a + b - 1 - r;
  const C = a + b + x - 1;
  const G = hyp2f1Tail(A, a - 1, C, z, (A * z) / C);
  const numerator = C * (expTerm - Math.exp(eps * lnOneMinusZ) * G);
  const D = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 1;
  return numerator / D;
}

/**
 * E[X(t)]: expected repeat purchases of a new customer in the first t time units after the first
 * purchase, FHL 2005 eq. (9):
 *   E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))],
 * which is eq. (10) at x = 0, t_x = 0, T = 0, and is evaluated that way.
 *
 * @param t time in the fit's unit, ≥ 0
 * @throws RangeError for invalid parameters or t
 */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  return expectedPurchases(params, { x: 0, tx: 0, T: 0 }, t);
}

/**
 * Draws summaries from the BG/NBD generative process (FHL 2005, section 3): per customer
 * λ ~ Gamma(r, α), p ~ Beta(a, b); from the first purchase at time 0, purchases arrive at
 * exponential(λ) gaps; after each repeat purchase the customer drops out with probability p.
 * Used by tests and the benchmark to check that fitBgNbd recovers known parameters.
 *
 * @param ages each customer's T (time from first purchase to the end of calibration)
 * @param rng  a seeded generator (lib/models/prng), so draws are reproducible
 * @throws RangeError for invalid parameters or a negative age
 */
export function simulateBgNbd(params: BgNbdParams, ages: readonly number[], rng: Rng): RfmSummary[] {
  checkParams(params);
  return ages.map((T) => {
    if (!(T >= 0) || !Number.isFinite(T)) throw new RangeError(`simulateBgNbd: age must be finite and ≥ 0, got ${T}`);
    const lambda = gammaVariate(rng, params.r, params.alpha);
    const p = betaVariate(rng, params.a, params.b);
    let x = 0;
    let tx = 0;
    let time = 0;
    for (;;) {
      time += exponential(rng, lambda);
      if (time > T) break;
      x++;
      tx = time;
      if (rng.next() < p) break;
    }
    return { x, tx, T };
  });
}
