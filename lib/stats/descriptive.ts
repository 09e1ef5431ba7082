/*
 * Descriptive statistics of samples (kernel: imports nothing of ours).
 */

/**
 * The q-quantile (0 ≤ q ≤ 1) of values sorted ascending, by linear interpolation between the
 * two nearest order statistics: Hyndman & Fan (1996) type 7, numpy's and R's default. NaN for
 * an empty sample.
 * Source: R. J. Hyndman, Y. Fan (1996), "Sample quantiles in statistical packages", The American
 * Statistician 50(4):361–365, definition 7.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
