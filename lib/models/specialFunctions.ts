import { lnGamma } from "@/lib/stats";

/*
 * Special functions for the customer-base models (pure math, no I/O). ln Γ and ln B are the
 * lib/stats kernel's; this file adds what only the models need.
 *
 * digamma shifts the argument up with the recurrence until it is large, then uses the
 * asymptotic series, whose coefficients are exact rationals built from Bernoulli numbers, so no
 * fitted "magic" constants are involved (Abramowitz & Stegun 1964, 6.3.18 for the series, 6.3.5
 * for the recurrence). With the argument shifted to ≥ 15 and terms up to z^-16 the truncation
 * error is below 1e-20, so the results are as exact as double rounding allows.
 */

const SHIFT_TO = 15;
/** B_{2k} / (2k) for k = 1..8 (A&S 6.3.18). */
const DIGAMMA_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12, -3617 / 8160];

/**
 * ψ(x) = d/dx ln Γ(x) for x > 0.
 *
 * Source: Abramowitz & Stegun (1964), 6.3.18 (asymptotic series) after shifting with
 * ψ(x + 1) = ψ(x) + 1/x (6.3.5).
 * @throws RangeError when x is not a finite positive number
 */
export function digamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`digamma: needs a finite x > 0, got ${x}`);
  let shift = 0;
  let z = x;
  while (z < SHIFT_TO) {
    shift += 1 / z;
    z += 1;
  }
  const inv2 = 1 / (z * z);
  let series = 0;
  let power = inv2;
  for (const c of DIGAMMA_SERIES) {
    series += c * power;
    power *= inv2;
  }
  return Math.log(z) - 0.5 / z - series - shift;
}

/**
 * ln[Γ(x + n) / Γ(x)] = Σ_{k<n} ln(x + k) for x > 0 and a whole n ≥ 0 (the rising factorial
 * (x)_n, A&S 6.1.22). Summed directly for small n, where it is more exact than a difference of
 * two ln Γ; from lnGamma above 64 terms.
 * @throws RangeError when x ≤ 0 or n is not a whole number ≥ 0
 */
export function lnRisingFactorial(x: number, n: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`lnRisingFactorial: needs a finite x > 0, got ${x}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`lnRisingFactorial: needs a whole n ≥ 0, got ${n}`);
  if (n > 64) return lnGamma(x + n) - lnGamma(x);
  let product = 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    product *= x + k;
    // Flush the product into the sum before it could overflow.
    if (product > 1e250) {
      sum += Math.log(product);
      product = 1;
    }
  }
  return sum + Math.log(product);
}

/**
 * The Gauss hypergeometric series ₂F₁(a, b; c; z) = Σ_n (a)_n (b)_n / ((c)_n n!) zⁿ for
 * 0 ≤ z < 1 and c > 0 (A&S 15.1.1), summed term by term until a term no longer changes the sum.
 *
 * Kept deliberately simple: the BG/NBD code calls it only after the Euler transformation
 * (A&S 15.3.3) that makes its terms decay (see bgnbd.ts), so no analytic continuation is needed.
 *
 * @param maxTerms safety cap (default 1,000,000)
 * @throws RangeError when z ∉ [0, 1), c ≤ 0, or the series has not converged within maxTerms
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 1_000_000): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: needs 0 ≤ z < 1, got ${z}`);
  if (!(c > 0)) throw new RangeError(`hyp2f1: needs c > 0, got ${c}`);
  return 1 + hyp2f1Tail(a, b, c, z, (a * b * z) / c, maxTerms);
}

/**
 * Σ_{n≥1} t_n with the given first term t_1 and t_{n+1} / t_n = (a+n)(b+n) z / ((c+n)(n+1)).
 * With t_1 = a b z / c this is ₂F₁(a, b; c; z) − 1; bgnbd.ts passes another t_1 to sum the series
 * with one Pochhammer factor divided out (see its derivation), which stays finite where the
 * plain form would divide by zero.
 * @throws RangeError when c is 0 or a negative whole number (a pole), or the series has not
 *         converged within maxTerms
 */
export function hyp2f1Tail(a: number, b: number, c: number, z: number, firstTerm: number, maxTerms = 1_000_000): number {
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1: c = ${c} is a pole`);
  if (z === 0) return 0;
  let term = firstTerm;
  let sum = term;
  // When may the summation stop? The term ratio is ρ(n) = z (a+n)(b+n) / ((c+n)(n+1)). Once n is
  // past −a, −b and −c no factor changes sign any more, and z(a+n)(b+n) − (c+n)(n+1) is a
  // downward parabola in n (z < 1), so past its larger root ρ stays below 1 for good. Before
  // that point a small term may precede growing ones, so no stop is allowed there.
  const qa = z - 1;
  const qb = z * (a + b) - (c + 1);
  const qc = z * a * b - c;
  const disc = qb * qb - 4 * qa * qc;
  const largerRoot = disc >= 0 ? (-qb - Math.sqrt(disc)) / (2 * qa) : 0;
  const settled = Math.max(0, -a, -b, -c, largerRoot) + 1;
  for (let n = 1; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (term === 0) return sum;
    // The rest of the series is at most term · ρmax / (1 − ρmax) with ρmax ≈ max(ρ, z).
    if (n > settled && Math.abs(term) <= 1e-16 * (1 - Math.max(Math.abs(ratio), z)) * Math.abs(sum)) return sum;
  }
  throw new RangeError(`hyp2f1: series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}

/** ln(e^u + e^v) without overflow; −Infinity for two −Infinity. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}
