/*
 * Pure arithmetic shared by the metric families. Money is integer minor units, so divisions
 * that produce money round in integer arithmetic (BigInt), never through a float.
 */

/**
 * round(numerator / denominator), halves rounded up (away from zero for non-negative input),
 * computed exactly in integers: e.g. 1001 / 2 → 501, 1000 / 3 → 333, 1001 / 3 → 334.
 * Null when the denominator is 0 (no purchases → no average check).
 *
 * @param numerator   integer (minor units), ≥ 0 for money sums; negative values round half up
 *                    toward +∞ as well (floor(x + 1/2))
 * @param denominator positive integer count
 * @throws Error when an argument is not a safe integer or the denominator is negative
 */
export function roundHalfUpDiv(numerator: number, denominator: number): number | null {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator)) {
    throw new Error(`roundHalfUpDiv: integers expected, got ${numerator} / ${denominator}`);
  }
  if (denominator < 0) throw new Error(`roundHalfUpDiv: negative denominator ${denominator}`);
  if (denominator === 0) return null;
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  // floor((2n + d) / 2d) with a floor that is correct for negative numerators too.
  const num = 2n * n + d;
  const den = 2n * d;
  let q = num / den;
  if (num % den !== 0n && num < 0n) q -= 1n;
  return Number(q);
}

/** a / b as a float; null when b is 0 or either side is null. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return a / b;
}

/**
 * Relative change (current − previous) / previous, e.g. 0.25 for +25 %.
 * Null when previous is 0 or null, or current is null (no meaningful base).
 */
export function relativeChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}
