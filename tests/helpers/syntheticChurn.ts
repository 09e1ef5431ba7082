import type { ChurnFeatureRowWithShare } from "@/lib/analytics/getChurnFeatures";
import type { ChurnRunInputs } from "@/lib/jobs/churnModel";
import { stream } from "@/lib/models/prng";

/*
 * Hand-made churn model inputs, no database: customers whose churn is planted on recency (the
 * longer since the last purchase, the likelier) and on competitor share, with every feature
 * present (some missing values), two regions and both genders.
 */

function rows(seed: number, n: number, labelled: boolean, firstId = 1): ChurnFeatureRowWithShare[] {
  const rng = stream(seed, 7);
  return Array.from({ length: n }, (_, i) => {
    const recencyDays = 1 + rng.int(170);
    const share = rng.next();
    const risk = 1 / (1 + Math.exp(-(recencyDays / 30 - 2.5 + 3 * (share - 0.5))));
    const gaps = 5 + rng.int(60);
    return {
      customerId: firstId + i,
      recencyDays,
      frequency180d: 1 + rng.int(20),
      monetaryMinor: 50_000 + rng.int(200_000),
      tenureDays: recencyDays + rng.int(900),
      meanInterPurchaseDays: i % 11 === 0 ? null : gaps,
      interPurchaseCv: i % 7 === 0 ? null : Math.round(rng.next() * 150) / 100,
      checkTrend: i % 5 === 0 ? null : 0.5 + rng.next(),
      age: i % 13 === 0 ? null : 18 + rng.int(60),
      female: i % 17 === 0 ? null : rng.chance(0.5),
      payroll: rng.chance(0.3),
      corporate: rng.chance(0.2),
      premium: rng.chance(0.1),
      region: i % 19 === 0 ? null : rng.chance(0.7) ? "Moscow" : "Republic of Tatarstan",
      revenue365dMinor: 100_000 + rng.int(2_000_000),
      churned: labelled ? rng.chance(risk) : null,
      competitorShare90d: i % 9 === 0 ? null : share,
      competitorShareTrend: i % 9 === 0 ? null : Math.round((rng.next() - 0.4) * 100) / 100,
    };
  });
}

/** Inputs of buildChurnRun: 400 customers per cutoff, H 40 days, competitor spend released. */
export function syntheticChurnInputs(over: Partial<ChurnRunInputs> = {}): ChurnRunInputs {
  const score = rows(3, 300, false);
  return {
    asOf: "2026-06-01",
    horizonDays: 40,
    medianInterPurchaseDays: 20,
    trainCutoff: "2026-03-13",
    validationCutoff: "2026-04-22",
    train: rows(1, 400, true),
    validation: rows(2, 400, true),
    score,
    competitorSpend: { available: true, reason: null, peerMerchants: 7 },
    clv: { runId: 5, version: 2, clvMinor: new Map(score.filter((r) => r.customerId % 2 === 0).map((r) => [r.customerId, 1_500_000 + r.customerId])) },
    bankIds: new Map(score.map((r) => [r.customerId, `B${String(r.customerId).padStart(5, "0")}`])),
    periodFrom: "2025-03-13",
    observationDays: 180,
    ...over,
  };
}
