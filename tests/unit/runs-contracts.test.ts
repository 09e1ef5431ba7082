import { describe, expect, it } from "vitest";
import { MODEL_KINDS } from "@/db/schema/models";
import { BASE_SEGMENT_FEATURES } from "@/lib/analytics/getSegmentTreeData";
import { isFeature } from "@/lib/billing/plans";
import { MODEL_ORDER, MODELS, runOrder } from "@/lib/jobs/registry";
import { CONTRACTS } from "@/lib/runs";
import { CHURN_FEATURES, CHURN_FEATURE_UNITS } from "@/lib/runs/churn";
import { clvContract } from "@/lib/runs/clv";
import { parseForWrite, parseStored, RUN_KINDS, RunContractError } from "@/lib/runs/contract";
import { SEGMENT_FLAGS, toSegmentCondition } from "@/lib/runs/segments";

/*
 * The run contracts (lib/runs) and the MODELS registry (lib/jobs/registry.ts): every kind has a
 * contract and an entry, the lists agree with the database's check, writes are checked on what
 * jsonb will store, reads name the reason a refit is needed.
 */

const clvRun = () => ({
  periodFrom: "2024-01-01",
  periodTo: "2024-07-01",
  params: { calibrationEnd: "2024-06-30", timeUnit: "week", horizonMonths: 12, monthlyDiscountRate: 0.01, periodsPerMonth: 365.25 / 12 / 7, predictionDays: 90, buyAgainMonths: 12, minRepeatCustomers: 20, nextPurchase: { horizonDays: 365.25, quantiles: [0.1, 0.5, 0.9], threshold: 0.5, chanceDays: [30, 90] }, pooling: { mode: "merchantOnly", level: null, merchants: null, withheld: null } },
  metrics: {
    mbgnbd: { r: 0.25, alpha: 4.8, a: 0.72, b: 2.2, logLikelihood: -95_320.4, standardErrors: null, converged: true },
    gammaGamma: { p: 6.3, q: 3.6, gamma: 1500.4, logLikelihood: -1000, customers: 25 },
  },
  summary: {
    customers: 1,
    repeatCustomers: 1,
    expectedActiveCustomers: 0.9,
    expectedReturningCustomers12m: 0.6,
    expectedPurchases90d: 1.2,
    expectedBuyers30d: 0.3,
    expectedBuyers90d: 0.5,
    nextPurchaseExpected: 1,
    totalClvMinor: 5000,
    meanClvMinor: 5000,
    medianClvMinor: 5000,
    clvHistogram: [{ from: 0, to: null, customers: 1 }],
    pAliveHistogram: [{ from: 0.9, to: 1, customers: 1 }],
    pAliveGrid: { frequencyBuckets: ["0"], recencyBuckets: ["0-3"], cells: [{ frequency: "0", recency: "0-3", customers: null, meanPAlive: null, suppressed: true }] },
    buyAgainGrid: { frequencyBuckets: ["0"], recencyBuckets: ["0-3"], cells: [{ frequency: "0", recency: "0-3", customers: null, meanPAlive: null, suppressed: true }] },
  },
  outputs: [
    { customerId: 7, output: { bankCustomerId: "B7", x: 2, tx: 10, T: 20, mxMinor: 1500, pAlive: 0.9, pBuyAgain12m: 0.6, expectedPurchases90d: 1.2, pBuy30d: 0.3, pBuy90d: 0.5, nextPurchase: { from: "2024-07-03", median: "2024-07-20", to: "2024-10-30" } as { from: string; median: string; to: string } | null, expectedAverageValueMinor: 1400, clvMinor: 5000 } },
  ],
});

describe("contracts", () => {
  it("one contract per model kind, in the database's order, formats ≥ 1 (churn at 8, clv at 4, segments and forecast at 2, switching at 1)", () => {
    expect([...RUN_KINDS]).toEqual([...MODEL_KINDS]);
    expect(Object.keys(CONTRACTS)).toEqual([...MODEL_KINDS]);
    for (const k of MODEL_KINDS) expect(CONTRACTS[k].kind).toBe(k);
    expect(Object.fromEntries(MODEL_KINDS.map((k) => [k, CONTRACTS[k].format]))).toEqual({ clv: 4, churn: 8, segments: 2, forecast: 2, findings: 1, switching: 1 });
  });

  it("keeps the feature lists of the encodings and the contracts in step", () => {
    expect([...SEGMENT_FLAGS]).toEqual(BASE_SEGMENT_FEATURES.filter((f) => f !== "age"));
    expect(Object.keys(CHURN_FEATURE_UNITS)).toEqual([...CHURN_FEATURES]);
    expect(toSegmentCondition("region:Saint Petersburg", "<=", 0.5)).toEqual({ type: "region", region: "Saint Petersburg", present: false });
    expect(toSegmentCondition("age", ">", 23.5)).toEqual({ type: "age", op: ">", threshold: 23.5 });
    expect(toSegmentCondition("visits", "<=", 2.5)).toEqual({ type: "number", feature: "visits", op: "<=", threshold: 2.5 });
  });

  it("accepts a run that matches, checking what jsonb will store", () => {
    const parsed = parseForWrite(clvContract, clvRun());
    expect(parsed.outputs).toEqual(clvRun().outputs);
    expect(parsed.summary.totalClvMinor).toBe(5000);
  });

  it("refuses, loudly and with the path, a run that does not match", () => {
    const nan = clvRun();
    nan.outputs[0].output.clvMinor = NaN; // JSON would store null: not an integer of minor units
    expect(() => parseForWrite(clvContract, nan)).toThrow(RunContractError);
    expect(() => parseForWrite(clvContract, nan)).toThrow(/^the clv run does not match its contract \(format 4\): output of customer 7: clvMinor: /);
    // The next purchase: days as 'YYYY-MM-DD' or null ("not expected"), chances in [0, 1].
    const notExpected = clvRun();
    notExpected.outputs[0].output.nextPurchase = null;
    expect(parseForWrite(clvContract, notExpected).outputs[0].output.nextPurchase).toBeNull();
    const badDay = clvRun();
    badDay.outputs[0].output.nextPurchase = { from: "2024-07-03", median: "20 July", to: "2024-10-30" };
    expect(() => parseForWrite(clvContract, badDay)).toThrow(/output of customer 7: nextPurchase\.median: expected YYYY-MM-DD/);
    const badChance = clvRun();
    badChance.outputs[0].output.pBuy30d = 1.2;
    expect(() => parseForWrite(clvContract, badChance)).toThrow(/output of customer 7: pBuy30d: /);
    const extra = clvRun();
    (extra.summary as Record<string, unknown>).profile = { en: "words" };
    expect(() => parseForWrite(clvContract, extra)).toThrow(/summary: \(root\): Unrecognized key: "profile"/);
    const fraction = clvRun();
    fraction.summary.totalClvMinor = 50.5;
    expect(() => parseForWrite(clvContract, fraction)).toThrow(/summary: totalClvMinor: /);
    const badId = clvRun();
    badId.outputs[0].customerId = 0;
    expect(() => parseForWrite(clvContract, badId)).toThrow(/output customer id 0 is not a positive integer/);
  });

  it("reads a stored run, or says why a refit is needed: older, newer, or not parsing", () => {
    const docs = clvRun();
    const ok = parseStored(clvContract, 4, docs);
    expect(ok.ok).toBe(true);
    const churnV1 = parseStored(CONTRACTS.churn, 1, { params: {}, metrics: {}, summary: {} });
    expect(churnV1).toEqual({
      ok: false,
      reason: { cause: "older", storedFormat: 1, currentFormat: 8, message: "churn run stored in format 1, current format 8" },
    });
    // A BG/NBD run (format 1, P(alive) = 1 for every one-time buyer) is refitted, not shown.
    expect(parseStored(clvContract, 1, docs)).toMatchObject({ ok: false, reason: { cause: "older", storedFormat: 1, currentFormat: 4 } });
    // A format-3 run has no next purchase: refitted, not shown.
    expect(parseStored(clvContract, 3, docs)).toMatchObject({ ok: false, reason: { cause: "older", storedFormat: 3, currentFormat: 4 } });
    expect(parseStored(clvContract, 5, docs)).toMatchObject({ ok: false, reason: { cause: "newer", storedFormat: 5, currentFormat: 4 } });
    const broken = parseStored(clvContract, 4, { ...docs, metrics: { mbgnbd: {} } });
    expect(broken).toMatchObject({ ok: false, reason: { cause: "invalid" } });
    expect(!broken.ok && broken.reason.message).toMatch(/^clv run metrics does not parse: mbgnbd\.r: /);
  });
});

describe("the MODELS registry", () => {
  it("has an entry per kind with its contract and a plan feature", () => {
    expect(Object.keys(MODELS).sort()).toEqual([...MODEL_KINDS].sort());
    for (const k of MODEL_KINDS) {
      expect(MODELS[k].kind).toBe(k);
      expect(MODELS[k].contract).toBe(CONTRACTS[k]);
      expect(isFeature(MODELS[k].feature)).toBe(true);
    }
    expect(Object.fromEntries(MODEL_KINDS.map((k) => [k, MODELS[k].feature]))).toEqual({
      clv: "value",
      churn: "churn",
      segments: "segments",
      forecast: "forecasts",
      findings: "findings",
      switching: "churn",
    });
  });

  it("runs clv before churn and forecast before findings", () => {
    expect([...MODEL_ORDER]).toEqual(["clv", "churn", "segments", "forecast", "findings", "switching"]);
    for (const k of MODEL_ORDER) for (const d of MODELS[k].dependsOn) expect(MODEL_ORDER.indexOf(d)).toBeLessThan(MODEL_ORDER.indexOf(k));
  });

  it("orders by dependencies whatever the declaration order, and refuses cycles and unknown kinds", () => {
    expect(runOrder({ findings: { dependsOn: ["forecast"] }, forecast: { dependsOn: [] } }, ["findings", "forecast"])).toEqual(["forecast", "findings"]);
    expect(runOrder({ churn: { dependsOn: ["clv"] }, clv: { dependsOn: [] }, segments: { dependsOn: [] } }, ["churn", "segments", "clv"])).toEqual(["segments", "clv", "churn"]);
    expect(() => runOrder({ clv: { dependsOn: ["churn"] }, churn: { dependsOn: ["clv"] } })).toThrow(/cycle among clv, churn/);
    expect(() => runOrder({ churn: { dependsOn: ["clv"] } })).toThrow(/churn depends on unknown model clv/);
  });
});

describe("churn format 3 (issue 13): per person only own-history factors", () => {
  it("writes a run of the pure model, and refuses a bank attribute or competitor spend in a customer's factors", async () => {
    const { buildChurnRun } = await import("@/lib/jobs/churnModel");
    const { syntheticChurnInputs } = await import("../helpers/syntheticChurn");
    const run = buildChurnRun(syntheticChurnInputs());
    expect(() => parseForWrite(CONTRACTS.churn, run)).not.toThrow();
    for (const feature of ["age", "region", "competitorShare90d"] as const) {
      const bad = structuredClone(run);
      bad.outputs[0].output.factors[0] = { ...bad.outputs[0].output.factors[0], feature };
      expect(() => parseForWrite(CONTRACTS.churn, bad)).toThrow(/a per-customer factor must be an own-history feature/);
      const badList = structuredClone(run);
      badList.summary.revenueAtRisk[0].factors[0] = { ...badList.summary.revenueAtRisk[0].factors[0], feature };
      expect(() => parseForWrite(CONTRACTS.churn, badList)).toThrow(/a per-customer factor must be an own-history feature/);
    }
    // The model still uses them: global importance lists bank and competitor features.
    expect(run.summary.importance.map((i) => i.feature)).toEqual(expect.arrayContaining(["age", "competitorShare90d"]));
  });
});
