/*
 * Customer lifetime value from the BG/NBD (purchases) and Gamma-Gamma (value) models
 * (pure math, no I/O).
 *
 * Source: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base
 * Analysis", JMR 42(4), 415–430: CLV = margin × E(value per transaction) × discounted expected
 * transactions (DET), value and transactions being independent; discretised by month as the
 * `customer_lifetime_value` of the lifetimes package (CamDavidsonPilon/lifetimes,
 * lifetimes/utils.py `_customer_lifetime_value`), so results are comparable with it.
 */

import { expectedPurchases, type BgNbdParams, type RfmSummary } from "./bgnbd";
import { expectedAverageValue, type GammaGammaParams } from "./gammaGamma";

/**
 * Discounted expected value of a customer's future repeat purchases over a horizon of whole
 * months, in the money unit of `mx` (minor units in the product):
 *
 *   CLV = Σ_{i=1..H} (E[X(T, T + i·k)] − E[X(T, T + (i−1)·k)]) · E[M] / (1 + d)^i,
 *
 * where E[X(T, T+t)] is the BG/NBD conditional expectation (FHL 2005 eq. (10), `expectedPurchases`),
 * E[M] the Gamma-Gamma expected transaction value (FH 2013 eq. (5), `expectedAverageValue`),
 * k = periodsPerMonth, H = horizonMonths and d = monthlyDiscountRate.
 *
 * The discrete approximation: each month's expected purchases are discounted as if they all fell
 * at the month's end (FHL 2005 JMR's DET discounts continuously instead; for d = 1 % a month
 * the two differ by under half a month's discount, ≈ 0.5 %). It is lifetimes' formula exactly.
 * For revenue CLV pass the mean repeat value as mx; for margin CLV multiply the result by the
 * margin rate (E[M] is linear in mx and γ).
 *
 * @param c the customer's summary in the BG/NBD fit's time unit, with mx the mean value of the
 *          x repeat purchases (ignored when x = 0: the population mean value is used)
 * @param opts.horizonMonths       whole months ≥ 0
 * @param opts.monthlyDiscountRate d > −1 (0.01 = 1 % a month)
 * @param opts.periodsPerMonth     time units per month: 365.25/12/7 ≈ 4.348 for weeks
 *                                 (lifetimes uses 4.345), 365.25/12 ≈ 30.44 for days (lifetimes: 30)
 * @param expected the purchase model's E[X(T, T + t)]: BG/NBD's eq. (10) by default; the product
 *                 passes MBG/NBD's (lib/models/mbgnbd.ts `expectedPurchasesMbg`), same parameters
 * @throws RangeError for invalid parameters, summary or options, or when E[M] has no finite value
 */
export function customerLifetimeValue(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  c: RfmSummary & { mx: number },
  opts: { horizonMonths: number; monthlyDiscountRate: number; periodsPerMonth: number },
  expected: (params: BgNbdParams, c: RfmSummary, t: number) => number = expectedPurchases,
): number {
  const { horizonMonths, monthlyDiscountRate: d, periodsPerMonth: k } = opts;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 0) {
    throw new RangeError(`customerLifetimeValue: horizonMonths must be a whole number ≥ 0, got ${horizonMonths}`);
  }
  if (!(d > -1) || !Number.isFinite(d)) throw new RangeError(`customerLifetimeValue: monthlyDiscountRate must be > −1, got ${d}`);
  if (!(k > 0) || !Number.isFinite(k)) throw new RangeError(`customerLifetimeValue: periodsPerMonth must be positive, got ${k}`);
  const value = expectedAverageValue(gg, c.x, c.mx);
  let clv = 0;
  let previous = 0;
  for (let i = 1; i <= horizonMonths; i++) {
    const cumulative = expected(bg, c, i * k);
    clv += ((cumulative - previous) * value) / Math.pow(1 + d, i);
    previous = cumulative;
  }
  return clv;
}
