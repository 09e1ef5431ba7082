/*
 * k-means clustering: k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the advantages
 * of careful seeding", SODA, Section 2.2, D² weighting) followed by Lloyd's iterations (Lloyd
 * 1982, "Least squares quantization in PCM"), with several seeded restarts keeping the lowest
 * inertia, as sklearn.cluster.KMeans(init="k-means++", n_init=…, algorithm="lloyd") does.
 * Deterministic for a seed (sfc32 streams, lib/models/prng.ts). Pure math, no I/O.
 */
import { stream } from "./prng";

export interface KMeansResult {
  /** k centroids × features. */
  centroids: number[][];
  /** Cluster of each row (0..k−1). */
  labels: Int32Array;
  /** Σ of squared distances of the rows to their centroid. */
  inertia: number;
  iterations: number;
}

function sqDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - b[j];
    s += d * d;
  }
  return s;
}

/** Index and squared distance of the nearest centroid. */
export function nearestCentroid(centroids: readonly (readonly number[])[], x: ArrayLike<number>): { index: number; distance: number } {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    const d = sqDist(x, centroids[c]);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return { index: best, distance: bestD };
}

/**
 * k-means++ then Lloyd until no label changes or `maxIter`; `nInit` restarts, best inertia kept.
 * Empty clusters (possible with duplicate points) are re-seeded at the row farthest from its
 * centroid. @param X rows × features, finite values; @throws RangeError when k < 1 or k > rows
 */
export function kMeans(X: readonly (readonly number[])[], k: number, opts: { seed?: number; nInit?: number; maxIter?: number } = {}): KMeansResult {
  const n = X.length;
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`kMeans: k=${k} must be in 1..${n}`);
  const nInit = opts.nInit ?? 4;
  let best: KMeansResult | null = null;
  for (let run = 0; run < nInit; run++) {
    const result = lloyd(X, seedPlusPlus(X, k, opts.seed ?? 0, run), opts.maxIter ?? 100);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/** k-means++ seeding: first centroid uniform, each next one with probability ∝ D(x)². */
function seedPlusPlus(X: readonly (readonly number[])[], k: number, seed: number, run = 0): number[][] {
  const rng = stream(seed, 0x6b6d7070, run);
  const n = X.length;
  const centroids: number[][] = [X[rng.int(n)].slice()];
  const d2 = new Float64Array(n);
  for (let i = 0; i < n; i++) d2[i] = sqDist(X[i], centroids[0]);
  while (centroids.length < k) {
    let total = 0;
    for (let i = 0; i < n; i++) total += d2[i];
    let pick = n - 1;
    if (total > 0) {
      let target = rng.next() * total;
      for (let i = 0; i < n; i++) {
        target -= d2[i];
        if (target <= 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.int(n);
    const c = X[pick].slice();
    centroids.push(c);
    for (let i = 0; i < n; i++) d2[i] = Math.min(d2[i], sqDist(X[i], c));
  }
  return centroids;
}

function lloyd(X: readonly (readonly number[])[], start: number[][], maxIter: number): KMeansResult {
  const n = X.length;
  const k = start.length;
  const nf = X[0]?.length ?? 0;
  let centroids = start;
  const labels = new Int32Array(n).fill(-1);
  let iterations = 0;
  for (; iterations < maxIter; iterations++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const { index } = nearestCentroid(centroids, X[i]);
      if (labels[i] !== index) {
        labels[i] = index;
        changed += 1;
      }
    }
    if (changed === 0 && iterations > 0) break;
    const sums = Array.from({ length: k }, () => new Float64Array(nf));
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]] += 1;
      const s = sums[labels[i]];
      for (let j = 0; j < nf; j++) s[j] += X[i][j];
    }
    const next = sums.map((s, c) => (counts[c] > 0 ? Array.from(s, (v) => v / counts[c]) : centroids[c].slice()));
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) continue;
      let far = 0;
      let farD = -1;
      for (let i = 0; i < n; i++) {
        const d = sqDist(X[i], next[labels[i]]);
        if (d > farD) {
          farD = d;
          far = i;
        }
      }
      next[c] = X[far].slice();
      labels[far] = c;
    }
    centroids = next;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const { index, distance } = nearestCentroid(centroids, X[i]);
    labels[i] = index;
    inertia += distance;
  }
  return { centroids, labels, inertia, iterations };
}
