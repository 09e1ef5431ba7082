import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { getChurnResults } from "@/lib/analytics/getModelResults";
import { readChurnInputs, type ChurnPoolCache } from "@/lib/jobs/churn";
import { runMerchantModels, type ModelRunOutcome } from "@/lib/jobs/runModels";
import { findMerchantRef } from "@/lib/jobs/store";
import type { ChurnResults } from "@/lib/runs/churn";
import { loadSmallSyntheticBank } from "../helpers/syntheticBank";
import { peerFigureLeaks } from "../privacy-attacks/attacks";
import { scoped } from "./analytics-seed";

/*
 * Pooled models per MCC segment (issue 17, ADR 0019) on the small synthetic bank (seed 42, 3,000
 * customers, 63 merchants; before pooling 34 churn runs succeeded and 29 failed for too few
 * customers per cutoff). The 29 Moscow merchants' CLV and churn run as one worker pass would run
 * them (one shared pool cache; their pools draw on every region's merchants), then the coverage,
 * the holdout choice, the privacy of the stored runs (attack g) and the planted churn driver are
 * checked against figures pinned from this seed. (All 63 merchants take about 6 minutes on
 * PGlite for churn alone: docs/models/jobs.md has those figures.)
 */
let database: Database;
let cleanup: (() => Promise<void>) | undefined;

interface MerchantResult {
  slug: string;
  id: number;
  outcomes: Record<string, ModelRunOutcome>;
  churn: ChurnResults | null;
  /** Customers with a purchase day in the 180 days before the last data day + 1, and days of history. */
  active: number;
  historyDays: number;
}
const results: MerchantResult[] = [];
const poolCache: ChurnPoolCache = new Map();

beforeAll(async () => {
  ({ database, cleanup } = await loadSmallSyntheticBank("jobs-pooled"));
  const merchants = await queryRows<{ slug: string; id: number; active: number; history: number }>(
    database.db,
    // A join and GROUP BY rather than a correlated count per merchant: the same figures, and a
    // query Citus plans too (no correlated subquery from the reference table merchants).
    sql`with range as (select merchant_id, max(day) + 1 as as_of, min(day) as first from merchant_customer_daily group by merchant_id),
        active as (
          select d.merchant_id, count(distinct d.customer_id)::int as active
          from merchant_customer_daily d join range r on r.merchant_id = d.merchant_id
          where d.purchases > 0 and d.day >= r.as_of - 180 and d.day < r.as_of
          group by d.merchant_id)
        select m.slug, m.id, coalesce(a.active, 0) as active, (r.as_of - r.first)::int as history
        from merchants m join range r on r.merchant_id = m.id left join active a on a.merchant_id = m.id
        where m.slug like 'msk-%' order by m.id`,
  );
  for (const m of merchants) {
    const ref = (await findMerchantRef(database, { id: m.id }))!;
    const outcomes = await runMerchantModels(database, m.id, { kinds: ["clv", "churn"], poolCache });
    const churn = await scoped(database, ref, (ctx) => getChurnResults(ctx));
    results.push({ slug: m.slug, id: m.id, outcomes: Object.fromEntries(outcomes.map((o) => [o.kind, o])), churn, active: m.active, historyDays: m.history });
  }
}, 900_000);
afterAll(async () => {
  await cleanup?.();
});

describe("pooled churn on the small synthetic bank", () => {
  it("covers the merchants with ≥ 30 active customers and ≥ 90 days of history (pinned counts)", () => {
    const eligible = results.filter((r) => r.active >= 30 && r.historyDays >= 90);
    const ok = (kind: string) => eligible.filter((r) => r.outcomes[kind].status === "succeeded").map((r) => r.slug);
    const modes: Record<string, number> = {};
    for (const r of results) if (r.churn) modes[r.churn.params.pooling.mode] = (modes[r.churn.params.pooling.mode] ?? 0) + 1;
    const failedChurn = results.filter((r) => r.outcomes.churn.status === "failed").map((r) => `${r.slug}: ${r.outcomes.churn.error}`);
    const failedClv = results.filter((r) => r.outcomes.clv.status === "failed").map((r) => `${r.slug}: ${r.outcomes.clv.error}`);
    console.log("clv modes", results.map((r) => `${r.slug}:${r.outcomes.clv.status}`).join(" "));
    console.log(JSON.stringify({ merchants: results.length, eligible: eligible.length, churn: ok("churn").length, clv: ok("clv").length, modes, failedChurn, failedClv }, null, 1));
    const lines = results.filter((r) => r.churn).map((r) => `${r.slug} ${r.churn!.params.pooling.mode} ${JSON.stringify(r.churn!.metrics.holdoutAuc)} ${r.churn!.summary.verdict} ${r.outcomes.churn.seconds}s`);
    console.log(lines.join("\n"));
    expect(results).toHaveLength(29);
    // Eligible: 27 (the two sport merchants have 24 and 27 active customers). Before pooling, 14
    // of the 29 churn runs failed for too few customers per cutoff.
    expect(eligible).toHaveLength(27);
    expect(ok("clv")).toHaveLength(27);
    expect(ok("churn")).toHaveLength(25);
    // A merchant that can train a model of its own keeps it (ADR 0019, "what landed"); the 13 that
    // cannot get the segment's.
    expect(modes).toEqual({ merchantOnly: 14, pooled: 13 });
    // MCC group 56xx has only 4 clothing merchants: no pool (rule 1), and too few customers alone.
    expect(failedChurn.map((f) => f.split(":")[0])).toEqual(["msk-clothing-1", "msk-clothing-2"]);
    expect(failedClv).toEqual([]);
  });

  it("a merchant with a model of its own keeps it; calibrated probabilities over every run (issue 17: 8 of 10 deciles within ±5 on this bank)", () => {
    const both = results.filter((r) => r.churn && r.churn.metrics.holdoutAuc.merchantOnly !== null);
    expect(both).toHaveLength(14);
    for (const r of both) {
      expect(r.churn!.params.pooling.mode, r.slug).toBe("merchantOnly");
      // The AUC is the model's: a monotone calibration keeps the ranking.
      expect(r.churn!.metrics.rocAuc!, r.slug).toBeCloseTo(r.churn!.metrics.holdoutAuc.merchantOnly!, 6);
    }
    const calib = new Map<number, { n: number; p: number; o: number }>();
    for (const r of results) {
      if (!r.churn) continue;
      expect(r.churn.params.calibration.method).toBe("platt");
      expect(r.churn.params.calibration.prior).toEqual({ slope: 1, intercept: 0, sdSlope: 0.5, sdIntercept: 0.5 });
      expect(r.churn.params.calibration.slope, r.slug).toBeGreaterThan(0);
      for (const [k, pt] of r.churn.summary.calibration.entries()) {
        if (pt.customers === 0) continue;
        const c = calib.get(k) ?? { n: 0, p: 0, o: 0 };
        c.n += pt.customers;
        c.p += pt.customers * pt.meanPredicted!;
        c.o += pt.customers * pt.observedRate!;
        calib.set(k, c);
      }
    }
    const bins = [...calib.entries()].sort((a, b) => a[0] - b[0]);
    const deciles = bins.map(([, c]) => (c.o / c.n - c.p / c.n) * 100);
    console.log("calibration gaps, points (observed − predicted) per decile of risk:", bins.map(([k, c], i) => `${k}:${deciles[i].toFixed(2)} (${c.n})`).join(" "));
    console.log("platt slopes", results.filter((r) => r.churn).map((r) => `${r.slug}:${r.churn!.params.calibration.slope}${r.churn!.params.calibration.interceptOnly ? "*" : ""}`).join(" "));
    console.log("brier calibrated vs model", results.filter((r) => r.churn).map((r) => `${r.churn!.metrics.brierScore.toFixed(4)}/${r.churn!.metrics.uncalibratedBrierScore.toFixed(4)}`).join(" "));
    // Issue 17's bar: over the 27 runs' holdout customers, every decile of predicted risk within
    // ±5 points of the share that left. The stored curve is cross-fitted (each half of a
    // merchant's holdout customers calibrated by the Platt map fitted on the other half, ADR 0032),
    // so it is what the served probabilities achieve, not an in-sample fit.
    // Before calibration (format 6): 4 of 10 within ±5, gaps 3.3, 4.69, 10.11, 13.33, 1.15, 7.54,
    // 5.3, −4.65, −7.56, −13.48 (the GBDTs under-predicted the middle, over-predicted the top).
    // Platt scaling (format 7, ADR 0032): 6 of 10 within ±5, gaps 3.83, −2.44, −4.63, −2.06, 2.5,
    // 5.42, 5.81, −0.63, −6.02, −12.79 (top decile 167 customers), mean cross-fitted Brier 0.1993.
    // Platt with a prior at the identity map (format 8, ADR 0035, chosen over the segment maps
    // and two cutoffs by these figures): 7 of 10 within ±5 and mean Brier 0.1944, but decile 6
    // (5.81 → 7.28) and the top decile (−12.79 → −13.75, 150 customers) are worse: the bar is NOT
    // met (ADR 0035: the observed leave rate plateaus near 0.8, which no line in log-odds follows).
    // The GBDT of ADR 0042 (λ 20, min child weight 10, chosen on the full synthetic bank, where
    // every decile is within ±5 either way): 8 of 10 within ±5 here, mean Brier 0.19443 → 0.19027,
    // the top decile −13.75 → −6.03 (86 customers) and decile 6 7.28 → 4.61; deciles 2 (−5.90) and
    // 9 (−6.03) still miss the bar, so it is NOT met on the small bank (ADR 0037's offline figures
    // for this model, reproduced exactly).
    // Asserted: what holds, and the gaps pinned.
    expect(deciles).toHaveLength(10);
    deciles.forEach((gap, k) => expect(Math.abs(gap), `decile ${k}: ${gap}`).toBeLessThanOrEqual(6.04));
    expect(deciles.filter((gap) => Math.abs(gap) <= 5)).toHaveLength(8);
    const pinned = [-1.89, -4.52, -5.9, -0.1, 4.19, 4.55, 4.61, 1.95, -4.19, -6.03];
    deciles.forEach((gap, k) => expect(Math.abs(gap - pinned[k]), `decile ${k}: ${gap}`).toBeLessThanOrEqual(0.01));
    const runs = results.filter((r) => r.churn);
    const meanBrier = runs.reduce((s, r) => s + r.churn!.metrics.brierScore, 0) / runs.length;
    expect(meanBrier).toBeCloseTo(0.19027, 5);
  });

  it("a pooled run stores only the merchant's own customers and figures (attack g finds no pool figure)", async () => {
    let runs = 0;
    let numbers = 0;
    const examples: string[] = [];
    for (const r of results) {
      if (!r.churn || r.churn.params.pooling.mode === "merchantOnly") continue;
      runs++;
      // The pool the run was trained on, read again (peers from the pass's cache).
      const ref = (await findMerchantRef(database, { id: r.id }))!;
      const inputs = await readChurnInputs(database, ref, r.churn.params.asOf, new Map(), poolCache);
      const pool = inputs.pool!;
      if (!pool.available) throw new Error(`${r.slug}: the pool is withheld on re-reading`);
      const rate = (rows: readonly { churned: boolean | null }[]) => rows.filter((x) => x.churned).length / rows.length;
      const peers = <T extends { own: boolean }>(rows: readonly T[]) => rows.filter((x) => !x.own);
      const figures = [pool.train.length, pool.validation.length, peers(pool.train).length, peers(pool.validation).length];
      for (const set of [pool.train, pool.validation, peers(pool.train), peers(pool.validation)]) figures.push(rate(set), Math.log(rate(set) / (1 - rate(set))));
      // A customer of both this merchant and a peer is this merchant's own customer: not a leak.
      const own = await queryRows<{ id: number }>(database.db, sql`select customer_id as id from merchant_customers where merchant_id = ${r.id}`);
      const ownIds = new Set(own.map((x) => Number(x.id)));
      const peerIds = new Set<number>();
      const suffix = `|${inputs.trainCutoff}|${inputs.validationCutoff}|${inputs.horizonDays}`;
      for (const [key, sets] of poolCache) if (key.endsWith(suffix)) for (const x of sets.flat()) if (!ownIds.has(Number(x.customerId))) peerIds.add(Number(x.customerId));
      expect(peerIds.size, r.slug).toBeGreaterThan(0);
      const outputs = await queryRows<{ customer_id: number; output: unknown }>(database.db, sql`select customer_id, output from model_customer_outputs where run_id = ${r.churn.id}`);
      const found = peerFigureLeaks({ run: r.churn, outputs: outputs.map((o) => ({ customerId: Number(o.customer_id), ...(o.output as object) })) }, figures, peerIds, examples);
      numbers += found.numbers;
      expect(found.leaks, `${r.slug}: ${examples.join("; ")}`).toBe(0);

      expect(r.churn.params.pooling.merchants!).toBeGreaterThanOrEqual(5);
      const [foreign] = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from model_customer_outputs o
            where o.run_id = ${r.churn.id} and not exists (select 1 from merchant_customers c where c.merchant_id = ${r.id} and c.customer_id = o.customer_id)`,
      );
      expect(foreign.n, r.slug).toBe(0);
      expect(r.churn.summary.revenueAtRisk.every((row) => row.customerId > 0)).toBe(true);
      expect(r.churn.metrics.validationRows).toBe(r.churn.summary.calibration.reduce((s, p) => s + p.customers, 0));
    }
    console.log(`attack (g): ${runs} pooled runs, ${numbers} numbers scanned`);
    expect(runs).toBe(13);
  });

  it("competitor spend share (the planted driver) stays among the top three factors for Moscow grocery", () => {
    const ranks = results
      .filter((r) => r.slug.startsWith("msk-grocery-"))
      .map((r) => r.churn!.summary.importance.findIndex((i) => i.feature === "competitorShare90d") + 1);
    console.log("ranks", ranks);
    // Pinned: the grocers train models of their own, which rank it in the top three for 7 of 7
    // (the GBDT of ADR 0042; before it 1, 8, 2, 3, 2, 2, 1: 8th for msk-grocery-2). When their
    // pooled or blended models were chosen for a higher holdout AUC they ranked it 3rd or 4th
    // (after recency, frequency and the purchase interval), 3 of 7 in the top three, and
    // tests/integration/jobs-synthetic.test.ts failed: ADR 0019.
    expect(ranks).toEqual([2, 2, 2, 3, 1, 1, 2]);
  });
});
