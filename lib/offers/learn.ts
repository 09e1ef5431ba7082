import type { OfferUnit } from "./measure";

/*
 * Learning from past offers for the win-back queue (docs/offers.md, "Learning"). Pure.
 *
 * Uplift model: a T-learner (Künzel, Sekhon, Bickel & Yu 2019, "Metalearners for estimating
 * heterogeneous treatment effects using machine learning", PNAS 116(10), §2 "T-learner") whose two
 * base learners are the per-stratum means of the window revenue in each arm, with the stratum's
 * effect scaled by the customer's pre-period revenue relative to its stratum's mean (a customer
 * who spends twice the stratum's average is expected to move twice as much):
 *   τ̂(x) = (Ȳ_T,s − Ȳ_C,s) · preRevenue / mean preRevenue_s,
 * falling back to the pooled arms for a stratum with fewer than `minPerArm` customers in an arm.
 * Its relative form, the share of a customer's pre-period revenue (scaled to the window) that the
 * offer moves, is what multiplies revenue at risk:
 *   score = P(churn) × CLV × relativeUplift,  relativeUplift_s = (Ȳ_T,s − Ȳ_C,s) / (mean preRevenue_s · W / preDays).
 * Sure things and lost causes have relative uplift near 0 and do-not-disturb below 0, so the
 * queue no longer spends its contacts on them (the "top 100 by P(churn) × CLV").
 */

/** One stratum's learned effect. */
interface StratumUplift {
  /** Window revenue effect per treated customer, minor units. */
  tau: number;
  /** Mean pre-period revenue of the stratum, minor units. */
  meanPre: number;
  /** tau ÷ (meanPre · window/pre): the share of the customer's usual revenue the offer moves. */
  relative: number;
}

/** A fitted uplift model. */
export interface UpliftModel {
  byStratum: Record<string, StratumUplift>;
  pooled: StratumUplift;
}

function fit(units: readonly OfferUnit[], scale: number): StratumUplift {
  const t = units.filter((u) => u.arm !== 0);
  const c = units.filter((u) => u.arm === 0);
  const mean = (g: readonly OfferUnit[], f: (u: OfferUnit) => number) => (g.length ? g.reduce((s, u) => s + f(u), 0) / g.length : 0);
  const tau = mean(t, (u) => u.revenueMinor) - mean(c, (u) => u.revenueMinor);
  const meanPre = mean(units, (u) => u.preRevenueMinor);
  return { tau, meanPre, relative: meanPre > 0 ? tau / (meanPre * scale) : 0 };
}

/**
 * Fits the stratified T-learner on a measured offer's units.
 * @param windowDays, preDays the offer's window and pre-period (days), for the relative form
 * @param minPerArm strata with fewer customers in an arm use the pooled effect (default 5)
 * @throws RangeError when an arm is empty
 */
export function fitUpliftModel(units: readonly OfferUnit[], windowDays: number, preDays: number, minPerArm = 5): UpliftModel {
  if (!units.some((u) => u.arm === 0) || !units.some((u) => u.arm !== 0)) throw new RangeError("fitUpliftModel: needs treated and holdout customers");
  const scale = windowDays / preDays;
  const pooled = fit(units, scale);
  const byStratum: Record<string, StratumUplift> = {};
  for (const s of new Set(units.map((u) => u.stratum))) {
    const g = units.filter((u) => u.stratum === s);
    const nt = g.filter((u) => u.arm !== 0).length;
    const nc = g.length - nt;
    byStratum[s] = nt >= minPerArm && nc >= minPerArm ? fit(g, scale) : pooled;
  }
  return { byStratum, pooled };
}

/** A customer of the win-back queue: its churn and value scores and what the uplift model needs. Money in minor units. */
export interface QueueCustomer {
  customerId: number;
  pChurn: number;
  clvMinor: number;
  stratum: string;
  preRevenueMinor: number;
}

/** A ranked customer: score = P(churn) × CLV × relative uplift; expected incremental revenue of a contact (τ̂). */
export interface RankedCustomer {
  customerId: number;
  score: number;
  expectedIncrementalMinor: number;
}

/**
 * Ranks the queue by P(churn) × CLV × expected relative uplift (descending; ties by customer id).
 */
export function rankWinBack(customers: readonly QueueCustomer[], model: UpliftModel): RankedCustomer[] {
  return customers
    .map((c) => {
      const s = model.byStratum[c.stratum] ?? model.pooled;
      const tau = s.meanPre > 0 ? (s.tau * c.preRevenueMinor) / s.meanPre : s.tau;
      return { customerId: c.customerId, score: c.pChurn * c.clvMinor * s.relative, expectedIncrementalMinor: tau };
    })
    .sort((a, b) => b.score - a.score || a.customerId - b.customerId);
}

/**
 * The "contact the top k" curve: for k = 10 %, 20 %, …, 100 % of the ranked queue, the customers
 * contacted and the expected incremental revenue Σ τ̂ of contacting them (minor units).
 */
export function contactCurve(ranked: readonly RankedCustomer[]): { share: number; customers: number; expectedIncrementalMinor: number }[] {
  const out = [];
  let sum = 0;
  let i = 0;
  for (let step = 1; step <= 10; step++) {
    const upto = Math.round((ranked.length * step) / 10);
    for (; i < upto; i++) sum += ranked[i].expectedIncrementalMinor;
    out.push({ share: step / 10, customers: upto, expectedIncrementalMinor: sum });
  }
  return out;
}
