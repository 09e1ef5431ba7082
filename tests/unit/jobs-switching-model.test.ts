import { describe, expect, it } from "vitest";
import { ModelInputError } from "@/lib/jobs/errors";
import {
  buildSwitchRun,
  canonicalRows,
  frequencyBand,
  isMainlyHere,
  sharedFitStats,
  switched,
  switchFeatures,
  switchSegments,
  type SwitchRow,
  type SwitchRunInputs,
  type WindowSpend,
} from "@/lib/jobs/switchingModel";
import { factorEffects } from "@/lib/jobs/summaries";
import { stream } from "@/lib/models/prng";
import { parseForWrite } from "@/lib/runs/contract";
import { switchingContract } from "@/lib/runs/switching";

/*
 * The competitor-leaving model's pure steps (lib/jobs/switchingModel.ts, ADR 0024): the target
 * (mainly here, then most purchase days at peers), the features, factor effects in points of risk
 * and money, suppressed segments, and a whole run on hand-built rows: aggregates only, no
 * per-customer output.
 */

const w = (here: number, peers: number, daysHere: number, daysPeers: number): WindowSpend => ({ here, peers, daysHere, daysPeers });

function row(customerId: number, over: Partial<SwitchRow> = {}, own: Partial<SwitchRow["own"]> = {}): SwitchRow {
  return {
    customerId,
    own: { recencyDays: 5, frequency180d: 6, monetaryMinor: 100_000, tenureDays: 400, meanInterPurchaseDays: 20, revenue365dMinor: 1_200_000, age: 40, female: true, ...own },
    last30: w(100_000, 0, 1, 0),
    prior60: w(200_000, 50_000, 2, 1),
    prev90: w(300_000, 0, 3, 0),
    label: w(100_000, 0, 1, 0),
    ...over,
  };
}

describe("the target", () => {
  it("is 'mainly here' by purchase days over 180 days and 'switched' when peers' days outnumber the days here in the horizon", () => {
    // 6 days here, 1 at peers: mainly here; the horizon's 1 day here: stayed.
    expect(isMainlyHere(row(1))).toBe(true);
    expect(switched(row(1))).toBe(false);
    // 3 days here, 3 at peers: exactly half counts as mainly here.
    expect(isMainlyHere(row(2, { last30: w(1, 1, 1, 1), prior60: w(1, 1, 1, 1), prev90: w(1, 1, 1, 1) }))).toBe(true);
    expect(isMainlyHere(row(3, { last30: w(1, 1, 1, 2), prior60: w(1, 1, 1, 1), prev90: w(1, 1, 1, 1) }))).toBe(false);
    // No category purchase at all: not in the population.
    expect(isMainlyHere(row(4, { last30: w(0, 0, 0, 0), prior60: w(0, 0, 0, 0), prev90: w(0, 0, 0, 0) }))).toBe(false);
    // Horizon: 1 day here, 2 at peers → switched; 1 and 1 → not; none → not (left the category: churn).
    expect(switched(row(5, { label: w(900_000, 10, 1, 2) }))).toBe(true);
    expect(switched(row(6, { label: w(10, 900_000, 1, 1) }))).toBe(false);
    expect(switched(row(7, { label: w(0, 0, 0, 0) }))).toBe(false);
    expect(() => switched(row(8, { label: null }))).toThrow(/no label window/);
  });

  it("computes the features in their units", () => {
    expect(switchFeatures(row(1, { last30: w(300, 100, 1, 3) }))).toEqual({
      shareHere30d: 0.75,
      shareHere90d: 200_300 / 250_400,
      shareHerePrev90d: 1,
      shareTrend: -0.25,
      dayShareHere30d: 0.25,
      dayShareHere90d: 3 / 7,
      dayShareHerePrev90d: 1,
      peerDays30d: 3,
      peerDays90d: 4,
      categorySpend90dMinor: 250_400,
      recencyDays: 5,
      frequency180d: 6,
      monetaryMinor: 100_000,
      tenureDays: 400,
      meanInterPurchaseDays: 20,
    });
    const none = switchFeatures(row(2, { last30: w(0, 0, 0, 0) }, { meanInterPurchaseDays: null }));
    expect(Number.isNaN(none.shareHere30d) && Number.isNaN(none.shareTrend) && Number.isNaN(none.dayShareHere30d) && Number.isNaN(none.meanInterPurchaseDays)).toBe(true);
  });
});

describe("factor effects in points of risk and money", () => {
  it("removes the factor's SHAP from the log-odds and reports the change in points and in revenue", () => {
    // Customer 1: margin 0 (P = ½), shareHere30d adds ln 3 → without it P = ¼: +25 points, 25 % of 1,000.
    // Customer 2: margin 0, recencyDays takes −ln 3 → without it P = ¾: −25 points, no money added.
    const ln3 = Math.log(3);
    const effects = factorEffects(["shareHere30d", "recencyDays"], [0, 0], [[ln3, 0], [0, -ln3]], [1000, 5000]);
    expect(effects).toEqual([
      { feature: "shareHere30d", points: 12.5, revenueAtRiskMinor: 250, direction: "raises" },
      { feature: "recencyDays", points: 12.5, revenueAtRiskMinor: 0, direction: "lowers" },
    ]);
    const raising = factorEffects(["peerDays30d"], [ln3], [[ln3]], [2000]);
    // P = ¾ with the factor, ½ without: +25 points, 0.25 × 2,000 = 500.
    expect(raising).toEqual([{ feature: "peerDays30d", points: 25, revenueAtRiskMinor: 500, direction: "raises" }]);
  });
});

describe("segments", () => {
  it("hides cells under 5 customers and one more so the hidden cell cannot be derived from the total", () => {
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => row(i + 1, {}, { female: true, age: 30, frequency180d: 8 })),
      ...Array.from({ length: 2 }, (_, i) => row(i + 10, {}, { female: false, age: 30, frequency180d: 8 })),
    ];
    const p = rows.map((_, i) => (i < 6 ? 0.1 : 0.5));
    const value = rows.map(() => 1000);
    const segments = switchSegments(rows, p, value);
    expect(segments).toEqual([
      { dimension: "gender", value: "female", customers: null, expectedShare: null, revenueAtRiskMinor: null, suppressed: true },
      { dimension: "gender", value: "male", customers: null, expectedShare: null, revenueAtRiskMinor: null, suppressed: true },
      { dimension: "ageBand", value: "25-34", customers: 8, expectedShare: 0.2, revenueAtRiskMinor: 1600, suppressed: false },
      { dimension: "frequency", value: "7+", customers: 8, expectedShare: 0.2, revenueAtRiskMinor: 1600, suppressed: false },
    ]);
    expect([1, 2, 3, 4, 6, 7].map(frequencyBand)).toEqual(["1", "2-3", "2-3", "4-6", "4-6", "7+"]);
  });
});

/** Rows of a hand-built merchant: customers whose shopping days drift to peers before the cutoff switch in the horizon. */
function cohort(seed: number, n: number, labelled: boolean): SwitchRow[] {
  const rng = stream(seed, 1);
  return Array.from({ length: n }, (_, i) => {
    const drifting = rng.next() < 0.2;
    const peers30 = drifting ? 1 + rng.int(3) : rng.next() < 0.2 ? 1 : 0;
    const leaves = drifting ? rng.next() < 0.7 : rng.next() < 0.05;
    return row(i + 1, {
      last30: w(50_000 + rng.int(50_000), peers30 * 40_000, 2, peers30),
      prior60: w(150_000, rng.int(40_000), 4, rng.int(2)),
      prev90: w(200_000, 0, 6, 0),
      label: labelled ? (leaves ? w(20_000, 200_000, 1, 4) : w(200_000, 20_000, 5, 1)) : null,
    }, { female: rng.next() < 0.5, age: 20 + rng.int(50), frequency180d: 4 + rng.int(10) });
  });
}

function inputs(over: Partial<SwitchRunInputs> = {}): SwitchRunInputs {
  return {
    asOf: "2026-07-01",
    horizonDays: 90,
    trainCutoff: "2026-01-02",
    validationCutoff: "2026-04-02",
    train: cohort(1, 400, true),
    validation: cohort(2, 400, true),
    score: cohort(3, 300, false),
    pool: null,
    peerMerchants: 7,
    clv: null,
    periodFrom: "2025-07-06",
    ...over,
  };
}

describe("a whole switching run", () => {
  it("learns the planted drift, stores aggregates only, and passes its contract", () => {
    const { run, holdout } = buildSwitchRun(inputs());
    expect(run.outputs).toEqual([]);
    expect(() => parseForWrite(switchingContract, run)).not.toThrow();
    expect(run.params.training).toBe("merchantOnly");
    expect(run.summary.verdict).toBe("better");
    expect(run.metrics.rocAuc).toBe(0.781454);
    expect(run.summary.scoredCustomers).toBe(300);
    expect(run.summary.riskHistogram.reduce((s, b) => s + b.customers, 0)).toBe(300);
    expect(holdout.customerIds).toHaveLength(400);
    // The strongest factors are the shopping days at peers in the last 30 days and their share.
    expect(["peerDays30d", "dayShareHere30d", "dayShareHere90d", "peerDays90d", "shareHere30d"]).toContain(run.summary.factors[0].feature);
    // Nothing in the stored documents names a customer.
    const text = JSON.stringify({ params: run.params, metrics: run.metrics, summary: run.summary });
    expect(text).not.toMatch(/customerId|bankCustomerId/);
    // Deterministic.
    expect(buildSwitchRun(inputs()).run).toEqual(run);
  });

  it("refuses to describe fewer than 5 customers and fails without enough switchers anywhere", () => {
    expect(() => buildSwitchRun(inputs({ score: cohort(3, 4, false) }))).toThrow(ModelInputError);
    expect(() => buildSwitchRun(inputs({ score: cohort(3, 4, false) }))).toThrow(/only 4 customers buy mainly here/);
    const stayers = cohort(1, 400, true).map((r) => ({ ...r, label: w(200_000, 0, 5, 0) }));
    expect(() => buildSwitchRun(inputs({ train: stayers }))).toThrow(/too few switchers or stayers at the training cutoff 2026-01-02: 0 switched, 400 stayed/);
  });
});

describe("the pooled model shared by a segment's members (ADR 0027)", () => {
  it("orders and subsamples the pool by content: the same rows in another order, under other ids, make the same matrix", () => {
    const X = [[1, NaN, 3], [0, 2, 2], [1, NaN, 3], [-0, 2, 2], [5, 5, 5], [0.5, 1, NaN]];
    const y = [1, 0, 0, 1, 0, 1];
    const order = [4, 2, 0, 5, 3, 1];
    const a = canonicalRows(X, y, 4);
    const b = canonicalRows(order.map((i) => X[i]), order.map((i) => y[i]), 4);
    expect(a.X).toHaveLength(4);
    expect(b).toEqual(a);
  });

  it("gives every member the same pooled model whoever asks: the members' runs equal those fitted on their own pools", () => {
    // Three members' rows at both cutoffs; each member asks with its own rows first and its peers'
    // under anonymous ids, as lib/privacy releases them.
    const members = [0, 1, 2].map((m) => ({ train: cohort(10 + m, 150, true), validation: cohort(20 + m, 150, true) }));
    const poolFor = (asker: number) => {
      const order = [asker, ...[0, 1, 2].filter((m) => m !== asker)];
      let anonymous = 0;
      const set = (key: "train" | "validation") =>
        order.flatMap((m) => members[m][key].map((r) => (m === asker ? r : { ...r, customerId: -++anonymous })));
      return { merchants: 5, train: set("train"), validation: set("validation") };
    };
    const runFor = (asker: number) => buildSwitchRun(inputs({ train: members[asker].train.slice(0, 20), validation: members[asker].validation, pool: poolFor(asker) })).run;
    const before = { ...sharedFitStats };
    const first = runFor(0);
    expect(first.params.training).toBe("pooled");
    // Two pooled fits (the candidate at c₁, the final model at c₂), then none: member 1 and member
    // 2 ask with the pool in their own order and ids and get the same matrices, so the same models.
    expect(sharedFitStats.fits - before.fits).toBe(2);
    runFor(1);
    runFor(2);
    const shuffled = { ...poolFor(0), train: [...poolFor(0).train].reverse(), validation: [...poolFor(0).validation].reverse() };
    expect(buildSwitchRun(inputs({ train: members[0].train.slice(0, 20), validation: members[0].validation, pool: shuffled })).run).toEqual(first);
    expect(sharedFitStats.fits - before.fits).toBe(2);
    expect(sharedFitStats.hits - before.hits).toBe(6);
  });
});
