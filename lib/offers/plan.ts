import { moments } from "@/lib/stats";
import { minimumDetectableLiftMean } from "@/lib/models/upliftStats";
import type { AudienceMember } from "./audience";

/*
 * The preview of an offer before it is created (docs/offers.md, "Preview"): the merchant sees the
 * audience's size, expected responders and expected incremental revenue, and the holdout the
 * power planner suggests; never identities. Pure.
 *
 * - Expected responders: Σ_i (1 − exp(−λ_i · W)) with λ_i = preVisits_i / preDays, the chance of
 *   at least one purchase in a W-day window under a Poisson rate fitted on the pre-period.
 * - Expected window revenue per customer: Σ preRevenue_i · W / preDays / n.
 * - Expected incremental revenue: treated × expected window revenue per customer × prior lift,
 *   where the prior lift is the mean relative revenue effect of the merchant's measured offers,
 *   or DEFAULT_PRIOR_LIFT (5 %) while it has none (said so in `priorSource`).
 * - Planner (the campaigns' power planner, lib/models/upliftStats; statsmodels NormalIndPower): the
 *   minimum detectable revenue effect per treated customer at 80 % power, α = 0.05, for holdouts
 *   of 10, 15 and 20 %, with the spread of the pre-period revenue scaled to the window
 *   (sd · W / preDays, the Poisson-like scaling of a sum over W of preDays days); the suggestion is
 *   the smallest holdout whose MDE is at most the expected effect, else 20 %.
 */

/** Relative revenue lift assumed before a merchant has measured offers. */
const DEFAULT_PRIOR_LIFT = 0.05;
/** The holdout used when the merchant does not choose one. */
export const DEFAULT_HOLDOUT = 0.15;
const PLANNER_HOLDOUTS = [0.1, 0.15, 0.2] as const;

/** What the merchant is shown before creating an offer. */
export interface OfferPreview {
  audienceSize: number;
  expectedResponders: number;
  expectedWindowRevenueMinor: number;
  expectedIncrementalRevenueMinor: number;
  priorLift: number;
  priorSource: "history" | "default";
  planner: { holdout: number; mdeMinor: number | null }[];
  suggestedHoldout: number;
}

/**
 * @param members the audience (bank side; only aggregates leave this function)
 * @param historyLifts relative revenue effects of the merchant's measured offers (may be empty)
 */
export function previewOffer(members: readonly AudienceMember[], windowDays: number, preDays: number, holdout: number, historyLifts: readonly number[]): OfferPreview {
  const n = members.length;
  const scale = windowDays / preDays;
  let responders = 0;
  let revenue = 0;
  for (const m of members) {
    responders += 1 - Math.exp(-(m.preVisits / preDays) * windowDays);
    revenue += m.preRevenueMinor * scale;
  }
  const perCustomer = n > 0 ? revenue / n : 0;
  const priorLift = historyLifts.length > 0 ? historyLifts.reduce((s, x) => s + x, 0) / historyLifts.length : DEFAULT_PRIOR_LIFT;
  const expectedEffect = perCustomer * priorLift;
  const sd = Math.sqrt(moments(members.map((m) => m.preRevenueMinor * scale)).variance);
  const planner = PLANNER_HOLDOUTS.map((h) => {
    const control = Math.round(n * h);
    const treated = n - control;
    return { holdout: h, mdeMinor: control >= 2 && treated >= 2 && sd > 0 ? minimumDetectableLiftMean(sd, treated, control) : null };
  });
  const fit = planner.find((p) => p.mdeMinor !== null && p.mdeMinor <= expectedEffect);
  return {
    audienceSize: n,
    expectedResponders: responders,
    expectedWindowRevenueMinor: revenue,
    expectedIncrementalRevenueMinor: expectedEffect * (n - Math.round(n * holdout)),
    priorLift,
    priorSource: historyLifts.length > 0 ? "history" : "default",
    planner,
    suggestedHoldout: fit?.holdout ?? 0.2,
  };
}
