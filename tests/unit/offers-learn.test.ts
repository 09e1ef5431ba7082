import { describe, expect, it } from "vitest";
import { assignArms } from "@/lib/offers/assign";
import { contactCurve, fitUpliftModel, rankWinBack, type QueueCustomer } from "@/lib/offers/learn";
import type { OfferUnit } from "@/lib/offers/measure";
import { stream } from "@/lib/models/prng";
import {
  DEFAULT_OFFER_SIMULATION,
  plantedCustomerEffect,
  simulateOfferAudience,
  simulateOfferOutcome,
  type ResponseType,
} from "@/lib/synthetic/offers";

/*
 * The win-back queue ranked by P(churn) × CLV × expected uplift against P(churn) alone, judged by
 * the planted truth (the expected incremental revenue of contacting each customer,
 * plantedCustomerEffect). The uplift model learns from a past offer on another seeded audience.
 * P(churn) is planted by response type (lost causes are the likeliest to leave, then
 * persuadables), with uniform noise of ±0.2: exactly the case where P(churn) alone spends contacts on lost causes.
 */

const P_CHURN: Record<ResponseType, number> = { lostCause: 0.85, persuadable: 0.55, doNotDisturb: 0.3, sureThing: 0.1 };

function pastOffer(): OfferUnit[] {
  const config = { ...DEFAULT_OFFER_SIMULATION, seed: 16_100, customers: 3000 };
  const audience = simulateOfferAudience(config);
  const arms = new Map(assignArms(audience.map((c) => ({ customerId: c.index, stratum: c.segment })), 0.15, 1, 5).map((a) => [a.customerId, a.arm]));
  return audience.map((c) => {
    const w = simulateOfferOutcome(config, c, arms.get(c.index) !== 0);
    const sum = (p: { amountMinor: number }[]) => p.reduce((s, x) => s + x.amountMinor, 0);
    return { customerId: c.index, arm: arms.get(c.index)!, stratum: c.segment, preRevenueMinor: sum(c.pre), preVisits: c.pre.length, revenueMinor: sum(w), visits: w.length, cashbackMinor: 0 };
  });
}

describe("learning from past offers: the win-back queue", () => {
  it("contacting the top 30 % by P(churn) × CLV × uplift yields ≥ 2× the incremental revenue of the top 30 % by P(churn)", () => {
    const model = fitUpliftModel(pastOffer(), DEFAULT_OFFER_SIMULATION.windowDays, DEFAULT_OFFER_SIMULATION.preDays);
    // The learned strata: the persuadable-rich segment moves most, do-not-disturb is negative.
    expect(model.byStratum.lapsing.relative).toBeGreaterThan(model.byStratum.regular.relative);
    expect(model.byStratum.annoyed.tau).toBeLessThan(0);

    const config = { ...DEFAULT_OFFER_SIMULATION, seed: 16_200, customers: 4000 };
    const scoring = simulateOfferAudience(config);
    const truth = new Map(scoring.map((c) => [c.index, plantedCustomerEffect(config, c)]));
    const queue: QueueCustomer[] = scoring.map((c) => {
      const noise = stream(config.seed, 0x70636875, c.index).next() * 0.4 - 0.2;
      return {
        customerId: c.index,
        pChurn: Math.min(0.99, Math.max(0.01, P_CHURN[c.type] + noise)),
        clvMinor: c.rate * 365 * c.medianCheckMinor,
        stratum: c.segment,
        preRevenueMinor: c.pre.reduce((s, p) => s + p.amountMinor, 0),
      };
    });
    const top = Math.round(queue.length * 0.3);
    const ranked = rankWinBack(queue, model);
    const byChurn = [...queue].sort((a, b) => b.pChurn - a.pChurn || a.customerId - b.customerId);
    const incremental = (ids: number[]) => ids.reduce((s, id) => s + truth.get(id)!, 0);
    const withUplift = incremental(ranked.slice(0, top).map((r) => r.customerId));
    const churnOnly = incremental(byChurn.slice(0, top).map((c) => c.customerId));
    expect(withUplift).toBeGreaterThanOrEqual(2 * churnOnly);
    // Pinned planted-truth figures (minor units) of these seeds.
    expect(withUplift).toBeCloseTo(WITH_UPLIFT, 0);
    expect(churnOnly).toBeCloseTo(CHURN_ONLY, 0);

    const curve = contactCurve(ranked);
    expect(curve.map((p) => p.share)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(curve[9].customers).toBe(4000);
    // The expected gain rises first and falls at the end, where the do-not-disturb customers are.
    expect(curve[2].expectedIncrementalMinor).toBeGreaterThan(curve[0].expectedIncrementalMinor);
    expect(curve[9].expectedIncrementalMinor).toBeLessThan(Math.max(...curve.map((p) => p.expectedIncrementalMinor)));
  });
});
/** Planted incremental revenue of the two top-30 % lists (seeds 16,100 / 16,200): a ratio of 5.32. */
const WITH_UPLIFT = 117534887.79014055;
const CHURN_ONLY = 22083306.13566372;

describe("winBackCurve: the Churn page's curve beside today's list", () => {
  it("sums τ̂ over the top k by the uplift ranking and over as many customers by P(churn) × CLV", async () => {
    const { winBackCurve } = await import("@/lib/offers/winback");
    // Two strata: "p" moves 20 % of the usual 28-day revenue (τ = 2,000 per 10,000 of pre revenue), "s" nothing.
    const model = {
      byStratum: { p: { tau: 2000, meanPre: 10_000, relative: 0.2 }, s: { tau: 0, meanPre: 10_000, relative: 0 } },
      pooled: { tau: 1000, meanPre: 10_000, relative: 0.1 },
    };
    const queue: QueueCustomer[] = [];
    // Customers 1–5: likely to leave, valuable, but sure things / lost causes (stratum s);
    // 6–10: persuadables (stratum p) with pre revenue 10,000 each.
    for (let i = 1; i <= 5; i++) queue.push({ customerId: i, pChurn: 0.9, clvMinor: 100_000, stratum: "s", preRevenueMinor: 10_000 });
    for (let i = 6; i <= 10; i++) queue.push({ customerId: i, pChurn: 0.5, clvMinor: 50_000, stratum: "p", preRevenueMinor: 10_000 });
    const curve = winBackCurve(queue, model);
    expect(curve.map((p) => p.customers)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The uplift ranking contacts the five persuadables first: 2,000 each.
    expect(curve.map((p) => p.expectedIncrementalMinor)).toEqual([2000, 4000, 6000, 8000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
    // Today's list contacts the five sure things first: nothing until the sixth contact.
    expect(curve.map((p) => p.baselineMinor)).toEqual([0, 0, 0, 0, 0, 2000, 4000, 6000, 8000, 10_000]);
  });
});
