/*
 * A confidence interval for the ROC AUC (pure math, no I/O).
 *
 * Source: DeLong, E.R., DeLong, D.M. & Clarke-Pearson, D.L. (1988), "Comparing the areas under two
 * or more correlated receiver operating characteristic curves: a nonparametric approach",
 * Biometrics 44(3), 837–845 (the variance of the Mann–Whitney AUC from its structural components,
 * section 2), computed with midranks as in Sun & Xu (2014), "Fast implementation of DeLong's
 * algorithm for comparing the areas under correlated receiver operating characteristic curves",
 * IEEE Signal Processing Letters 21(11), 1389–1393 — the method of pROC's `ci.auc(method =
 * "delong")`. Checked against an independent pairwise implementation in Python
 * (scripts/fixtures/make_delong_fixture.py → tests/fixtures/models/delong.json).
 */

import { normalQuantile } from "@/lib/stats";

/** The AUC with its DeLong standard error and a two-sided normal interval clipped to [0, 1]. */
export interface AucInterval {
  /** Mann–Whitney AUC: P(score of a positive > score of a negative), ties counting ½. */
  auc: number;
  /** DeLong's standard error √(S10/m + S01/n). */
  se: number;
  lower: number;
  upper: number;
  /** The interval's confidence level (0.95). */
  level: number;
  positives: number;
  negatives: number;
}

/** Midranks (1-based, ties get the mean of their ranks) of `v`. */
function midranks(v: readonly number[]): Float64Array {
  const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
  const ranks = new Float64Array(v.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

function sampleVariance(v: Float64Array): number {
  const n = v.length;
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let s = 0;
  for (const x of v) s += (x - mean) * (x - mean);
  return s / (n - 1);
}

/**
 * The ROC AUC of `score` for the labels `yTrue` (1 = positive, e.g. "left") with DeLong's
 * variance and a normal interval, AUC ± z_{(1+level)/2} · se, clipped to [0, 1].
 *
 * Structural components (DeLong et al. 1988, section 2), with m positives X and n negatives Y:
 *   V10(X_i) = (1/n) Σ_j ψ(X_i, Y_j),  V01(Y_j) = (1/m) Σ_i ψ(X_i, Y_j),  ψ = 1, ½, 0 for >, =, <;
 *   Var(AUC) = S10/m + S01/n, S10 and S01 the sample variances (divisor m − 1, n − 1).
 * Via midranks (Sun & Xu 2014): V10(X_i) = (R(X_i) − R_X(X_i)) / n and
 * V01(Y_j) = 1 − (R(Y_j) − R_Y(Y_j)) / m, R the midrank among all scores, R_X / R_Y within the
 * class: O((m + n) log(m + n)).
 *
 * @param level confidence level in (0, 1), default 0.95
 * @throws RangeError when the lengths differ, a label is not 0/1, a score is not finite, or
 *         there are fewer than 2 positives or 2 negatives (no variance can be estimated)
 */
export function delongAucInterval(yTrue: readonly number[], score: readonly number[], level = 0.95): AucInterval {
  if (yTrue.length !== score.length) throw new RangeError(`delongAucInterval: ${yTrue.length} labels but ${score.length} scores`);
  if (!(level > 0 && level < 1)) throw new RangeError(`delongAucInterval: level must be in (0, 1), got ${level}`);
  const pos: number[] = [];
  const neg: number[] = [];
  yTrue.forEach((y, i) => {
    if (!Number.isFinite(score[i])) throw new RangeError(`delongAucInterval: score #${i} is not finite`);
    if (y === 1) pos.push(score[i]);
    else if (y === 0) neg.push(score[i]);
    else throw new RangeError(`delongAucInterval: label #${i} must be 0 or 1, got ${y}`);
  });
  const m = pos.length;
  const n = neg.length;
  if (m < 2 || n < 2) throw new RangeError(`delongAucInterval: needs at least 2 positives and 2 negatives, got ${m} and ${n}`);
  const all = midranks([...pos, ...neg]);
  const rx = midranks(pos);
  const ry = midranks(neg);
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let sumPosRanks = 0;
  for (let i = 0; i < m; i++) {
    v10[i] = (all[i] - rx[i]) / n;
    sumPosRanks += all[i];
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (all[m + j] - ry[j]) / m;
  const auc = (sumPosRanks - (m * (m + 1)) / 2) / (m * n);
  const se = Math.sqrt(sampleVariance(v10) / m + sampleVariance(v01) / n);
  const z = normalQuantile((1 + level) / 2);
  return {
    auc,
    se,
    lower: Math.max(0, auc - z * se),
    upper: Math.min(1, auc + z * se),
    level,
    positives: m,
    negatives: n,
  };
}
