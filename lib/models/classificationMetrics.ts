/**
 * Metrics of a binary classifier's scores, defined as scikit-learn defines them (the fixture
 * tests/fixtures/models/metrics.json, made by scripts/fixtures/make_metrics_fixture.py with
 * scikit-learn 1.2, checks each to 1e-12, ties included).
 *
 * Labels are 0/1; scores are any reals where larger means "more likely positive"; probabilities
 * are in [0, 1]. Every function throws on empty or mismatched input.
 */

function check(yTrue: readonly number[], score: readonly number[], what: string): void {
  if (yTrue.length !== score.length) throw new Error(`${what}: ${yTrue.length} labels but ${score.length} scores`);
  if (yTrue.length === 0) throw new Error(`${what}: no rows`);
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] !== 0 && yTrue[i] !== 1) throw new Error(`${what}: label ${yTrue[i]} at ${i} is not 0 or 1`);
    if (Number.isNaN(score[i])) throw new Error(`${what}: score at ${i} is NaN`);
  }
}

/** Row indices sorted by descending score (ties keep input order; only groups matter). */
function descendingOrder(score: readonly number[]): Int32Array {
  const order = Int32Array.from({ length: score.length }, (_, i) => i);
  return order.sort((a, b) => score[b] - score[a] || a - b);
}

/**
 * Area under the ROC curve as the Mann–Whitney statistic: the probability that a random
 * positive scores above a random negative, ties counting ½ (Hanley & McNeil 1982, "The meaning
 * and use of the area under a ROC curve", Radiology 143(1); equal to scikit-learn's
 * roc_auc_score, whose trapezoidal rule gives ties the same ½).
 * Computed with mid-ranks: AUC = (R₊ − n₊(n₊+1)/2) / (n₊ n₋), R₊ = Σ of positives' ranks.
 * @returns AUC in [0, 1].
 * @throws Error when one class is absent (AUC undefined), on NaN scores or non-0/1 labels.
 */
export function rocAuc(yTrue: readonly number[], score: readonly number[]): number {
  check(yTrue, score, "rocAuc");
  const n = yTrue.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let nPos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    // Ranks i+1..j+1 are tied: each gets their mean (mid-rank).
    const midRank = (i + 1 + (j + 1)) / 2;
    for (let k = i; k <= j; k++) {
      if (yTrue[order[k]] === 1) {
        nPos++;
        rankSumPos += midRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new Error("rocAuc: needs both classes (AUC is undefined with one)");
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Area under the precision–recall curve as average precision, AP = Σ_n (R_n − R_{n−1}) P_n over
 * the distinct score thresholds in descending order (scikit-learn's average_precision_score;
 * Manning, Raghavan & Schütze 2008, "Introduction to Information Retrieval", §8.4 — the
 * step-wise sum, not the trapezoid, which is optimistic). Tied scores form one threshold.
 * @returns AP in [0, 1]; the base rate for an uninformative score.
 * @throws Error when there are no positives (recall undefined).
 */
export function prAuc(yTrue: readonly number[], score: readonly number[]): number {
  check(yTrue, score, "prAuc");
  let nPos = 0;
  for (const v of yTrue) nPos += v;
  if (nPos === 0) throw new Error("prAuc: needs at least one positive (recall is undefined)");
  const order = descendingOrder(score);
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let i = 0; i < order.length; i++) {
    if (yTrue[order[i]] === 1) tp++;
    else fp++;
    const lastOfGroup = i + 1 === order.length || score[order[i + 1]] !== score[order[i]];
    if (!lastOfGroup) continue;
    const recall = tp / nPos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/**
 * Brier score: mean squared difference between predicted probability and outcome, as
 * scikit-learn's brier_score_loss (Brier 1950, "Verification of forecasts expressed in terms of
 * probability", Monthly Weather Review 78(1); Brier's own score sums over both classes and so is
 * twice this one).
 * @param prob probabilities in [0, 1].
 * @returns mean (p − y)² in [0, 1]; 0 is perfect, 0.25 is a constant ½.
 * @throws Error on probabilities outside [0, 1].
 */
export function brierScore(yTrue: readonly number[], prob: readonly number[]): number {
  check(yTrue, prob, "brierScore");
  let s = 0;
  for (let i = 0; i < prob.length; i++) {
    if (!(prob[i] >= 0 && prob[i] <= 1)) throw new Error(`brierScore: probability ${prob[i]} at ${i} is outside [0, 1]`);
    s += (yTrue[i] - prob[i]) ** 2;
  }
  return s / prob.length;
}

/**
 * Reliability diagram data (DeGroot & Fienberg 1983, "The comparison and evaluation of
 * forecasters"; scikit-learn's calibration_curve with strategy="uniform"): [0, 1] is cut into
 * `bins` equal intervals with edges k/bins (computed as k·(1/bins), as numpy.linspace does, so
 * values on an edge land where scikit-learn puts them); a probability equal to an inner edge
 * belongs to the lower bin (searchsorted, side="left"). Empty bins are dropped.
 * @param bins number of intervals, integer ≥ 1; default 5 (scikit-learn's).
 * @returns per non-empty bin, ascending: the mean predicted probability, the fraction of
 *   positives, and the number of rows.
 * @throws Error on probabilities outside [0, 1] or a bad bin count.
 */
export function calibrationCurve(
  yTrue: readonly number[],
  prob: readonly number[],
  bins = 5,
): { meanPredicted: number[]; fractionPositive: number[]; count: number[] } {
  check(yTrue, prob, "calibrationCurve");
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`calibrationCurve: bins ${bins} must be an integer ≥ 1`);
  const step = 1 / bins;
  const innerEdges: number[] = [];
  for (let k = 1; k < bins; k++) innerEdges.push(k * step);
  const sumProb = new Float64Array(bins);
  const sumTrue = new Float64Array(bins);
  const count = new Int32Array(bins);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i];
    if (!(p >= 0 && p <= 1)) throw new Error(`calibrationCurve: probability ${p} at ${i} is outside [0, 1]`);
    // Number of inner edges strictly below p (numpy.searchsorted side="left").
    let lo = 0;
    let hi = innerEdges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (innerEdges[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    sumProb[lo] += p;
    sumTrue[lo] += yTrue[i];
    count[lo]++;
  }
  const out = { meanPredicted: [] as number[], fractionPositive: [] as number[], count: [] as number[] };
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.meanPredicted.push(sumProb[b] / count[b]);
    out.fractionPositive.push(sumTrue[b] / count[b]);
    out.count.push(count[b]);
  }
  return out;
}
