/*
 * PostgreSQL's numeric aggregates over integers, to the bit (used where a figure computed in
 * SQL must be reproduced in memory: lib/analytics/getChurnFeatureDays.ts). PostgreSQL computes
 * avg(int) and stddev_pop(int) in `numeric` (src/backend/utils/adt/numeric.c: int8_avg →
 * numeric_div; numeric_stddev_internal), rounds the quotient (and the square root) half away
 * from zero at the scale select_div_scale chooses, and `::float8` parses the decimal text
 * (numeric_float8 → numeric_out → float8in). The same steps here give the same float.
 */

const NBASE = 10000n;
/** NUMERIC_MIN_SIG_DIGITS of numeric.c. */
const MIN_SIG_DIGITS = 16;
/** DEC_DIGITS of numeric.c (decimal digits per base-10000 digit). */
const DEC_DIGITS = 4;
const MAX_DISPLAY_SCALE = 1000;

/** Weight and leading digit of a positive integer in base 10000 (numeric.c's NumericVar). */
function weightAndFirst(v: bigint): [number, bigint] {
  let w = 0;
  while (v >= NBASE) {
    v /= NBASE;
    w++;
  }
  return [w, v];
}

/** numeric.c select_div_scale for two positive integers (display scale 0). */
function selectDivScale(a: bigint, b: bigint): number {
  const [w1, f1] = weightAndFirst(a);
  const [w2, f2] = weightAndFirst(b);
  let qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  const rscale = MIN_SIG_DIGITS - qweight * DEC_DIGITS;
  return Math.min(Math.max(rscale, 0), MAX_DISPLAY_SCALE);
}

/** The float8 of the decimal `q / 10^scale` (float8in's correctly rounded parse). */
const decimalToFloat = (q: bigint, scale: number) => Number(`${q}e-${scale}`);

/** a / b rounded half away from zero at `scale` decimals, as an integer times 10^-scale (a ≥ 0, b > 0). */
function roundedQuotient(a: bigint, b: bigint, scale: number): bigint {
  const n = a * 10n ** BigInt(scale);
  const q = n / b;
  return 2n * (n - q * b) >= b ? q + 1n : q;
}

/** The integer square root ⌊√n⌋ (n ≥ 0), by Newton's method on bigints. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton from a float guess: settle to the floor.
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/**
 * `avg(x)::float8` of integers with sum `sum` over `count` values, as PostgreSQL returns it.
 * @throws RangeError when count < 1 or sum < 0
 */
export function pgAvgInt(sum: number, count: number): number {
  if (!(count >= 1) || sum < 0) throw new RangeError(`pgAvgInt: needs count ≥ 1 and sum ≥ 0, got ${sum}/${count}`);
  if (sum === 0) return 0;
  const a = BigInt(sum);
  const b = BigInt(count);
  const scale = selectDivScale(a, b);
  return decimalToFloat(roundedQuotient(a, b, scale), scale);
}

/**
 * `stddev_pop(x)::float8` of `count` integers with sum `sum` and sum of squares `sumSquares`,
 * as PostgreSQL returns it: variance (N·Σx² − (Σx)²) / N² rounded at select_div_scale's scale,
 * then its square root rounded at the same scale; 0 when the numerator is not positive.
 * @throws RangeError when count < 1
 */
export function pgStddevPopInt(count: number, sum: number, sumSquares: number): number {
  if (!(count >= 1)) throw new RangeError(`pgStddevPopInt: needs count ≥ 1, got ${count}`);
  const n = BigInt(count);
  const num = n * BigInt(sumSquares) - BigInt(sum) * BigInt(sum);
  if (num <= 0n) return 0;
  const den = n * n;
  const scale = selectDivScale(num, den);
  const variance = roundedQuotient(num, den, scale); // × 10^-scale
  // √(variance × 10^-scale) × 10^scale = √(variance × 10^scale), rounded half up (no ties: an
  // exact half would need an odd square).
  const radicand = variance * 10n ** BigInt(scale);
  const r = isqrt(radicand);
  const rounded = 4n * radicand >= (2n * r + 1n) ** 2n ? r + 1n : r;
  return decimalToFloat(rounded, scale);
}
