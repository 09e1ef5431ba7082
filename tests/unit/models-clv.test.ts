import { describe, expect, it } from "vitest";
import { expectedPurchases, type BgNbdParams } from "@/lib/models/bgnbd";
import { customerLifetimeValue } from "@/lib/models/clv";
import { expectedAverageValue, type GammaGammaParams } from "@/lib/models/gammaGamma";

/*
 * CLV = Σ_{i=1..H} (E[X(T, T+ik)] − E[X(T, T+(i−1)k)]) · E[M] / (1+d)^i (lifetimes'
 * _customer_lifetime_value). Checked against cases with independent closed forms: no discount
 * (the sum telescopes), one month, and the no-dropout limit where E[X(T, T+t)] = t (r+x)/(α+T)
 * and the sum is a geometric series.
 */

const BG: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
const WEEKS_PER_MONTH = 365.25 / 12 / 7;
const customer = { x: 2, tx: 30.43, T: 38.86, mx: 22.35 };

describe("customerLifetimeValue", () => {
  it("without discounting equals E[X(T, T+Hk)] · E[M] (the monthly sum telescopes)", () => {
    const clv = customerLifetimeValue(BG, GG, customer, { horizonMonths: 12, monthlyDiscountRate: 0, periodsPerMonth: WEEKS_PER_MONTH });
    const direct = expectedPurchases(BG, customer, 12 * WEEKS_PER_MONTH) * expectedAverageValue(GG, 2, 22.35);
    expect(clv / direct).toBeCloseTo(1, 12);
  });

  it("one month is the first month's purchases discounted once", () => {
    const clv = customerLifetimeValue(BG, GG, customer, { horizonMonths: 1, monthlyDiscountRate: 0.01, periodsPerMonth: 4.345 });
    expect(clv).toBeCloseTo((expectedPurchases(BG, customer, 4.345) * expectedAverageValue(GG, 2, 22.35)) / 1.01, 12);
    expect(customerLifetimeValue(BG, GG, customer, { horizonMonths: 0, monthlyDiscountRate: 0.01, periodsPerMonth: 4.345 })).toBe(0);
  });

  it("matches the geometric series in the no-dropout limit", () => {
    // p ~ Beta(1, 1e8): dropout is negligible, so each month brings k (r+x)/(α+T) purchases and
    // CLV = k (r+x)/(α+T) · E[M] · (1 − (1+d)^−H) / d.
    const bg = { r: 0.9, alpha: 6, a: 1, b: 1e8 };
    const c = { x: 4, tx: 20, T: 30, mx: 1500 };
    const k = 30.44;
    const d = 0.01;
    const H = 24;
    const rate = (0.9 + 4) / (6 + 30);
    const closed = k * rate * expectedAverageValue(GG, 4, 1500) * ((1 - Math.pow(1 + d, -H)) / d);
    const clv = customerLifetimeValue(bg, GG, c, { horizonMonths: H, monthlyDiscountRate: d, periodsPerMonth: k });
    expect(clv / closed).toBeCloseTo(1, 5);
  });

  it("uses the population mean value for a customer without repeat purchases, whatever mx says", () => {
    const c = { x: 0, tx: 0, T: 20, mx: 0 };
    const opts = { horizonMonths: 6, monthlyDiscountRate: 0.01, periodsPerMonth: WEEKS_PER_MONTH };
    expect(customerLifetimeValue(BG, GG, c, opts)).toBe(customerLifetimeValue(BG, GG, { ...c, mx: 1234 }, opts));
    expect(customerLifetimeValue(BG, GG, c, opts)).toBeGreaterThan(0);
  });

  it("grows with the horizon and falls with the discount rate", () => {
    const at = (H: number, d: number) => customerLifetimeValue(BG, GG, customer, { horizonMonths: H, monthlyDiscountRate: d, periodsPerMonth: WEEKS_PER_MONTH });
    expect(at(24, 0.01)).toBeGreaterThan(at(12, 0.01));
    expect(at(12, 0.02)).toBeLessThan(at(12, 0.01));
  });

  it("rejects invalid options", () => {
    const base = { horizonMonths: 12, monthlyDiscountRate: 0.01, periodsPerMonth: 4.345 };
    expect(() => customerLifetimeValue(BG, GG, customer, { ...base, horizonMonths: 1.5 })).toThrow(/horizonMonths/);
    expect(() => customerLifetimeValue(BG, GG, customer, { ...base, monthlyDiscountRate: -1 })).toThrow(/monthlyDiscountRate/);
    expect(() => customerLifetimeValue(BG, GG, customer, { ...base, periodsPerMonth: 0 })).toThrow(/periodsPerMonth/);
    expect(() => customerLifetimeValue(BG, { p: 1, q: 0.5, gamma: 1 }, { ...customer, x: 0 }, base)).toThrow(/no finite mean/);
  });
});
