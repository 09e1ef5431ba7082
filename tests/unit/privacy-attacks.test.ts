/**
 * The attacks of tests/privacy-attacks/attacks.ts have teeth: on releases made the old way (exact
 * quantiles, a full-precision largest share, bank attributes per person, small cells) they
 * recover competitor values and find the attributes; on the releases of lib/privacy/disclosure.ts
 * they find nothing. The integration suite (tests/integration/privacy-attacks.test.ts) runs the
 * same attacks on a synthetic bank.
 */
import { describe, expect, it } from "vitest";
import { NOISE_BOUND, RELEASE_DIGITS } from "@/lib/privacy/disclosure";
import { quantileWindow, releaseQuantiles } from "@/lib/privacy/guard";
import { complementarySuppression } from "@/lib/privacy/suppression";
import { lpBounds, peerFigureLeaks, ratioInversion, releaseInterval, scanPerPerson, smallCells, solveLinearSystem, type QuantileTarget } from "../privacy-attacks/attacks";

const sorted = [1_200, 2_300, 3_100, 4_700, 5_200, 6_900, 8_000];
const holders = sorted.map((_, i) => 101 + i);
const exactQuantile = (q: number) => quantileWindow(sorted.length, q).reduce((s, i) => s + sorted[i], 0) / 3;
const unprotected: QuantileTarget = { sorted, holders, released: { p25: exactQuantile(0.25), median: exactQuantile(0.5), p75: exactQuantile(0.75) } };
const plain = { bound: 0, digits: null };
const mechanism = { bound: NOISE_BOUND, digits: RELEASE_DIGITS };

describe("attacks on unprotected releases succeed", () => {
  it("(b) two colluders holding two positions of a window solve the third exactly", () => {
    // p25 window of 7 values: positions 1, 2, 3; the colluders hold 1 and 2.
    expect(quantileWindow(7, 0.25)).toEqual([1, 2, 3]);
    const r = solveLinearSystem(unprotected, new Set([102, 103]), plain);
    expect(r.exact).toBeGreaterThanOrEqual(1);
  });

  it("(c) one merchant's LP bounds pin competitor positions", () => {
    let pinned = 0;
    for (const h of holders) pinned += lpBounds(unprotected, new Set([h]), plain, 0).pinned;
    expect(pinned).toBeGreaterThan(0);
  });

  it("(a) the old full-precision largest share gives the smallest member's revenue exactly", () => {
    const [own, v3] = [35_000_00, 25_500_00];
    expect(ratioInversion({ largestShare: own / (own + v3) }, own, [v3, 27_000_00]).exact).toBe(1);
  });

  it("(e) a bank attribute in a per-customer factor and a 3-customer cell are found", () => {
    expect(scanPerPerson([{ bankCustomerId: "C1", factors: [{ feature: "age", value: 34 }], text: { en: "age 34" } }]).bankAttributes).toBe(2);
    expect(smallCells({ groups: [{ key: "female", treatment: 3, control: 9, suppressed: false }] }).small).toBe(1);
  });
});

describe("the same attacks on protected releases find nothing", () => {
  const key = { group: "attack-unit", period: "2026-01-01/2026-02-01", field: "benchmark.customers" };
  const r = releaseQuantiles(sorted, sorted[3], key);
  if (!r.released) throw new Error("released expected");
  const noisy: QuantileTarget = { sorted, holders, released: { p25: r.value.p25, median: r.value.median, p75: r.value.p75 } };

  it("every release interval contains the exact quantile (the attacker's intervals are sound)", () => {
    for (const [name, q] of [["p25", 0.25], ["median", 0.5], ["p75", 0.75]] as const) {
      const iv = releaseInterval(noisy.released[name], mechanism);
      expect(iv.lo).toBeLessThanOrEqual(exactQuantile(q));
      expect(iv.hi).toBeGreaterThanOrEqual(exactQuantile(q));
    }
  });

  it("no coalition of up to 3 members, nor any single member's LP, pins a competitor within ±5 %", () => {
    let attempts = 0;
    for (let a = 0; a < holders.length; a++) {
      for (let b = a; b < holders.length; b++) {
        for (let c = b; c < holders.length; c++) {
          const res = solveLinearSystem(noisy, new Set([holders[a], holders[b], holders[c]]), mechanism);
          attempts += res.attempts;
          expect([res.exact, res.pinned]).toEqual([0, 0]);
        }
      }
      const lp = lpBounds(noisy, new Set([holders[a]]), mechanism, 0);
      expect([lp.exact, lp.pinned]).toEqual([0, 0]);
    }
    expect(attempts).toBeGreaterThan(20);
  });

  it("complementary suppression: one small cell takes the next smallest with it; two small cells of 1 + 2 take a third", () => {
    expect(complementarySuppression([[3, 40, 12]])).toEqual([true, false, true]);
    expect(complementarySuppression([[1, 2, 40, 12]])).toEqual([true, true, false, true]);
    expect(complementarySuppression([[7, 40, 12]])).toEqual([false, false, false]);
    // Per arm: a cell small in the control arm only is hidden, and its complement in both arms.
    expect(complementarySuppression([[10, 10, 30], [4, 20, 25]])).toEqual([true, true, false]);
    expect(() => complementarySuppression([[1, 2], [3]])).toThrow(/one count per cell/);
  });
});

describe("(g) pooled training: peer figures in a stored churn run", () => {
  it("finds the pool's size and churn rate in a run that stores them, and nothing in a pooled run of buildChurnRun", async () => {
    const { buildChurnRun } = await import("@/lib/jobs/churnModel");
    const { syntheticChurnInputs } = await import("../helpers/syntheticChurn");
    const inputs = syntheticChurnInputs();
    // The pool: the merchant's first 150 rows per cutoff and 4 peers' (the synthetic rows renumbered).
    const peers = (rows: typeof inputs.train) => rows.map((r, i) => ({ ...r, customerId: -(i + 1), own: false }));
    const own = (rows: typeof inputs.train) => rows.slice(0, 150).map((r) => ({ ...r, own: true }));
    const pool = { available: true as const, level: "mcc" as const, merchants: 5, train: [...own(inputs.train), ...peers(inputs.validation.slice(0, 347))], validation: [...own(inputs.validation), ...peers(inputs.train.slice(0, 347))] };
    const run = buildChurnRun({ ...inputs, pool });
    const rate = (rows: typeof pool.train) => rows.filter((r) => r.churned).length / rows.length;
    const peerRows = (rows: typeof pool.train) => rows.filter((r) => !r.own).length;
    const figures = [pool.train.length, pool.validation.length, peerRows(pool.train), peerRows(pool.validation), rate(pool.train), rate(pool.validation), Math.log(rate(pool.validation) / (1 - rate(pool.validation)))];
    const peerIds = new Set([...pool.train, ...pool.validation].filter((r) => !r.own).map((r) => r.customerId));
    // The old way a pooled run would be written: training figures of the pool, its base value, its rows.
    const naive = { ...run, metrics: { ...run.metrics, trainRows: pool.train.length, trainChurnRate: rate(pool.train), finalTrainRows: pool.validation.length }, summary: { ...run.summary, baseValue: Math.log(rate(pool.validation) / (1 - rate(pool.validation))) }, pool: pool.train.slice(150, 153).map((r) => ({ customerId: r.customerId })) };
    const naiveHits: string[] = [];
    expect(peerFigureLeaks(naive, figures, peerIds, naiveHits).leaks, naiveHits.join("; ")).toBe(7);
    const examples: string[] = [];
    const found = peerFigureLeaks(run, figures, peerIds, examples);
    expect(found.numbers).toBeGreaterThan(3_000);
    expect(found.leaks, examples.join("; ")).toBe(0);
  });
});
