/*
 * The MBG/NBD model of repeat buying (pure math, no I/O).
 *
 * Source: Batislam, E.P., Denizel, M. & Filiztekin, A. (2007), "Empirical validation and
 * comparison of models for customer base analysis", International Journal of Research in
 * Marketing 24(3), 201–209 ("BDF 2007"); the same model as Hoppe & Wagner (2007), "Customer base
 * analysis: the case for a central variant of the Betageometric/NBD model", and as BTYDplus's
 * `mbgnbd.*` (M. Platzer) and lifetimes' ModifiedBetaGeoFitter.
 *
 * Assumptions: while active a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
 * at EVERY purchase, the first included, they become inactive with probability p ~ Beta(a, b).
 * The one difference from BG/NBD (Fader, Hardie & Lee 2005, lib/models/bgnbd.ts) is "the first
 * included": BG/NBD lets a customer drop out only after a repeat purchase, so a customer who
 * bought once is alive with certainty (P(alive) = 1 at x = 0, however long ago), which is what
 * made a year-old one-time buyer read "100 % active". Here a one-time buyer's P(alive) falls as
 * their silence grows.
 *
 * Time is in the caller's unit (weeks in the product): α is in that unit, r, a, b have none.
 * Checked against BTYDplus's CDNOW estimates and an independent SciPy implementation
 * (scripts/fixtures/make_mbgnbd_fixture.py → tests/fixtures/models/mbgnbd.json,
 * tests/unit/models-mbgnbd.test.ts).
 */

import type { BgNbdParams, RfmSummary } from "./bgnbd";
import { minimizePositive, numericalHessian, standardErrorsFromLogHessian } from "./optimize";
import { hyp2f1Tail, lnRisingFactorial } from "./specialFunctions";

/** r, α (Gamma over λ; α in the time unit), a, b (Beta over p): the BG/NBD parameter names. */
export type MbgNbdParams = BgNbdParams;

/** A maximum-likelihood fit. */
export interface MbgNbdFit {
  params: MbgNbdParams;
  /** Σ_i ln L_i at the estimate with every constant (comparable to BTYDplus `mbgnbd.cbs.LL`). */
  logLikelihood: number;
  /** Asymptotic standard errors (inverse observed information, delta method from log-scale). */
  standardErrors: MbgNbdParams;
  /** Nelder–Mead iterations. */
  iterations: number;
  converged: boolean;
  /** Customers in the data. */
  customers: number;
}

const PARAM_NAMES = ["r", "alpha", "a", "b"] as const;

function checkParams(p: MbgNbdParams): void {
  for (const k of PARAM_NAMES) {
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new RangeError(`MBG/NBD: ${k} must be positive and finite, got ${p[k]}`);
  }
}

function checkCustomer(c: RfmSummary, i?: number): void {
  const where = i === undefined ? "" : ` (customer #${i})`;
  if (!Number.isInteger(c.x) || c.x < 0) throw new RangeError(`MBG/NBD: x must be a whole number ≥ 0, got ${c.x}${where}`);
  if (!(c.T >= 0) || !Number.isFinite(c.T)) throw new RangeError(`MBG/NBD: T must be finite and ≥ 0, got ${c.T}${where}`);
  if (!(c.tx >= 0) || !(c.tx <= c.T)) throw new RangeError(`MBG/NBD: need 0 ≤ tx ≤ T, got tx=${c.tx}, T=${c.T}${where}`);
}

/**
 * Identical (x, t_x, T) merged with a weight: the likelihood is a weighted sum over patterns.
 * The distinct values of T and of t_x are kept apart with an index per pattern, so that one
 * evaluation takes ln(α + T) and ln(α + t_x) once per distinct value, not once per pattern: the
 * product's times are whole days in weeks, a few hundred distinct values under thousands of
 * patterns (the same logarithms of the same arguments, so the same sum to the bit).
 */
interface Compiled {
  /** Index into `xs` per pattern. */
  xIndex: Int32Array;
  /** Distinct x values. */
  xs: number[];
  tx: Float64Array;
  T: Float64Array;
  /** Distinct T values and, per pattern, the index of its T among them. */
  Ts: Float64Array;
  TIndex: Int32Array;
  /** Distinct t_x values and, per pattern, the index of its t_x among them. */
  txs: Float64Array;
  txIndex: Int32Array;
  weight: Float64Array;
  customers: number;
}

/** The distinct values of `values` (first-seen order) and each value's index among them. */
function distinctIndex(values: Float64Array): { distinct: Float64Array; index: Int32Array } {
  const at = new Map<number, number>();
  const distinct: number[] = [];
  const index = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let k = at.get(values[i]);
    if (k === undefined) {
      k = distinct.length;
      at.set(values[i], k);
      distinct.push(values[i]);
    }
    index[i] = k;
  }
  return { distinct: Float64Array.from(distinct), index };
}

function compile(data: readonly RfmSummary[]): Compiled {
  const at = new Map<string, number>();
  const rows: { x: number; tx: number; T: number; w: number }[] = [];
  data.forEach((c, i) => {
    checkCustomer(c, i);
    const tx = c.x === 0 ? 0 : c.tx;
    const key = `${c.x} ${tx} ${c.T}`;
    const k = at.get(key);
    if (k !== undefined) rows[k].w += 1;
    else {
      at.set(key, rows.length);
      rows.push({ x: c.x, tx, T: c.T, w: 1 });
    }
  });
  const xs = [...new Set(rows.map((r) => r.x))];
  const pos = new Map(xs.map((x, k) => [x, k]));
  const tx = Float64Array.from(rows, (r) => r.tx);
  const T = Float64Array.from(rows, (r) => r.T);
  const byT = distinctIndex(T);
  const byTx = distinctIndex(tx);
  return {
    xIndex: Int32Array.from(rows, (r) => pos.get(r.x)!),
    xs,
    tx,
    T,
    Ts: byT.distinct,
    TIndex: byT.index,
    txs: byTx.distinct,
    txIndex: byTx.index,
    weight: Float64Array.from(rows, (r) => r.w),
    customers: data.length,
  };
}

/**
 * Σ ln L_i over compiled data, BDF 2007's likelihood: the customer either is still active at T,
 * or dropped out at their last purchase (at t_x, or at the first purchase when x = 0):
 *   L = Γ(r+x) α^r / Γ(r) · [ B(a, b+x+1)/B(a,b) · (α+T)^−(r+x) + B(a+1, b+x)/B(a,b) · (α+t_x)^−(r+x) ].
 * With rising factorials, B(a, b+x+1)/B(a,b) = (b)_{x+1}/(a+b)_{x+1} and
 * B(a+1, b+x)/B(a,b) = a (b)_x/(a+b)_{x+1}. The x-only parts are computed once per distinct x.
 */
function compiledLogLikelihood(p: MbgNbdParams, d: Compiled): number {
  const { r, alpha, a, b } = p;
  const common = new Float64Array(d.xs.length);
  const aliveX = new Float64Array(d.xs.length);
  const droppedX = new Float64Array(d.xs.length);
  for (let k = 0; k < d.xs.length; k++) {
    const x = d.xs[k];
    const lnBx = lnRisingFactorial(b, x);
    common[k] = lnRisingFactorial(r, x) + r * Math.log(alpha) - lnRisingFactorial(a + b, x + 1);
    aliveX[k] = lnBx + Math.log(b + x);
    droppedX[k] = lnBx + Math.log(a);
  }
  const lnAlphaT = new Float64Array(d.Ts.length);
  for (let j = 0; j < d.Ts.length; j++) lnAlphaT[j] = Math.log(alpha + d.Ts[j]);
  const lnAlphaTx = new Float64Array(d.txs.length);
  for (let j = 0; j < d.txs.length; j++) lnAlphaTx[j] = Math.log(alpha + d.txs[j]);
  let sum = 0;
  for (let i = 0; i < d.weight.length; i++) {
    const k = d.xIndex[i];
    const rx = r + d.xs[k];
    const alive = aliveX[k] - rx * lnAlphaT[d.TIndex[i]];
    const dropped = droppedX[k] - rx * lnAlphaTx[d.txIndex[i]];
    // logAddExp(alive, dropped), written out in this hot loop (the same operations); neither term
    // is −∞ here (a parameter that underflowed to 0 makes `dropped` −∞, which gives `alive`, as there).
    const both = alive > dropped ? alive + Math.log1p(Math.exp(dropped - alive)) : dropped + Math.log1p(Math.exp(alive - dropped));
    sum += d.weight[i] * (common[k] + both);
  }
  return sum;
}

/**
 * The MBG/NBD log-likelihood Σ_i ln L(r, α, a, b | x_i, t_x,i, T_i) with all constants
 * (BDF 2007; −9582.13 on CDNOW at its optimum, as BTYDplus `mbgnbd.cbs.LL`).
 *
 * @param data one summary per customer, in the time unit of α
 * @throws RangeError for non-positive parameters or an invalid summary (x not whole, tx > T…)
 */
export function mbgNbdLogLikelihood(params: MbgNbdParams, data: readonly RfmSummary[]): number {
  checkParams(params);
  return compiledLogLikelihood(params, compile(data));
}

/**
 * The upper bound on every parameter during the fit, as BTYDplus's `max.param.value` (10,000).
 * Small or very regular data can make the likelihood keep rising as (r, α) or (a, b) grow
 * together (the limits of a common purchase rate or a common drop-out chance); the bound stops
 * the run-off where the model already is that limit, and keeps ₂F₁'s series short.
 */
const MAX_PARAM = 10_000;

const toParams = (v: readonly number[]): MbgNbdParams => ({
  r: Math.min(v[0], MAX_PARAM),
  alpha: Math.min(v[1], MAX_PARAM),
  a: Math.min(v[2], MAX_PARAM),
  b: Math.min(v[3], MAX_PARAM),
});

/**
 * Maximum-likelihood fit of the MBG/NBD model: Nelder–Mead on ln(r, α, a, b) minimising the mean
 * negative log-likelihood (lib/models/optimize.ts). Starts (unless `initial` is given): r = 1,
 * α = ΣT / Σx, and (a, b) = (1, 1) and (0.01, 10), each screened (to 1e-3 in log-parameters, at
 * most 1,500 steps), the better one refined to 1e-9 from a simplex of 0.01; every parameter bounded by 10,000 (BTYDplus's default); standard errors from a
 * central-difference Hessian in log-parameters (not finite at the bound).
 *
 * A fit with a → 0 (and p's mean a/(a+b) ≈ 0) is a real answer, not a failure: the data show no
 * dropout that slow buying does not explain as well (UCI Online Retail does this; see
 * docs/models/clv.md). P(alive) is then ≈ 1 for everyone, and "will buy again within 12 months"
 * ({@link probabilityPurchaseWithin}) is the number that still separates customers.
 *
 * @returns parameters in the time unit of the data, total log-likelihood, standard errors
 * @throws RangeError on invalid data, or when there are no customers or no repeat purchase at all
 */
export function fitMbgNbd(
  data: readonly RfmSummary[],
  opts: { initial?: MbgNbdParams; maxIterations?: number; tolerance?: number } = {},
): MbgNbdFit {
  const d = compile(data);
  if (d.customers === 0) throw new RangeError("fitMbgNbd: no customers");
  let repeat = 0;
  let age = 0;
  for (let i = 0; i < d.weight.length; i++) {
    repeat += d.weight[i] * d.xs[d.xIndex[i]];
    age += d.weight[i] * d.T[i];
  }
  if (repeat === 0) throw new RangeError("fitMbgNbd: no repeat purchases, the model is not identified");
  if (opts.initial) checkParams(opts.initial);
  const negMean = (v: readonly number[]) => -compiledLogLikelihood(toParams(v), d) / d.customers;
  const alpha0 = Math.max(age / repeat, 1e-6);
  // The likelihood can be nearly flat along a ridge towards a → 0, b → ∞ (no dropout): a simplex
  // started at a = b = 1 may crawl along it for thousands of steps. So: a short screening run
  // from each start (an even dropout, a rare one), then the best is refined. The screens only
  // pick the start of the refinement, so they stop at 1e-3 in log-parameters (1e-6 in the mean
  // log-likelihood), and the refinement's simplex starts at 0.01 around that point: about 30 %
  // fewer evaluations than screens run to 1e-6 and a refinement from 0.1 (issue 17's job time;
  // the refinement's tolerances, hence the optimum, are unchanged: docs/performance.md).
  const starts = opts.initial
    ? [opts.initial]
    : [
        { r: 1, alpha: alpha0, a: 1, b: 1 },
        { r: 1, alpha: alpha0, a: 0.01, b: 10 },
      ];
  const screen = starts.map((s) =>
    minimizePositive(negMean, [s.r, s.alpha, s.a, s.b], { step: 0.5, xTolerance: 1e-3, fTolerance: 1e-6, maxIterations: 1_500 }),
  );
  const best = screen.reduce((m, s) => (s.fx < m.fx ? s : m));
  const result = minimizePositive(negMean, best.x, {
    step: 0.01,
    xTolerance: opts.tolerance ?? 1e-9,
    fTolerance: 1e-13,
    maxIterations: opts.maxIterations ?? 20_000,
  });
  const params = toParams(result.x);
  const atBound = result.x.map((v) => v >= MAX_PARAM);
  const negTotalLog = (u: readonly number[]) => -compiledLogLikelihood(toParams(u.map(Math.exp)), d);
  const theta = [params.r, params.alpha, params.a, params.b];
  const se = atBound.some(Boolean)
    ? theta.map(() => Number.NaN)
    : standardErrorsFromLogHessian(numericalHessian(negTotalLog, theta.map(Math.log)), theta);
  return {
    params,
    logLikelihood: compiledLogLikelihood(params, d),
    standardErrors: toParams(se),
    iterations: result.iterations,
    converged: result.converged,
    customers: d.customers,
  };
}

/**
 * ln of the odds "dropped out" : "still active" given the summary, the ratio of the two terms
 * of the likelihood: ln(a / (b + x)) + (r + x) ln((α + T) / (α + t_x)).
 */
function logOddsDropped(p: MbgNbdParams, c: RfmSummary): number {
  const tx = c.x === 0 ? 0 : c.tx;
  return Math.log(p.a / (p.b + c.x)) + (p.r + c.x) * Math.log((p.alpha + c.T) / (p.alpha + tx));
}

/**
 * P(alive at T | x, t_x, T): Bayes' theorem on the two terms of the likelihood (BDF 2007;
 * BTYDplus `mbgnbd.PAlive`):
 *   P = 1 / (1 + a / (b + x) · ((α + T) / (α + t_x))^(r + x)),  for every x ≥ 0 (t_x = 0 when x = 0).
 * A customer who bought once T units ago: 1 / (1 + a/b · ((α + T)/α)^r), which falls with T.
 *
 * @throws RangeError for invalid parameters or summary
 */
export function probabilityAliveMbg(params: MbgNbdParams, c: RfmSummary): number {
  checkParams(params);
  checkCustomer(c);
  const logOdds = logOddsDropped(params, c);
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/**
 * P(at least one purchase in (T, T + t] | x, t_x, T): active with P(alive), and then λ's
 * posterior is Gamma(r + x, α + T), so no purchase in t has probability ((α+T)/(α+T+t))^(r+x)
 * (a dropout happens only at a purchase, so an active customer's next purchase does happen):
 *   P = P(alive) · (1 − ((α + T) / (α + T + t))^(r + x)).
 * This is the observable "will buy again within t" that the product shows first; it can be
 * checked on a holdout period, which P(alive) cannot.
 *
 * @param t horizon in the fit's time unit, ≥ 0 (52 weeks for "within 12 months")
 * @throws RangeError for invalid parameters, summary or t
 */
export function probabilityPurchaseWithin(params: MbgNbdParams, c: RfmSummary, t: number): number {
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`probabilityPurchaseWithin: t must be finite and ≥ 0, got ${t}`);
  const alive = probabilityAliveMbg(params, c);
  if (t === 0) return 0;
  return -alive * Math.expm1((params.r + c.x) * Math.log((params.alpha + c.T) / (params.alpha + c.T + t)));
}

/** Above this a, {@link expectedPurchasesMbg} sums the plain series instead of the transformed one. */
const LARGE_A = 50;

/**
 * ln ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1 (A&S 15.1.1), every term positive, summed in
 * logs with a running maximum, so that terms far beyond 1e308 cause no overflow. Stops once the
 * terms decrease for good (past the larger root of the ratio's parabola) and the last term is
 * below e^−39 (1e-17) of the sum, the geometric rest included.
 * @throws RangeError when it has not converged within 10,000,000 terms
 */
function lnHyp2f1Positive(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 0;
  let lnTerm = 0;
  let max = 0;
  let scaled = 1; // Σ exp(ln t_n − max)
  // Past the larger root of z(a+n)(b+n) − (c+n)(n+1) (a downward parabola in n) the ratio stays
  // below 1 for good; before it a small term may precede growing ones.
  const qa = z - 1;
  const qb = z * (a + b) - (c + 1);
  const qc = z * a * b - c;
  const disc = qb * qb - 4 * qa * qc;
  const settled = disc >= 0 ? Math.max(0, (-qb - Math.sqrt(disc)) / (2 * qa)) : 0;
  for (let n = 0; n < 10_000_000; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    lnTerm += Math.log(ratio);
    if (lnTerm > max) {
      scaled = scaled * Math.exp(max - lnTerm) + 1;
      max = lnTerm;
    } else scaled += Math.exp(lnTerm - max);
    if (n > settled && ratio < 1 && lnTerm - max - Math.log(scaled) < -39 + Math.log1p(-ratio)) return max + Math.log(scaled);
  }
  throw new RangeError(`lnHyp2f1Positive: series did not converge (a=${a}, b=${b}, c=${c}, z=${z})`);
}

/**
 * E[X(T, T + t) | x, t_x, T]: expected purchases in the next t time units (BDF 2007; BTYDplus
 * `mbgnbd.ConditionalExpectedTransactions`):
 *
 *   E = (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; z)] / D,
 *   z = t / (α+T+t),  D = 1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x).
 *
 * Evaluated as lib/models/bgnbd.ts evaluates FHL 2005 eq. (10): Euler's transformation
 * (Abramowitz & Stegun 15.3.3) turns (1−z)^(r+x) ₂F₁(r+x, b+x+1; C; z) into
 * (1−z)^(a−1) ₂F₁(a+b−r, a−1; C; z) with C = a+b+x, whose terms decay for every x, and the
 * (a−1) factor is divided out so a = 1 is no singularity:
 *   E = C · [−expm1((a−1) ln(1−z)) / (a−1) − (1−z)^(a−1) G] / D,
 *   G = Σ_{n≥1} (a+b−r)_n (a)_{n−1} zⁿ / ((C)_n n!).
 * For a > 50 (fits at the parameter bound), or when the transformed sum is not finite, the plain
 * series is summed in logs instead (lnHyp2f1Positive).
 *
 * @param t horizon in the fit's time unit, ≥ 0
 * @throws RangeError for invalid parameters, summary or t
 */
export function expectedPurchasesMbg(params: MbgNbdParams, c: RfmSummary, t: number): number {
  checkParams(params);
  checkCustomer(c);
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`expectedPurchasesMbg: t must be finite and ≥ 0, got ${t}`);
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const z = t / (alpha + c.T + t);
  const lnOneMinusZ = Math.log((alpha + c.T) / (alpha + c.T + t));
  const D = 1 + Math.exp(logOddsDropped(params, c));
  const plain = (): number => {
    // ln[(1 − z)^(r+x) ₂F₁(r+x, b+x+1; C; z)], the series summed in logs (all its terms are
    // positive): no overflow however large r, a or b (a fit at the parameter bound), where the
    // transformed series' terms grow like (a z)ⁿ / n! and (1 − z)^(a−1) underflows. The bracket's
    // cancellation costs about a·ε of relative precision; a − 1 is far from 0 here.
    const rx = r + c.x;
    const lnProduct = rx * lnOneMinusZ + lnHyp2f1Positive(rx, b + c.x + 1, a + b + c.x, z);
    return (((a + b + c.x) / (a - 1)) * -Math.expm1(lnProduct)) / D;
  };
  if (a > LARGE_A) return plain();
  const eps = a - 1;
  const expTerm = eps === 0 ? -lnOneMinusZ : -Math.expm1(eps * lnOneMinusZ) / eps;
  const A = a + b - r;
  const C = a + b + c.x;
  const G = hyp2f1Tail(A, a - 1, C, z, (A * z) / C);
  const numerator = C * (expTerm - Math.exp(eps * lnOneMinusZ) * G);
  const e = numerator / D;
  return Number.isFinite(e) || a <= 1.5 ? e : plain();
}
