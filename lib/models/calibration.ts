import { sigmoid } from "./tree";

/*
 * Post-hoc calibration of a binary classifier's scores (issue 17: "calibration within ±5 points
 * per decile"): Platt scaling (J. Platt, "Probabilistic outputs for support vector machines and
 * comparisons to regularized likelihood methods", Advances in Large Margin Classifiers, MIT Press
 * 1999, 61–74). On a held-out set of scores f and outcomes y it fits
 *     P(y = 1 | f) = σ(slope · f + intercept)
 * by maximum likelihood against Platt's smoothed targets t₊ = (N₊ + 1)/(N₊ + 2) for a positive
 * and t₋ = 1/(N₋ + 2) for a negative (a prior that keeps a small set from fitting 0 and 1), solved
 * by Newton's method with a backtracking line search in the numerically stable form of Lin, Lin &
 * Weng ("A note on Platt's probabilistic outputs for support vector machines", Machine Learning
 * 68(3), 2007, 267–276, Algorithm 1). scikit-learn's CalibratedClassifierCV(method="sigmoid")
 * minimises the same objective (sklearn.calibration._sigmoid_calibration); the unit test checks
 * this fit against it and against LogisticRegression on the same weighted targets
 * (tests/fixtures/models/platt.json, scripts/fixtures/make_platt_fixture.py).
 *
 * Why Platt rather than isotonic regression (Zadrozny & Elkan, "Transforming classifier scores
 * into accurate multiclass probability estimates", KDD 2002) for the churn model's boosted trees:
 * Niculescu-Mizil & Caruana ("Predicting good probabilities with supervised learning", ICML 2005;
 * "Obtaining calibrated probabilities from boosting", UAI 2005) find boosting's distortion
 * sigmoid-shaped, which Platt's two parameters correct, and isotonic regression, the more flexible
 * map, overfitting and doing worse than Platt when the calibration set is small (under about a
 * thousand cases); a merchant's holdout is 100 to a few thousand customers, halved again by the
 * cross-fit. Platt is also a line in log-odds: with a positive slope the ranking (so the AUC) is
 * kept exactly, and a TreeSHAP explanation of the score stays exact after calibration (every
 * value × slope, the base value mapped by the line); isotonic steps would tie customers and break
 * the explanation's additivity.
 */

/** A Platt map: calibrated log-odds = slope × score + intercept. */
export interface PlattScaling {
  slope: number;
  intercept: number;
}

/** The calibrated probability σ(slope × score + intercept) of a score (log-odds in, probability out). */
export function applyPlatt(map: PlattScaling, score: number): number {
  return sigmoid(map.slope * score + map.intercept);
}

/**
 * A Gaussian prior on a Platt map's two parameters (independent): slope ~ N(slope, sdSlope²) and
 * intercept ~ N(intercept, sdIntercept²). Fitting with it gives the maximum a posteriori map, a
 * logistic regression penalised toward a centre that is not zero (ridge toward a prior mean; the
 * Gaussian prior of Gelman, Jakulin, Pittau & Su, "A weakly informative default prior distribution
 * for logistic and other regression models", Annals of Applied Statistics 2(4), 2008, 1360–1383,
 * with its centre taken from a larger related set: partial pooling, Gelman & Hill, "Data Analysis
 * Using Regression and Multilevel/Hierarchical Models", 2007, ch. 12). An infinite sd leaves that
 * parameter free.
 */
export interface PlattPrior {
  slope: number;
  intercept: number;
  sdSlope: number;
  sdIntercept: number;
}

/** Newton's iterations at most; the line search's smallest step; the Hessian's ridge (Lin et al. 2007). */
const MAX_ITERATIONS = 100;
const MIN_STEP = 1e-10;
const HESSIAN_RIDGE = 1e-12;

/**
 * Fits Platt scaling (see the module comment) on scores and outcomes.
 *
 * @param scores finite scores (the churn model's log-odds), one per case
 * @param y outcomes 0 or 1, as many as scores
 * @param options.fixedSlope fit the intercept only, the slope held at this value
 *        ("calibration in the large"; 1 keeps the scores' scale)
 * @param options.prior a Gaussian prior on the map ({@link PlattPrior}): the maximum a posteriori
 *        map, Platt's likelihood plus (slope − centre)² / (2 sdSlope²) + (intercept − centre)² / (2 sdIntercept²)
 * @returns slope and intercept; an empty set gives slope 0 (or the fixed one, or the prior's
 *          centre) and intercept 0 (or the prior's centre)
 * @throws Error when the lengths differ, a score is not finite, an outcome is not 0 or 1, or a
 *         prior's centre is not finite or an sd not positive
 */
export function fitPlatt(scores: readonly number[], y: readonly number[], options: { fixedSlope?: number; prior?: PlattPrior } = {}): PlattScaling {
  if (scores.length !== y.length) throw new Error(`fitPlatt: ${scores.length} scores but ${y.length} outcomes`);
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new Error(`fitPlatt: score ${scores[i]} at ${i} is not finite`);
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`fitPlatt: outcome ${y[i]} at ${i} is not 0 or 1`);
    positives += y[i];
  }
  const fixed = options.fixedSlope;
  if (fixed !== undefined && !Number.isFinite(fixed)) throw new Error(`fitPlatt: fixed slope ${fixed} is not finite`);
  const prior = options.prior;
  if (prior !== undefined) {
    if (!Number.isFinite(prior.slope) || !Number.isFinite(prior.intercept)) throw new Error(`fitPlatt: prior centre ${prior.slope}, ${prior.intercept} is not finite`);
    if (!(prior.sdSlope > 0) || !(prior.sdIntercept > 0)) throw new Error(`fitPlatt: prior sd ${prior.sdSlope}, ${prior.sdIntercept} must be positive`);
  }
  // The prior's precisions and centre in Lin et al.'s parameters (A = −slope, B = −intercept).
  const precisionA = prior === undefined ? 0 : 1 / prior.sdSlope ** 2;
  const precisionB = prior === undefined ? 0 : 1 / prior.sdIntercept ** 2;
  const A0 = prior === undefined ? 0 : -prior.slope;
  const B0 = prior === undefined ? 0 : -prior.intercept;
  const n = scores.length;
  const negatives = n - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const t = y.map((v) => (v === 1 ? hi : lo));
  // Lin et al.'s parameters: P = 1 / (1 + exp(A f + B)), so slope = −A and intercept = −B.
  let A = fixed === undefined ? A0 : -fixed;
  let B = prior === undefined ? Math.log((negatives + 1) / (positives + 1)) : B0;
  const objective = (a: number, b: number): number => {
    let s = 0.5 * (fixed === undefined ? precisionA * (a - A0) ** 2 : 0) + 0.5 * precisionB * (b - B0) ** 2;
    for (let i = 0; i < n; i++) {
      const z = scores[i] * a + b;
      s += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
    }
    return s;
  };
  let value = objective(A, B);
  const tolerance = 1e-12 * Math.max(1, n);
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    let h11 = HESSIAN_RIDGE + precisionA;
    let h22 = HESSIAN_RIDGE + precisionB;
    let h21 = 0;
    let g1 = precisionA * (A - A0);
    let g2 = precisionB * (B - B0);
    for (let i = 0; i < n; i++) {
      const z = scores[i] * A + B;
      let p: number;
      let q: number;
      if (z >= 0) {
        const e = Math.exp(-z);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        const e = Math.exp(z);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      const d2 = p * q;
      h11 += scores[i] * scores[i] * d2;
      h22 += d2;
      h21 += scores[i] * d2;
      const d1 = t[i] - p;
      g1 += scores[i] * d1;
      g2 += d1;
    }
    if (fixed !== undefined) {
      // Only the intercept moves: a one-dimensional Newton step on B.
      g1 = 0;
      h21 = 0;
      h11 = 1;
    }
    if (Math.abs(g1) < tolerance && Math.abs(g2) < tolerance) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    let moved = false;
    while (step >= MIN_STEP) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const next = objective(nA, nB);
      if (next < value + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        value = next;
        moved = true;
        break;
      }
      step /= 2;
    }
    // No step lowers the objective any more: at the optimum to rounding.
    if (!moved) break;
  }
  return { slope: -A + 0, intercept: -B + 0 };
}

/**
 * Platt scaling that never reverses or erases the scores' ranking: when the fitted slope is not
 * positive (a model no better than random on this set, or worse), only the intercept is fitted,
 * with slope 1 (calibration in the large: the mean probability matches the outcomes, the ranking
 * and the spread stay the model's).
 *
 * @param options.prior as {@link fitPlatt} (the intercept-only fit keeps its intercept part)
 * @returns the map and whether it was fitted on the intercept only
 * @throws as {@link fitPlatt}
 */
export function fitMonotonePlatt(scores: readonly number[], y: readonly number[], options: { prior?: PlattPrior } = {}): PlattScaling & { interceptOnly: boolean } {
  const full = fitPlatt(scores, y, options);
  if (full.slope > 0) return { ...full, interceptOnly: false };
  return { ...fitPlatt(scores, y, { ...options, fixedSlope: 1 }), interceptOnly: true };
}

/**
 * Out-of-fold calibrated probabilities (cross-fitting): the cases of each fold mapped by the
 * calibration fitted on every other fold's cases, so that no probability is calibrated on its own
 * outcome, and a reliability diagram or Brier score of them measures what the calibration
 * achieves on customers it was not fitted on.
 *
 * @param scores finite scores, one per case
 * @param y outcomes 0 or 1
 * @param fold each case's fold (any integers; two folds = fit on one half, measure on the other, both ways)
 * @param fit the calibration fitter (default {@link fitPlatt}), given the other folds' cases and the
 *        fold k being calibrated (a fitter that also draws on a larger set must leave fold k's cases out of it)
 * @returns one probability per case, in the input order
 * @throws Error when the lengths differ; as the fitter
 */
export function crossFitCalibrated(
  scores: readonly number[],
  y: readonly number[],
  fold: readonly number[],
  fit: (scores: readonly number[], y: readonly number[], fold: number) => PlattScaling = (f, t) => fitPlatt(f, t),
): number[] {
  if (scores.length !== y.length || fold.length !== y.length) throw new Error(`crossFitCalibrated: ${scores.length} scores, ${y.length} outcomes, ${fold.length} folds`);
  const out = new Array<number>(scores.length);
  for (const k of new Set(fold)) {
    const trainScores: number[] = [];
    const trainY: number[] = [];
    for (let i = 0; i < scores.length; i++) {
      if (fold[i] !== k) {
        trainScores.push(scores[i]);
        trainY.push(y[i]);
      }
    }
    const map = fit(trainScores, trainY, k);
    for (let i = 0; i < scores.length; i++) if (fold[i] === k) out[i] = applyPlatt(map, scores[i]);
  }
  return out;
}
