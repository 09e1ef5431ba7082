import { kMeans, nearestCentroid } from "@/lib/models/kmeans";
import { stream } from "@/lib/models/prng";
import { treeShapBatch } from "@/lib/models/treeshap";
import { predictProbability } from "@/lib/models/tree";
import {
  auuc,
  fitClassTransformation,
  fitTLearner,
  predictClassTransformation,
  predictTLearner,
  qiniCoefficient,
  qiniCurve,
  perfectQiniCurve,
  upliftAtK,
  type GainCurve,
} from "@/lib/models/uplift";
import {
  bootstrapMeanDifference,
  compareProportions,
  minimumDetectableLiftMean,
  minimumDetectableLiftProportion,
  planGroupSizes,
  welchCompare,
} from "@/lib/models/upliftStats";
import { guardsRemovedForAttackDemo } from "@/lib/privacy/disclosure";
import { complementarySuppression, MIN_CELL_CUSTOMERS } from "@/lib/privacy/suppression";
import { moments } from "@/lib/stats";
import type { ActionReport, CampaignReport, CustomerEffect, GroupLift, OutcomeName, OutcomeStat, UpliftEvaluation } from "./types";

/*
 * The campaign report's computation (docs/campaigns.md), pure: from the campaign's rows as
 * columns to the lifts, the uplift models and their held-out evaluation, clusters and segments,
 * and the per-customer effect table. No I/O: ./report.ts reads the rows and ./store.ts writes
 * the result. The models are in lib/models (upliftStats, uplift, kmeans, gbdt, treeshap).
 */

/** Seed of every random choice of a report (split, subsamples, bootstrap, k-means): same data, same report. */
const REPORT_SEED = 20080301;
/** Share of rows held out to evaluate the uplift models. */
const HOLDOUT_SHARE = 0.3;
/** At most this many training rows per uplift model (seeded subsample above it). */
const MAX_TRAIN_ROWS = 60_000;
/** Recommend an action only when its expected effect exceeds this (probability points). */
const EFFECT_THRESHOLD = 0.005;
const CLUSTERS = 4;
const MAX_KMEANS_ROWS = 20_000;
const MAX_SHAP_ROWS = 1000;
const BOOTSTRAP_REPLICATES = 500;
const MAX_LEVELS = 12;
const MIN_MODEL_ROWS = 200;
/**
 * The smallest campaign analysed: two arms of MIN_CELL_CUSTOMERS (issue 13: a report of a
 * two-row file describes two people).
 */
const MIN_CAMPAIGN_CUSTOMERS = 2 * MIN_CELL_CUSTOMERS;
/** The version of the disclosure rules of a report (CampaignReport.disclosure). */
export const CAMPAIGN_DISCLOSURE_FORMAT = 2;

/** The campaign's row in `campaigns` with its merchant's currency, as the report reads it. */
export interface CampaignMeta {
  id: number;
  merchant_id: number;
  name: string;
  format: string;
  row_count: number;
  unknown_customers: number;
  outcome_columns: string[];
  outcome_source: "file" | "derived";
  window_days: number;
  feature_names: string[];
  currency: string;
}

/** Columnar campaign data as the report reads it. */
export interface CampaignData {
  refs: string[];
  treatment: Uint8Array;
  action: string[];
  outcomes: Partial<Record<OutcomeName, Float64Array>>;
  /** Feature matrix columns (numeric or category codes; NaN = missing). */
  features: { name: string; kind: "numeric" | "categorical"; values: Float64Array; levels: string[] }[];
}

/**
 * One campaign row as ./report.ts reads it: the file's fields, whether the customer is one of
 * the merchant's, its bank demographics (gender, age at the send date) and, for derived outcomes,
 * its purchases and gross sales (minor units) at the merchant in [sent_on, sent_on + window_days).
 */
export interface CampaignDataRow {
  line: number;
  customer_ref: string;
  grp: string;
  action: string;
  visit: number | null;
  conversion: number | null;
  revenue_minor: number | null;
  features: Record<string, string> | string;
  known: boolean;
  purchases: number | null;
  sales: number | null;
  gender: string | null;
  age: number | null;
}

/**
 * Folds the campaign's rows, in line order and in any number of pages, into columns. Derived
 * outcomes: conversion = any purchase in the window (1/0), revenue = its gross sales; unknown
 * customers have none and are left out. File outcomes are taken as given. Bank gender and age
 * band become two more features when any row has them. Pure.
 */
export function campaignColumns(meta: Pick<CampaignMeta, "outcome_source" | "outcome_columns" | "feature_names">): {
  add(rows: readonly CampaignDataRow[]): void;
  finish(): CampaignData;
} {
  const derived = meta.outcome_source === "derived";
  const outcomeNames: OutcomeName[] = derived ? ["conversion", "revenue"] : (meta.outcome_columns as OutcomeName[]);
  const refs: string[] = [];
  const treat: number[] = [];
  const action: string[] = [];
  const out: Record<string, number[]> = Object.fromEntries(outcomeNames.map((o) => [o, []]));
  const raw: Record<string, (string | undefined)[]> = Object.fromEntries(meta.feature_names.map((f) => [f, []]));
  const bank = { gender: [] as (string | undefined)[], age: [] as (string | undefined)[] };
  let anyBank = false;
  return {
    add(rows) {
      for (const r of rows) {
        if (derived && !r.known) continue;
        refs.push(r.customer_ref);
        treat.push(r.grp === "treatment" ? 1 : 0);
        action.push(r.action);
        if (derived) {
          out.conversion.push((r.purchases ?? 0) > 0 ? 1 : 0);
          out.revenue.push(r.sales ?? 0);
        } else {
          for (const o of outcomeNames) out[o].push(Number(o === "revenue" ? r.revenue_minor : r[o]));
        }
        const f = typeof r.features === "string" ? (JSON.parse(r.features) as Record<string, string>) : r.features;
        for (const name of meta.feature_names) raw[name].push(f[name]);
        if (r.gender !== null || r.age !== null) anyBank = true;
        bank.gender.push(r.gender ?? undefined);
        bank.age.push(r.age === null ? undefined : ageBand(r.age));
      }
    },
    finish() {
      const columns = Object.entries(raw);
      if (anyBank) columns.push(["bank_gender", bank.gender], ["bank_age_band", bank.age]);
      return {
        refs,
        treatment: Uint8Array.from(treat),
        action,
        outcomes: Object.fromEntries(outcomeNames.map((o) => [o, Float64Array.from(out[o])])),
        features: columns.map(([name, values]) => encodeColumn(name, values)),
      };
    },
  };
}

/** Age bands of the bank's demographics (years at the send date). */
function ageBand(age: number): string {
  if (age < 25) return "18–24";
  if (age < 35) return "25–34";
  if (age < 45) return "35–44";
  if (age < 55) return "45–54";
  if (age < 65) return "55–64";
  return "65+";
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Numeric when every present value is a number, else categorical with sorted levels (codes 0..L−1). */
export function encodeColumn(name: string, values: (string | undefined)[]): CampaignData["features"][number] {
  const numeric = values.every((v) => v === undefined || NUMBER.test(v));
  if (numeric) return { name, kind: "numeric", levels: [], values: Float64Array.from(values, (v) => (v === undefined ? Number.NaN : Number(v))) };
  const levels = [...new Set(values.filter((v): v is string => v !== undefined))].sort();
  const code = new Map(levels.map((l, i) => [l, i]));
  return { name, kind: "categorical", levels, values: Float64Array.from(values, (v) => (v === undefined ? Number.NaN : code.get(v)!)) };
}

function rateStat(outcome: OutcomeName, y: Float64Array, t: number[], c: number[]): OutcomeStat {
  let xt = 0;
  let xc = 0;
  for (const i of t) xt += y[i];
  for (const i of c) xc += y[i];
  const est = compareProportions(xt, t.length, xc, c.length);
  return { outcome, kind: "rate", ...est, mde: minimumDetectableLiftProportion(est.control, t.length, c.length) };
}

function meanStat(outcome: OutcomeName, y: Float64Array, t: number[], c: number[], seed: number): OutcomeStat {
  const yt = Float64Array.from(t, (i) => y[i]);
  const yc = Float64Array.from(c, (i) => y[i]);
  const mt = moments(yt);
  const mc = moments(yc);
  const welch = welchCompare(mt, mc);
  const boot = bootstrapMeanDifference(yt, yc, stream(REPORT_SEED, 0x626f6f74, seed), BOOTSTRAP_REPLICATES);
  const pooledSd = Math.sqrt(((mt.n - 1) * mt.variance + (mc.n - 1) * mc.variance) / (mt.n + mc.n - 2));
  return { outcome, kind: "mean", ...boot, welchCi: welch.ci, mde: minimumDetectableLiftMean(pooledSd, t.length, c.length) };
}

/**
 * The lifts of cells that partition one action's rows (the levels of one feature, or the
 * clusters), each arm of every cell at least MIN_CELL_CUSTOMERS customers, with complementary
 * suppression per arm (lib/privacy/suppression.ts): a suppressed cell keeps its key, every figure null.
 */
function groupLifts(cells: { key: string; idx: number[] }[], y: Float64Array, treatment: Uint8Array): GroupLift[] {
  const lifts = cells.map((c) => groupLift(c.key, y, c.idx, treatment));
  const hidden = complementarySuppression([lifts.map((g) => g.treatment ?? 0), lifts.map((g) => g.control ?? 0)]);
  return lifts.map((g, i) =>
    hidden[i] ? { key: g.key, treatment: null, control: null, treatmentRate: null, controlRate: null, lift: null, ci: null, suppressed: true } : g,
  );
}

function groupLift(key: string, y: Float64Array, idx: number[], treatment: Uint8Array): GroupLift {
  let nt = 0;
  let nc = 0;
  let xt = 0;
  let xc = 0;
  for (const i of idx) {
    if (treatment[i] === 1) {
      nt += 1;
      xt += y[i];
    } else {
      nc += 1;
      xc += y[i];
    }
  }
  if (nt === 0 || nc === 0) {
    return { key, treatment: nt, control: nc, treatmentRate: nt ? xt / nt : null, controlRate: nc ? xc / nc : null, lift: null, ci: null, suppressed: false };
  }
  const est = compareProportions(xt, nt, xc, nc);
  return { key, treatment: nt, control: nc, treatmentRate: est.treatment, controlRate: est.control, lift: est.absolute, ci: est.ci, suppressed: false };
}

function evaluate(y: number[], score: number[], t: number[]): UpliftEvaluation {
  return {
    heldOut: y.length,
    qini: qiniCoefficient(y, score, t),
    auuc: auuc(y, score, t),
    upliftAtK: [0.1, 0.2, 0.3, 0.5].map((k) => ({ k, value: upliftAtK(y, score, t, k) })),
  };
}

/** The curve at ≤ 101 evenly spaced shares of the customers (linear interpolation), as x = share. */
function downsample(c: GainCurve, n: number): { x: number[]; y: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  let j = 0;
  for (let s = 0; s <= 100; s++) {
    const target = (s / 100) * n;
    while (j < c.x.length - 1 && c.x[j + 1] < target) j++;
    const x0 = c.x[j];
    const x1 = c.x[Math.min(j + 1, c.x.length - 1)];
    const y0 = c.y[j];
    const y1 = c.y[Math.min(j + 1, c.y.length - 1)];
    xs.push(s / 100);
    ys.push(x1 === x0 ? y0 : y0 + ((target - x0) / (x1 - x0)) * (y1 - y0));
  }
  return { x: xs, y: ys };
}

function subsample(idx: number[], max: number, purpose: number): number[] {
  if (idx.length <= max) return idx;
  const rng = stream(REPORT_SEED, purpose);
  const a = idx.slice();
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, max).sort((p, q) => p - q);
}


/**
 * Computes the report and the per-customer effect table of one campaign from its columns (pure
 * and deterministic: every random choice is seeded by REPORT_SEED). `report.computeMs` is 0;
 * the caller sets the time it took.
 *
 * Disclosure (issue 13, docs/privacy.md): at least MIN_CAMPAIGN_CUSTOMERS analysed customers; an
 * action whose treatment or control arm has fewer than 5 customers is withheld as a whole
 * (`suppressed`); segment and cluster cells need 5 customers in each arm, with complementary
 * suppression; cluster profiles need 5 customers.
 * @throws Error when there are no analysable rows, or fewer than MIN_CAMPAIGN_CUSTOMERS
 */
export function analyseCampaign(meta: CampaignMeta, data: CampaignData): { report: CampaignReport; effects: CustomerEffect[] } {
  const n = data.refs.length;
  if (n === 0) throw new Error("campaign report: no analysable rows (derived outcomes need customers known to the bank)");
  const guards = !guardsRemovedForAttackDemo();
  if (guards && n < MIN_CAMPAIGN_CUSTOMERS) {
    throw new Error(`campaign report: ${n} analysable customers, at least ${MIN_CAMPAIGN_CUSTOMERS} needed (privacy: every released figure describes at least ${MIN_CELL_CUSTOMERS} customers per group)`);
  }
  const outcomes = Object.keys(data.outcomes) as OutcomeName[];
  const binary = (["visit", "conversion"] as const).filter((o) => data.outcomes[o]);
  // The binary outcome with the most responders: the most statistical power for the models.
  const primary = binary.length === 0 ? null : binary.reduce((best, o) => (sum(data.outcomes[o]!) > sum(data.outcomes[best]!) ? o : best));
  const actions = [...new Set(data.action.filter((a, i) => a !== "" && data.treatment[i] === 1))].sort();
  const nf = data.features.length;
  const featureNames = data.features.map((f) => f.name);
  const row = (i: number) => data.features.map((f) => f.values[i]);
  // One held-out split for all actions: a customer is in the test part or not, whatever the action.
  const splitRng = stream(REPORT_SEED, 0x73706c74);
  const heldOut = Uint8Array.from({ length: n }, () => (splitRng.next() < HOLDOUT_SHARE ? 1 : 0));

  const clusterInfo = nf > 0 && n >= CLUSTERS * 10 ? clusterRows(data) : null;
  const tModels = new Map<string, ReturnType<typeof fitTLearner>>();
  const actionReports: ActionReport[] = [];
  for (const [a, action] of actions.entries()) {
    const t: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < n; i++) {
      if (data.treatment[i] === 1 && data.action[i] === action) t.push(i);
      else if (data.treatment[i] === 0 && (data.action[i] === "" || data.action[i] === action)) c.push(i);
    }
    const suppressed = guards && (t.length < MIN_CELL_CUSTOMERS || c.length < MIN_CELL_CUSTOMERS);
    const stats: OutcomeStat[] = outcomes.flatMap((o) => {
      const y = data.outcomes[o]!;
      if (suppressed || t.length < 2 || c.length < 2) return [];
      return [o === "revenue" ? meanStat(o, y, t, c, a) : rateStat(o, y, t, c)];
    });
    const both = [...t, ...c].sort((p, q) => p - q);
    let uplift: ActionReport["uplift"] = null;
    if (!suppressed && primary && nf > 0 && both.length >= MIN_MODEL_ROWS) {
      const y = data.outcomes[primary]!;
      const train = subsample(both.filter((i) => heldOut[i] === 0), MAX_TRAIN_ROWS, 0x747200 + a);
      const test = both.filter((i) => heldOut[i] === 1);
      const trainX = train.map(row);
      const trainY = train.map((i) => y[i]);
      const trainT = train.map((i) => data.treatment[i]);
      const armsOk = trainT.includes(1) && trainT.includes(0) && test.some((i) => data.treatment[i] === 1) && test.some((i) => data.treatment[i] === 0);
      if (armsOk) {
        const tl = fitTLearner(trainX, trainY, trainT, featureNames);
        tModels.set(action, tl);
        const ct = fitClassTransformation(trainX, trainY, trainT, featureNames, REPORT_SEED + a);
        const testX = test.map(row);
        const ty = test.map((i) => y[i]);
        const tt = test.map((i) => data.treatment[i]);
        const sT = testX.map((x) => predictTLearner(tl, x));
        const sC = testX.map((x) => predictClassTransformation(ct, x));
        const rr = stream(REPORT_SEED, 0x726e64, a);
        const sR = test.map(() => rr.next());
        const m = test.length;
        const shapRows = subsample(test, MAX_SHAP_ROWS, 0x736870 + a).map(row);
        const shT = treeShapBatch(tl.treated, shapRows);
        const shC = treeShapBatch(tl.control, shapRows);
        const meanAbs = new Float64Array(nf);
        for (let r = 0; r < shapRows.length; r++) for (let f = 0; f < nf; f++) meanAbs[f] += Math.abs(shT[r].values[f] - shC[r].values[f]) / shapRows.length;
        uplift = {
          tLearner: evaluate(ty, sT, tt),
          classTransformation: evaluate(ty, sC, tt),
          random: evaluate(ty, sR, tt),
          qiniCurve: {
            x: downsample(qiniCurve(ty, sT, tt), m).x,
            model: downsample(qiniCurve(ty, sT, tt), m).y,
            classTransformation: downsample(qiniCurve(ty, sC, tt), m).y,
            random: downsample(qiniCurve(ty, sR, tt), m).y,
            perfect: downsample(perfectQiniCurve(ty, tt), m).y,
          },
          shap: featureNames.map((feature, f) => ({ feature, meanAbs: meanAbs[f] })).sort((p, q) => q.meanAbs - p.meanAbs),
        };
      }
    }
    let clusters: GroupLift[] = [];
    const segments: ActionReport["segments"] = [];
    if (primary && !suppressed) {
      const y = data.outcomes[primary]!;
      if (clusterInfo) {
        clusters = groupLifts(Array.from({ length: clusterInfo.k }, (_, k) => ({ key: String(k + 1), idx: both.filter((i) => clusterInfo.labels[i] === k) })), y, data.treatment);
      }
      for (const f of data.features) {
        if (f.kind !== "categorical" || f.levels.length > MAX_LEVELS) continue;
        // Rows without a value of the feature form a cell of their own (key ""), so the cells
        // partition the arms' totals and complementary suppression sees every cell.
        const cells = f.levels.map((level, code) => ({ key: level, idx: both.filter((i) => f.values[i] === code) }));
        const missing = both.filter((i) => !(f.values[i] >= 0 && f.values[i] < f.levels.length));
        segments.push({ feature: f.name, groups: groupLifts(missing.length ? [...cells, { key: "", idx: missing }] : cells, y, data.treatment) });
      }
    }
    actionReports.push({ action, treatment: t.length, control: c.length, suppressed, outcomes: stats, uplift, clusters, segments });
  }

  // The table "identifier, action, effect" for every analysed customer.
  const effects: CustomerEffect[] = [];
  const categories: Record<string, number> = { persuadable: 0, "sure thing": 0, "lost cause": 0, "do-not-disturb": 0 };
  if (tModels.size > 0) {
    for (let i = 0; i < n; i++) {
      const x = row(i);
      const e: Record<string, number> = {};
      let best: string | null = null;
      let bestV = -Infinity;
      let baseline = 0;
      for (const [action, tl] of tModels) {
        const v = predictTLearner(tl, x);
        e[action] = v;
        if (v > bestV) {
          bestV = v;
          best = action;
          baseline = predictProbability(tl.control, x);
        }
      }
      const category: CustomerEffect["category"] =
        bestV > EFFECT_THRESHOLD ? "persuadable" : bestV < -EFFECT_THRESHOLD ? "do-not-disturb" : baseline >= 0.5 ? "sure thing" : "lost cause";
      categories[category] += 1;
      effects.push({ customerRef: data.refs[i], effects: e, recommended: category === "persuadable" ? best : null, category });
    }
  }

  let planner: CampaignReport["planner"] = null;
  if (primary) {
    const y = data.outcomes[primary]!;
    let nc = 0;
    let xc = 0;
    for (let i = 0; i < n; i++) if (data.treatment[i] === 0) {
      nc++;
      xc += y[i];
    }
    const baseline = nc > 0 ? xc / nc : 0;
    // The control rate is a cell too: released only over at least 5 customers.
    if (baseline > 0 && baseline < 0.9 && (!guards || nc >= MIN_CELL_CUSTOMERS)) {
      const rows = [];
      for (const lift of [0.005, 0.01, 0.02, 0.05]) for (const power of [0.8, 0.9]) rows.push({ lift, power, perGroup: planGroupSizes(baseline, lift, { power }).treatment });
      planner = { baseline, rows };
    }
  }

  const report: CampaignReport = {
    campaign: {
      id: meta.id, name: meta.name, format: meta.format, rows: meta.row_count, unknownCustomers: meta.unknown_customers,
      outcomeSource: meta.outcome_source, windowDays: meta.window_days, analysedRows: n, currency: meta.currency,
    },
    outcomes,
    primaryOutcome: primary,
    actions: actionReports,
    clusters: clusterInfo ? { k: clusterInfo.k, profiles: suppressProfiles(clusterInfo.profiles) } : null,
    planner,
    effectThreshold: EFFECT_THRESHOLD,
    categories,
    computeMs: 0,
    disclosure: CAMPAIGN_DISCLOSURE_FORMAT,
  };
  return { report, effects };
}

/** Cluster profiles under 5 customers, and their complements (sizes add up to the analysed rows), lose size and centroid. */
function suppressProfiles(profiles: { cluster: number; size: number; centroid: Record<string, number> }[]): NonNullable<CampaignReport["clusters"]>["profiles"] {
  const hidden = complementarySuppression([profiles.map((p) => p.size)]);
  return profiles.map((p, i) => (hidden[i] ? { cluster: p.cluster, size: null, centroid: null } : p));
}

function sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/**
 * k-means (k-means++, seeded) on the pre-campaign features: numeric columns standardized
 * (missing = the mean), categorical ones one-hot (≤ 12 levels); fitted on ≤ 20,000 rows, every
 * row then assigned to its nearest centroid. Profiles report each centroid back in the
 * features' units (means of numeric columns, shares of each level).
 */
function clusterRows(data: CampaignData): { k: number; labels: Int32Array; profiles: { cluster: number; size: number; centroid: Record<string, number> }[] } {
  const n = data.refs.length;
  const cols: { name: string; get: (i: number) => number }[] = [];
  for (const f of data.features) {
    if (f.kind === "numeric") {
      let s = 0;
      let s2 = 0;
      let m = 0;
      for (let i = 0; i < n; i++) if (!Number.isNaN(f.values[i])) {
        m++;
        s += f.values[i];
        s2 += f.values[i] ** 2;
      }
      const mean = m ? s / m : 0;
      const sd = m > 1 ? Math.sqrt(Math.max(0, s2 / m - mean * mean)) : 0;
      cols.push({ name: f.name, get: (i) => (Number.isNaN(f.values[i]) || sd === 0 ? 0 : (f.values[i] - mean) / sd) });
    } else if (f.levels.length <= MAX_LEVELS) {
      f.levels.forEach((level, code) => cols.push({ name: `${f.name}=${level}`, get: (i) => (f.values[i] === code ? 1 : 0) }));
    }
  }
  const all = Array.from({ length: n }, (_, i) => i);
  const fitRows = subsample(all, MAX_KMEANS_ROWS, 0x6b6d);
  const X = fitRows.map((i) => cols.map((c) => c.get(i)));
  const { centroids } = kMeans(X, CLUSTERS, { seed: REPORT_SEED, nInit: 3 });
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = nearestCentroid(centroids, cols.map((c) => c.get(i))).index;
  const profiles = centroids.map((_, k) => {
    const members = all.filter((i) => labels[i] === k);
    const centroid: Record<string, number> = {};
    for (const f of data.features) {
      if (f.kind === "numeric") {
        let s = 0;
        let m = 0;
        for (const i of members) if (!Number.isNaN(f.values[i])) {
          m++;
          s += f.values[i];
        }
        centroid[f.name] = m ? s / m : Number.NaN;
      } else if (f.levels.length <= MAX_LEVELS) {
        f.levels.forEach((level, code) => (centroid[`${f.name}=${level}`] = members.length ? members.filter((i) => f.values[i] === code).length / members.length : 0));
      }
    }
    return { cluster: k + 1, size: members.length, centroid };
  });
  return { k: CLUSTERS, labels, profiles };
}
