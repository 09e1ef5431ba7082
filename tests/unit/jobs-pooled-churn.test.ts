import { describe, expect, it } from "vitest";
import type { ChurnFeatureRowWithShare } from "@/lib/analytics/getChurnFeatures";
import { buildChurnRun, chooseChurnModel } from "@/lib/jobs/churnModel";
import { ModelInputError } from "@/lib/jobs/errors";
import { stream } from "@/lib/models/prng";
import { MAX_POOL_SHARE, poolWaterLevel, type PooledRow } from "@/lib/privacy/pooledTraining";
import { churnContract } from "@/lib/runs/churn";
import { parseForWrite } from "@/lib/runs/contract";
import { syntheticChurnInputs } from "../helpers/syntheticChurn";

/*
 * Pooled churn (issue 17, ADR 0019) without a database: the pool's share cap (rule 2 of
 * lib/privacy/pooledTraining.ts) and the choice between the merchant-only, pooled and blended
 * models on the merchant's own holdout customers (lib/jobs/churnModel.ts).
 */

describe("poolWaterLevel: no merchant above 25 % of a pooled set", () => {
  it("keeps every row when no merchant dominates, and cuts a dominant one to the exact level", () => {
    expect(poolWaterLevel([100, 100, 100, 100, 100], MAX_POOL_SHARE)).toBe(100);
    // L = 0.25 × (400 + L) → L = 133.3: 133 of 533 rows is 24.95 %.
    expect(poolWaterLevel([1000, 100, 100, 100, 100], MAX_POOL_SHARE)).toBe(133);
    // Two dominant merchants: L = 0.25 × (30 + 2L) → L = 15, 15 of 60 rows.
    expect(poolWaterLevel([500, 400, 10, 10, 10], MAX_POOL_SHARE)).toBe(15);
    // Fewer than 4 merchants with rows can never satisfy a 25 % cap.
    expect(poolWaterLevel([10, 10, 10, 0], MAX_POOL_SHARE)).toBe(0);
    expect(() => poolWaterLevel([1], 0)).toThrow(/share must be in/);
  });

  it("holds the cap on random segments, and is the largest level that does", () => {
    const rng = stream(17, 1);
    for (let trial = 0; trial < 500; trial++) {
      const counts = Array.from({ length: 4 + rng.int(12) }, () => (rng.chance(0.2) ? rng.int(20_000) : rng.int(500)));
      const level = poolWaterLevel(counts, MAX_POOL_SHARE);
      const kept = counts.map((c) => Math.min(c, level));
      const total = kept.reduce((s, v) => s + v, 0);
      if (level > 0) expect(Math.max(...kept) / total).toBeLessThanOrEqual(MAX_POOL_SHARE);
      const next = counts.map((c) => Math.min(c, level + 1));
      const nextTotal = next.reduce((s, v) => s + v, 0);
      if (level < Math.max(...counts)) expect(Math.max(...next) / nextTotal).toBeGreaterThan(MAX_POOL_SHARE);
    }
  });
});

describe("chooseChurnModel", () => {
  it("keeps the highest holdout AUC, ties to the simpler model, a measured AUC over none", () => {
    expect(chooseChurnModel({ merchantOnly: 0.7, pooled: 0.8, blended: 0.75 })).toBe("pooled");
    expect(chooseChurnModel({ merchantOnly: 0.8, pooled: 0.8, blended: 0.8 })).toBe("merchantOnly");
    expect(chooseChurnModel({ pooled: 0.7, blended: 0.7 })).toBe("blended");
    expect(chooseChurnModel({ merchantOnly: null, pooled: 0.6 })).toBe("pooled");
    expect(chooseChurnModel({ merchantOnly: null, pooled: null })).toBe("merchantOnly");
    expect(() => chooseChurnModel({})).toThrow(/no candidate/);
  });
});

/** Labelled rows whose churn follows `rule` (log-odds), ids from `firstId`. */
function ruledRows(seed: number, n: number, firstId: number, rule: (r: ChurnFeatureRowWithShare) => number): ChurnFeatureRowWithShare[] {
  const rng = stream(seed, 9);
  const base = syntheticChurnInputs().train[0];
  return Array.from({ length: n }, (_, i) => {
    const row: ChurnFeatureRowWithShare = {
      ...base,
      customerId: firstId + i,
      recencyDays: 1 + rng.int(170),
      frequency180d: 1 + rng.int(20),
      monetaryMinor: 50_000 + rng.int(200_000),
      tenureDays: 200 + rng.int(900),
      meanInterPurchaseDays: 5 + rng.int(60),
      checkTrend: 0.5 + rng.next(),
      competitorShare90d: rng.next(),
      region: "Moscow",
      churned: null,
    };
    return { ...row, churned: rng.chance(1 / (1 + Math.exp(-rule(row)))) };
  });
}
const byRecency = (r: ChurnFeatureRowWithShare) => r.recencyDays / 25 - 3;
const byCheck = (r: ChurnFeatureRowWithShare) => 6 * (1 - r.checkTrend!) - 0.2 + r.recencyDays / 400;
const asPool = (rows: ChurnFeatureRowWithShare[], own: number): PooledRow<ChurnFeatureRowWithShare>[] =>
  rows.map((r, i) => (i < own ? { ...r, own: true } : { ...r, customerId: -(i - own + 1), own: false }));

describe("buildChurnRun with a segment pool", () => {
  const small = { train: ruledRows(1, 60, 1, byRecency), validation: ruledRows(2, 60, 1, byRecency), score: ruledRows(3, 50, 1, byRecency).map((r) => ({ ...r, churned: null })) };
  const poolOf = (rule: typeof byRecency, ownTrain: ChurnFeatureRowWithShare[], ownValidation: ChurnFeatureRowWithShare[]) => ({
    available: true as const,
    level: "mcc" as const,
    merchants: 6,
    train: asPool([...ownTrain, ...ruledRows(11, 1500, 10_000, rule)], ownTrain.length),
    validation: asPool([...ownValidation, ...ruledRows(12, 1500, 10_000, rule)], ownValidation.length),
  });

  it("a merchant too small for a model of its own gets the pooled one, judged on its own customers only", () => {
    expect(() => buildChurnRun(syntheticChurnInputs({ ...small }))).toThrow(ModelInputError);
    const run = buildChurnRun(syntheticChurnInputs({ ...small, pool: poolOf(byRecency, small.train, small.validation) }));
    expect(() => parseForWrite(churnContract, run)).not.toThrow();
    expect(run.params.pooling).toEqual({ mode: "pooled", level: "mcc", merchants: 6, withheld: null, minMerchants: 5, maxMerchantShare: 0.25 });
    expect(run.metrics.holdoutAuc.merchantOnly).toBeNull();
    expect(run.metrics.holdoutAuc.blended).toBeNull();
    expect(run.metrics.rocAuc).toBeCloseTo(run.metrics.holdoutAuc.pooled!, 6);
    expect(run.metrics.rocAuc).toBeGreaterThan(0.75);
    // Only the merchant's own figures: its 60 training and validation rows, its 50 customers.
    expect(run.metrics).toMatchObject({ trainRows: 60, validationRows: 60, finalTrainRows: 60, scoredCustomers: 50 });
    expect(run.summary.calibration.reduce((s, p) => s + p.customers, 0)).toBe(60);
    expect(run.outputs.map((o) => o.customerId)).toEqual(small.score.map((r) => r.customerId));
    expect(run.summary.importance[0].feature).toBe("recencyDays");
    // The base value is the mean log-odds over the merchant's own scored customers, not the pool's.
    const meanLogOdds = run.outputs.reduce((s, o) => s + Math.log(o.output.pChurn / (1 - o.output.pChurn)), 0) / 50;
    expect(run.summary.baseValue).toBeCloseTo(meanLogOdds, 3);
  });

  it("keeps the merchant-only model of a merchant that can train one, without fitting the pool", () => {
    const own = { train: ruledRows(21, 800, 1, byCheck), validation: ruledRows(22, 800, 1, byCheck) };
    const run = buildChurnRun(syntheticChurnInputs({ ...own, pool: poolOf(byRecency, own.train.slice(0, 300), own.validation.slice(0, 300)) }));
    const auc = run.metrics.holdoutAuc;
    expect(run.params.pooling.mode).toBe("merchantOnly");
    expect(auc.pooled).toBeNull();
    expect(auc.blended).toBeNull();
    expect(run.metrics.rocAuc).toBeCloseTo(auc.merchantOnly!, 6);
    expect(run.metrics.trainRows).toBe(800);
  });

  it("chosen AUC is never below the merchant-only one; a withheld pool is said and the merchant-only model kept", () => {
    const inputs = syntheticChurnInputs();
    const pooled = buildChurnRun({ ...inputs, pool: poolOf(byRecency, inputs.train.slice(0, 200), inputs.validation.slice(0, 200)) });
    expect(pooled.metrics.rocAuc!).toBeGreaterThanOrEqual(pooled.metrics.holdoutAuc.merchantOnly!);
    const withheld = buildChurnRun({ ...inputs, pool: { available: false, merchants: 4, reason: "fewer than 5 merchants in the segment" } });
    expect(withheld.params.pooling).toMatchObject({ mode: "merchantOnly", level: null, merchants: 4, withheld: "fewer than 5 merchants in the segment" });
    expect(withheld.metrics.holdoutAuc).toEqual({ merchantOnly: Math.round(withheld.metrics.rocAuc! * 1e6) / 1e6, pooled: null, blended: null });
    // Without a pool the run is the merchant-only run of before.
    const alone = buildChurnRun(inputs);
    expect({ ...alone.params, pooling: null }).toEqual({ ...withheld.params, pooling: null });
    expect(alone.outputs).toEqual(withheld.outputs);
  });
});
