import type { ChurnFeatureRow } from "@/lib/analytics/getChurnFeatures";
import { brierScore, prAuc, rocAuc } from "@/lib/models/classificationMetrics";
import { delongAucInterval } from "@/lib/models/delong";
import { fitGradientBoosting } from "@/lib/models/gbdt";
import { predictMargin, sigmoid, type TreeEnsemble } from "@/lib/models/tree";
import { treeShapBatch } from "@/lib/models/treeshap";
import { complementarySuppression } from "@/lib/privacy/suppression";
import type { ComputedRun } from "@/lib/runs/contract";
import {
  SWITCH_FEATURES,
  type SwitchFeatureName,
  type SwitchingMetrics,
  type SwitchingParams,
  type SwitchingSummary,
  type SwitchSegment,
  type switchingContract,
} from "@/lib/runs/switching";
import { ModelInputError } from "./errors";
import { ageBand, factorEffects, unitHistogram } from "./summaries";

/*
 * The "leaving for a competitor" model's pure steps (docs/adr/0024-leaving-for-a-competitor.md).
 * No I/O: lib/jobs/switching.ts reads the rows (own history in the merchant's scope, category
 * spend at peers through lib/privacy/categorySpend.ts on the owner connection) and stores the run.
 *
 * Target. A customer of the merchant is in the population at cutoff c when they bought here in
 * [c − 180, c) and bought MAINLY here: their purchase days here over [c − 180, c) are at least
 * MAIN_SHARE (½) of their purchase days in the category (here or at any peer of the MCC; a day
 * counts once on each side). They SWITCHED over [c, c + H) when they still bought in the category
 * then and fewer than SWITCHED_SHARE (½) of those days were here: most of their buying moved to
 * peers. Purchase days rather than money, because lognormal checks (σ ≈ 0.55) made the money
 * share flip on one large basket (on the small synthetic bank the day-based label agreed better
 * with switch_events and the model fitted it better: ADR 0024). This is what the synthetic bank
 * plants (lib/synthetic/customer.ts): a switch makes another peer the favourite that receives
 * every purchase but the cross-shopping share s ≤ 0.54, so after it the share here is ≤ s; a
 * customer who stops buying in the category (dropout) is churn, not switching.
 *
 * Model: gradient-boosted trees (Chen & Guestrin 2016, lib/models/gbdt.ts) on the bank-side
 * share features and own-history features; holdout as the churn model (train at c₁ = asOf − 2H,
 * judge at c₂ = asOf − H on the merchant's own customers, refit at c₂, score as of asOf).
 *
 * Money and points: a factor's effect on one customer is P(x) − P(x without the factor), where
 * "without" removes its TreeSHAP value from the log-odds (Lundberg & Lee 2017: the SHAP values add
 * up to the margin); `points` is its mean absolute value × 100 over the scored customers and
 * `revenueAtRiskMinor` the sum of its positive part × the customer's value.
 */

/** Population and label thresholds (see the module comment). */
export const SWITCH_SETTINGS = {
  horizonDays: 90,
  mainShare: 0.5,
  switchedShare: 0.5,
  /** Rows per cutoff needed to fit (and switchers among them), else the pool or a failed run. */
  minRows: 100,
  minSwitchers: 10,
  maxTrainingRows: 20_000,
  calibrationBins: 10,
  model: { nTrees: 150, maxDepth: 3, learningRate: 0.05, minChildWeight: 5, lambda: 1, maxBins: 64, seed: 1 },
};

/** Category spend of one customer over one window, gross minor units. */
export interface WindowSpend {
  here: number;
  peers: number;
  /** Purchase days here and at peers (a day at several peers counts once). */
  daysHere: number;
  daysPeers: number;
}

/**
 * One customer at one cutoff: own-history features, bank-side spend windows and (at a labelled
 * cutoff) the spend over the label window.
 */
export interface SwitchRow {
  customerId: number;
  own: Pick<ChurnFeatureRow, "recencyDays" | "frequency180d" | "monetaryMinor" | "tenureDays" | "meanInterPurchaseDays" | "revenue365dMinor" | "age" | "female">;
  /** [c − 30, c), [c − 90, c − 30), [c − 180, c − 90). */
  last30: WindowSpend;
  prior60: WindowSpend;
  prev90: WindowSpend;
  /** [c, c + H); null at the scoring cutoff. */
  label: WindowSpend | null;
}

const shareOf = (w: WindowSpend): number | null => (w.here + w.peers > 0 ? w.here / (w.here + w.peers) : null);
const dayShareOf = (w: WindowSpend): number | null => (w.daysHere + w.daysPeers > 0 ? w.daysHere / (w.daysHere + w.daysPeers) : null);
const sum = (...ws: WindowSpend[]): WindowSpend => ({
  here: ws.reduce((s, w) => s + w.here, 0),
  peers: ws.reduce((s, w) => s + w.peers, 0),
  daysHere: ws.reduce((s, w) => s + w.daysHere, 0),
  daysPeers: ws.reduce((s, w) => s + w.daysPeers, 0),
});

/** True when the customer bought mainly here over [c − 180, c): purchase days here ≥ MAIN_SHARE of their category purchase days. */
export function isMainlyHere(row: SwitchRow): boolean {
  const share = dayShareOf(sum(row.last30, row.prior60, row.prev90));
  return share !== null && share >= SWITCH_SETTINGS.mainShare;
}

/**
 * The label at a labelled cutoff: a category purchase day in [c, c + H) and fewer than
 * SWITCHED_SHARE of those days here (the days at peers outnumber the days here).
 * @throws Error on a row without a label window
 */
export function switched(row: SwitchRow): boolean {
  if (row.label === null) throw new Error(`switched: customer ${row.customerId} has no label window`);
  const share = dayShareOf(row.label);
  return share !== null && share < SWITCH_SETTINGS.switchedShare;
}

/** The model features of a row (NaN = missing), in SWITCH_FEATURES order. */
export function switchFeatures(row: SwitchRow): Record<SwitchFeatureName, number> {
  const s30 = shareOf(row.last30);
  const s90 = shareOf(sum(row.last30, row.prior60));
  const sPrev = shareOf(row.prev90);
  const n = (v: number | null) => (v === null ? NaN : v);
  return {
    shareHere30d: n(s30),
    shareHere90d: n(s90),
    shareHerePrev90d: n(sPrev),
    shareTrend: s30 === null || sPrev === null ? NaN : s30 - sPrev,
    dayShareHere30d: n(dayShareOf(row.last30)),
    dayShareHere90d: n(dayShareOf(sum(row.last30, row.prior60))),
    dayShareHerePrev90d: n(dayShareOf(row.prev90)),
    peerDays30d: row.last30.daysPeers,
    peerDays90d: row.last30.daysPeers + row.prior60.daysPeers,
    categorySpend90dMinor: row.last30.here + row.last30.peers + row.prior60.here + row.prior60.peers,
    recencyDays: row.own.recencyDays,
    frequency180d: row.own.frequency180d,
    monetaryMinor: row.own.monetaryMinor,
    tenureDays: row.own.tenureDays,
    meanInterPurchaseDays: n(row.own.meanInterPurchaseDays),
  };
}

const encode = (rows: readonly SwitchRow[]): number[][] =>
  rows.map((r) => {
    const f = switchFeatures(r);
    return SWITCH_FEATURES.map((k) => f[k]);
  });
const labelsOf = (rows: readonly SwitchRow[]): number[] => rows.map((r) => (switched(r) ? 1 : 0));

/** Deterministic subsample by Knuth's multiplicative hash of the customer id (as the churn model). */
function subsample(rows: readonly SwitchRow[], max: number): SwitchRow[] {
  if (rows.length <= max) return [...rows];
  const h = (id: number) => Math.imul(id | 0, 2654435761) >>> 0;
  return [...rows].sort((a, b) => h(a.customerId) - h(b.customerId) || a.customerId - b.customerId).slice(0, max);
}

/** A value as the model sees it: −0 is 0 (the trees cannot tell them apart), every NaN the same missing value. */
const sameValue = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

const hashView = new Float64Array(1);
const hashWords = new Uint32Array(hashView.buffer);

/** A 32-bit FNV-1a-style hash of an encoded row and its label (NaN and ±0 folded as {@link sameValue} does). */
function rowHash(x: readonly number[], y: number): number {
  let h = 0x811c9dc5 ^ y;
  for (const v of x) {
    hashView[0] = v !== v ? NaN : v === 0 ? 0 : v;
    h = Math.imul(h ^ hashWords[0], 0x01000193);
    h = Math.imul(h ^ hashWords[1], 0x01000193);
  }
  return h >>> 0;
}

/** Lexicographic order of two encoded rows (NaN after every number), for rows of equal hash. */
function compareRows(a: readonly number[], b: readonly number[]): number {
  for (let j = 0; j < a.length; j++) {
    if (sameValue(a[j], b[j])) continue;
    if (a[j] !== a[j]) return 1;
    if (b[j] !== b[j]) return -1;
    return a[j] < b[j] ? -1 : 1;
  }
  return 0;
}

/**
 * Rows in a canonical order that depends on their contents only: by content hash, then
 * lexicographically (rows equal in every value and label are interchangeable), and at most `max`
 * of them, those of smallest hash (a deterministic subsample of the same rows whoever asks).
 */
export function canonicalRows(X: readonly number[][], y: readonly number[], max: number): { X: number[][]; y: number[] } {
  const h = X.map((x, i) => rowHash(x, y[i]));
  const order = X.map((_, i) => i).sort((a, b) => h[a] - h[b] || compareRows(X[a], X[b]) || y[a] - y[b]);
  const kept = order.slice(0, max);
  return { X: kept.map((i) => X[i]), y: kept.map((i) => y[i]) };
}

/** The pooled models this process has fitted, by a hash of their training matrix (most recent last). */
const sharedFits = new Map<string, { X: readonly number[][]; y: readonly number[]; model: TreeEnsemble }[]>();
/** Training matrices kept (each up to maxTrainingRows rows): a few segments' two cutoffs. */
const SHARED_FITS_KEPT = 8;
/** Pooled models fitted, and those answered from an earlier fit of the same matrix (tests, the bench). */
export const sharedFitStats = { fits: 0, hits: 0 };

/**
 * The model `fit` returns for the training matrix (X, y), fitted once per process: a matrix equal
 * in every value (as {@link sameValue} compares) and label to one fitted before gets that model,
 * which the same deterministic fit would return again. The whole matrix is compared on a hit, so
 * a hash collision costs a fit, never a wrong model.
 */
function sharedFit(X: readonly number[][], y: readonly number[], fit: () => TreeEnsemble): TreeEnsemble {
  let h = 0x811c9dc5;
  for (let i = 0; i < X.length; i++) h = Math.imul(h ^ rowHash(X[i], y[i]), 0x01000193);
  const key = `${X.length}|${X[0]?.length ?? 0}|${h >>> 0}`;
  const same = (e: { X: readonly number[][]; y: readonly number[] }) =>
    e.X.length === X.length && e.y.every((v, i) => v === y[i]) && e.X.every((row, i) => row.every((v, j) => sameValue(v, X[i][j])));
  const entries = sharedFits.get(key) ?? [];
  const hit = entries.find(same);
  sharedFits.delete(key);
  if (hit) {
    sharedFits.set(key, entries);
    sharedFitStats.hits++;
    return hit.model;
  }
  sharedFitStats.fits++;
  const model = fit();
  sharedFits.set(key, [...entries, { X, y, model }]);
  while (sharedFits.size > SHARED_FITS_KEPT) sharedFits.delete(sharedFits.keys().next().value!);
  return model;
}

/** Why rows cannot train a model (too few customers or switchers); null when they can. */
function rowsProblem(name: string, cutoff: string, rows: readonly SwitchRow[]): string | null {
  const switchers = labelsOf(rows).reduce((s, v) => s + v, 0);
  if (rows.length < SWITCH_SETTINGS.minRows) return `too few customers who buy mainly here at the ${name} cutoff ${cutoff}: ${rows.length} (at least ${SWITCH_SETTINGS.minRows} needed)`;
  if (switchers < SWITCH_SETTINGS.minSwitchers || rows.length - switchers < SWITCH_SETTINGS.minSwitchers) {
    return `too few switchers or stayers at the ${name} cutoff ${cutoff}: ${switchers} switched, ${rows.length - switchers} stayed (at least ${SWITCH_SETTINGS.minSwitchers} of each needed)`;
  }
  return null;
}

/** Everything the switching model needs, as read by lib/jobs/switching.ts. Rows are every active customer (filtered here). */
export interface SwitchRunInputs {
  asOf: string;
  horizonDays: number;
  trainCutoff: string;
  validationCutoff: string;
  train: readonly SwitchRow[];
  validation: readonly SwitchRow[];
  score: readonly SwitchRow[];
  /** The segment's rows at the two cutoffs (peer ids anonymised), or null when none were released. */
  pool: { merchants: number; train: readonly SwitchRow[]; validation: readonly SwitchRow[] } | null;
  peerMerchants: number;
  /** 12-month value per customer from the latest CLV run, or null (then 12-month historical revenue). */
  clv: { runId: number; clvMinor: ReadonlyMap<number, number> } | null;
  periodFrom: string;
}

/** The holdout predictions of the chosen model on the merchant's own validation customers (not stored: for tests and reports). */
export interface SwitchHoldout {
  customerIds: number[];
  pSwitch: number[];
  switched: number[];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const orNull = (fn: () => number): number | null => {
  try {
    const v = fn();
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
};

/** Frequency band of a customer: purchase days in the last 180 days (own history). */
export function frequencyBand(purchaseDays: number): string {
  if (purchaseDays <= 1) return "1";
  if (purchaseDays <= 3) return "2-3";
  if (purchaseDays <= 6) return "4-6";
  return "7+";
}

const SEGMENT_ORDER = ["female", "male", "unknown", "<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "1", "2-3", "4-6", "7+"];

/**
 * Expected switchers' share and revenue at risk by gender, age band and purchase frequency; cells
 * under 5 customers suppressed with complementary suppression within each dimension (the cells of
 * a dimension add up to the released scored customers).
 */
export function switchSegments(rows: readonly SwitchRow[], p: readonly number[], value: readonly number[]): SwitchSegment[] {
  type Cell = { dimension: SwitchSegment["dimension"]; value: string; n: number; p: number; money: number };
  const cells = new Map<string, Cell>();
  const add = (dimension: Cell["dimension"], v: string, i: number) => {
    const key = `${dimension}\u0000${v}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { dimension, value: v, n: 0, p: 0, money: 0 }));
    c.n += 1;
    c.p += p[i];
    c.money += p[i] * value[i];
  };
  rows.forEach((r, i) => {
    add("gender", r.own.female === null ? "unknown" : r.own.female ? "female" : "male", i);
    add("ageBand", ageBand(r.own.age), i);
    add("frequency", frequencyBand(r.own.frequency180d), i);
  });
  const out: SwitchSegment[] = [];
  for (const dimension of ["gender", "ageBand", "frequency"] as const) {
    const of = [...cells.values()].filter((c) => c.dimension === dimension).sort((a, b) => SEGMENT_ORDER.indexOf(a.value) - SEGMENT_ORDER.indexOf(b.value));
    const hidden = complementarySuppression([of.map((c) => c.n)]);
    of.forEach((c, k) =>
      out.push(
        hidden[k]
          ? { dimension, value: c.value, customers: null, expectedShare: null, revenueAtRiskMinor: null, suppressed: true }
          : { dimension, value: c.value, customers: c.n, expectedShare: round(c.p / c.n, 6), revenueAtRiskMinor: Math.round(c.money), suppressed: false },
      ),
    );
  }
  return out;
}

/**
 * The stored switching run from its inputs, and the chosen model's holdout predictions (not
 * stored). Keeps only customers who buy mainly here at each cutoff; trains the merchant-only model
 * when its own training cutoff has enough switchers, the pooled one when a pool was released, and
 * keeps the better on the merchant's own validation customers (ties to merchant-only); refits it
 * at the validation cutoff and scores as of asOf. Deterministic (seeded).
 *
 * @throws ModelInputError when nobody is to be scored, fewer than 5 are (no aggregate may describe
 *         them), or neither the merchant's own rows nor a pool can train the model
 */
export function buildSwitchRun(inputs: SwitchRunInputs): { run: ComputedRun<typeof switchingContract>; holdout: SwitchHoldout } {
  const { asOf, horizonDays, trainCutoff, validationCutoff } = inputs;
  const train = inputs.train.filter(isMainlyHere);
  const validation = inputs.validation.filter(isMainlyHere);
  const score = inputs.score.filter(isMainlyHere);
  if (score.length === 0) throw new ModelInputError(`no customers who bought mainly here in the 180 days before ${asOf}`);
  if (score.length < 5) throw new ModelInputError(`only ${score.length} customers buy mainly here: fewer than 5, no aggregate may describe them`);
  if (validation.length === 0) throw new ModelInputError(`no customers who bought mainly here before the validation cutoff ${validationCutoff}`);
  const ownProblem = rowsProblem("training", trainCutoff, train) ?? rowsProblem("validation", validationCutoff, validation);
  const poolTrain = inputs.pool ? inputs.pool.train.filter(isMainlyHere) : [];
  const poolValidation = inputs.pool ? inputs.pool.validation.filter(isMainlyHere) : [];
  const poolProblem = inputs.pool === null ? "no pooled training set" : (rowsProblem("training", trainCutoff, poolTrain) ?? rowsProblem("validation", validationCutoff, poolValidation));
  if (ownProblem !== null && poolProblem !== null) throw new ModelInputError(ownProblem);

  const features = [...SWITCH_FEATURES];
  const { seed, ...gbdt } = SWITCH_SETTINGS.model;
  const fitOwn = (rows: readonly SwitchRow[]): TreeEnsemble => {
    const kept = subsample(rows, SWITCH_SETTINGS.maxTrainingRows);
    return fitGradientBoosting(encode(kept), labelsOf(kept), features, { ...gbdt, seed });
  };
  // The pool's rows are the same for every member of a segment (the same peers' rows at the same
  // cutoffs, each capped by its real customer ids), but arrive in the asker's order with the
  // asker's anonymous ids: set in a canonical order and subsampled by content, they make one
  // training matrix, fitted once per worker process and shared (ADR 0027).
  const fitPooled = (rows: readonly SwitchRow[]): TreeEnsemble => {
    const { X, y } = canonicalRows(encode(rows), labelsOf(rows), SWITCH_SETTINGS.maxTrainingRows);
    return sharedFit(X, y, () => fitGradientBoosting(X, y, features, { ...gbdt, seed }));
  };
  const fit = (rows: readonly SwitchRow[], mode: "merchantOnly" | "pooled"): TreeEnsemble => (mode === "pooled" ? fitPooled(rows) : fitOwn(rows));
  const XValid = encode(validation);
  const yValid = labelsOf(validation);
  const candidates: { mode: "merchantOnly" | "pooled"; margins: number[]; auc: number | null }[] = [];
  for (const [mode, rows, problem] of [
    ["merchantOnly", train, ownProblem],
    ["pooled", poolTrain, poolProblem],
  ] as const) {
    if (problem !== null) continue;
    const m = fit(rows, mode);
    const margins = XValid.map((x) => predictMargin(m, x));
    candidates.push({ mode, margins, auc: orNull(() => rocAuc(yValid, margins)) });
  }
  const chosen = candidates.reduce((best, c) => ((c.auc ?? -1) > (best.auc ?? -1) ? c : best));
  const pValid = chosen.margins.map(sigmoid);
  let ci: { lower: number } | null = null;
  try {
    ci = delongAucInterval(yValid, pValid, 0.95);
    if (!Number.isFinite(ci.lower)) ci = null;
  } catch {
    ci = null;
  }
  const verdict: SwitchingSummary["verdict"] = ci === null ? "notAssessed" : ci.lower > 0.5 ? "better" : "notBetterThanRandom";

  const finalRows = chosen.mode === "pooled" ? poolValidation : validation;
  const final = fit(finalRows, chosen.mode);
  const X = encode(score);
  const margins = X.map((x) => predictMargin(final, x));
  const shap = treeShapBatch(final, X).map((e) => e.values);
  const p = margins.map(sigmoid);
  const value = score.map((r) => Math.max(0, Math.round(inputs.clv?.clvMinor.get(r.customerId) ?? r.own.revenue365dMinor)));
  const expectedSwitchers = p.reduce((s, v) => s + v, 0);
  const totalRevenueAtRiskMinor = p.reduce((s, v, i) => s + Math.round(v * value[i]), 0);

  const observedAt = (cutoff: string, rows: readonly SwitchRow[]) => ({
    cutoff,
    customers: rows.length,
    switchRate: rows.length >= 5 ? round(labelsOf(rows).reduce((s, v) => s + v, 0) / rows.length, 6) : null,
  });

  const metrics: SwitchingMetrics = {
    rocAuc: roundOrNull(orNull(() => rocAuc(yValid, pValid))),
    prAuc: roundOrNull(orNull(() => prAuc(yValid, pValid))),
    brierScore: round(brierScore(yValid, pValid), 6),
    validationSwitchRate: round(yValid.reduce((s, v) => s + v, 0) / yValid.length, 6),
    validationRows: validation.length,
    finalTrainRows: Math.min(finalRows.length, SWITCH_SETTINGS.maxTrainingRows),
    scoredCustomers: score.length,
  };
  const summary: SwitchingSummary = {
    horizonDays,
    asOf,
    scoredCustomers: score.length,
    expectedSwitchers: round(expectedSwitchers, 2),
    expectedShare: round(expectedSwitchers / score.length, 6),
    totalRevenueAtRiskMinor,
    observed: [observedAt(trainCutoff, train), observedAt(validationCutoff, validation)],
    riskHistogram: unitHistogram(p),
    factors: factorEffects(features, margins, shap, value),
    segments: switchSegments(score, p, value),
    verdict,
  };
  const params: SwitchingParams = {
    horizonDays,
    mainShare: SWITCH_SETTINGS.mainShare,
    switchedShare: SWITCH_SETTINGS.switchedShare,
    asOf,
    trainCutoff,
    validationCutoff,
    features,
    training: chosen.mode,
    poolMerchants: chosen.mode === "pooled" ? (inputs.pool?.merchants ?? null) : null,
    peerMerchants: inputs.peerMerchants,
    model: { nTrees: gbdt.nTrees, maxDepth: gbdt.maxDepth, learningRate: gbdt.learningRate, minChildWeight: gbdt.minChildWeight, lambda: gbdt.lambda },
    clvRunId: inputs.clv?.runId ?? null,
  };
  return {
    run: { periodFrom: inputs.periodFrom, periodTo: asOf, params, metrics, summary, outputs: [] },
    holdout: { customerIds: validation.map((r) => r.customerId), pSwitch: pValid, switched: yValid },
  };
}

function roundOrNull(v: number | null): number | null {
  return v === null ? null : round(v, 6);
}
