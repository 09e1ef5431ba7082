import { lnGamma } from "@/lib/stats";
import type { Rng } from "./prng";

/**
 * Random variate samplers over an `Rng`. Parameterisations follow the BG/NBD paper (Fader,
 * Hardie & Lee 2005): Gamma(shape r, rate α) has mean r/α; Beta(a, b) has mean a/(a+b).
 */

/**
 * Standard normal N(0, 1) by Marsaglia's polar method (Marsaglia & Bray, "A convenient method
 * for generating normal variables", SIAM Review 6(3), 1964). Draws pairs; the second value of a
 * pair is cached per Rng, which keeps the stream deterministic.
 */
export function normal(rng: Rng): number {
  const cached = rng.spareNormal;
  if (!Number.isNaN(cached)) {
    rng.spareNormal = Number.NaN;
    return cached;
  }
  let u: number;
  let v: number;
  let s: number;
  do {
    u = 2 * rng.next() - 1;
    v = 2 * rng.next() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s === 0);
  const f = Math.sqrt((-2 * Math.log(s)) / s);
  rng.spareNormal = v * f;
  return u * f;
}

/** Lognormal: exp(mu + sigma Z), Z ~ N(0, 1); median exp(mu), mean exp(mu + sigma²/2). */
export function lognormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normal(rng));
}

/** Exponential with the given rate (mean 1/rate), by inversion. */
export function exponential(rng: Rng, rate: number): number {
  return -Math.log(rng.next()) / rate;
}

/**
 * Gamma(shape, rate): mean shape/rate, variance shape/rate². Marsaglia & Tsang, "A simple
 * method for generating gamma variables", ACM TOMS 26(3), 2000: squeeze-and-reject on
 * d·(1 + cZ)³ with d = shape − 1/3, c = 1/√(9d). For shape < 1 it uses their boost
 * Gamma(shape) = Gamma(shape + 1) · U^(1/shape) (same paper, section 6).
 */
export function gamma(rng: Rng, shape: number, rate: number): number {
  if (!(shape > 0) || !(rate > 0)) throw new RangeError(`gamma: shape ${shape}, rate ${rate}`);
  if (shape < 1) {
    return gamma(rng, shape + 1, rate) * Math.pow(rng.next(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return (d * v) / rate;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** Beta(a, b) as X/(X+Y) with X ~ Gamma(a, 1), Y ~ Gamma(b, 1) (e.g. Devroye 1986, IX.4). */
export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a, 1);
  const y = gamma(rng, b, 1);
  return x / (x + y);
}

/**
 * Poisson(mean). Below mean 10: Knuth's multiplication method (TAOCP vol. 2, 3.4.1). From 10
 * up: Hörmann's PTRS transformed rejection with squeeze ("The transformed rejection method for
 * generating Poisson random variables", Insurance: Mathematics and Economics 12, 1993), the
 * algorithm numpy also uses.
 */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean >= 0)) throw new RangeError(`poisson: mean ${mean}`);
  if (mean === 0) return 0;
  if (mean < 10) {
    const limit = Math.exp(-mean);
    let k = 0;
    let prod = rng.next();
    while (prod > limit) {
      k += 1;
      prod *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - lnGamma(k + 1)) {
      return k;
    }
  }
}

/**
 * Cumulative table for repeated categorical draws from fixed non-negative weights
 * (need not sum to 1). `draw` is a linear scan: the tables here have at most 24 entries.
 */
export class Categorical {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0)) throw new RangeError(`Categorical: weight ${w}`);
      sum += w;
      this.cumulative[i] = sum;
    });
    if (!(sum > 0)) throw new RangeError("Categorical: all weights are zero");
    this.total = sum;
  }

  /** An index drawn with probability weight[i] / Σ weight. */
  draw(rng: Rng): number {
    const x = rng.next() * this.total;
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (x < c[i]) return i;
    return c.length - 1;
  }
}

/** One draw from ad hoc weights (used where the weights change per call). */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return weights.length - 1;
}
