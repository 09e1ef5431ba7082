import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { probabilityAliveMbg, probabilityPurchaseWithin, type MbgNbdParams } from "@/lib/models/mbgnbd";
import { nextPurchaseConditionalCdf, nextPurchaseForecast, nextPurchaseWaitQuantile } from "@/lib/models/nextPurchase";

/*
 * The wait to the next purchase under MBG/NBD (lib/models/nextPurchase.ts) against an
 * independent SciPy reference (scripts/fixtures/make_nextpurchase_fixture.py →
 * tests/fixtures/models/nextpurchase.json): P(alive) from the likelihood's two terms, the wait as
 * scipy.stats.lomax, the conditional quantiles by a bracketing root finder. Three parameter sets
 * (CDNOW's fit, no dropout, heavy dropout) × ten customers, x = 0 and T = t_x included.
 */

interface FixtureCustomer {
  x: number;
  tx: number;
  T: number;
  pAlive: number;
  pBuy30d: number;
  pBuy90d: number;
  pWithinHorizon: number;
  waitQuantiles: [number, number, number];
  cdfAtMedian: number;
}
interface Fixture {
  horizon: number;
  quantiles: [number, number, number];
  cases: { name: string; params: MbgNbdParams; customers: FixtureCustomer[] }[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "models", "nextpurchase.json"), "utf8")) as Fixture;
const opts = { horizon: fixture.horizon, quantiles: fixture.quantiles, threshold: 0.5 };

/** |a − b| ≤ tol · max(1, |b|). */
function close(a: number, b: number, tol = 1e-9): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
}

describe("next purchase vs SciPy (fixture)", () => {
  it("the fixture holds 3 parameter sets × 10 customers, with x = 0 and T = t_x among them", () => {
    expect(fixture.cases.map((c) => c.name)).toEqual(["cdnow", "no-dropout", "heavy-dropout"]);
    expect(fixture.horizon).toBe(365.25 / 7);
    for (const c of fixture.cases) {
      expect(c.customers).toHaveLength(10);
      expect(c.customers.filter((u) => u.x === 0)).toHaveLength(4);
      expect(c.customers.filter((u) => u.x > 0 && u.T === u.tx)).toHaveLength(2);
    }
  });

  for (const c of fixture.cases) {
    it(`${c.name}: P(alive), P(buy within 30 / 90 days and 12 months), the wait's 10th/50th/90th percentiles to 1e-9`, () => {
      for (const u of c.customers) {
        const s = { x: u.x, tx: u.tx, T: u.T };
        close(probabilityAliveMbg(c.params, s), u.pAlive);
        close(probabilityPurchaseWithin(c.params, s, 30 / 7), u.pBuy30d);
        close(probabilityPurchaseWithin(c.params, s, 90 / 7), u.pBuy90d);
        const f = nextPurchaseForecast(c.params, s, opts);
        close(f.pAlive, u.pAlive);
        close(f.pWithinHorizon, u.pWithinHorizon);
        expect(f.expected).toBe(u.pWithinHorizon >= 0.5);
        // The quantiles are pinned for every customer, expected or not.
        u.waitQuantiles.forEach((q, i) => close(nextPurchaseWaitQuantile(c.params, s, fixture.quantiles[i], fixture.horizon), q));
        if (f.expected) {
          close(f.wait!.low, u.waitQuantiles[0]);
          close(f.wait!.median, u.waitQuantiles[1]);
          close(f.wait!.high, u.waitQuantiles[2]);
        } else expect(f.wait).toBeNull();
        close(nextPurchaseConditionalCdf(c.params, s, u.waitQuantiles[1], fixture.horizon), u.cdfAtMedian);
        close(u.cdfAtMedian, 0.5, 1e-12);
      }
    });
  }

  it("says 'not expected' exactly where the fixture's chance within 12 months is below 50 % (12 of 30)", () => {
    const notExpected = fixture.cases.flatMap((c) =>
      c.customers.filter((u) => !nextPurchaseForecast(c.params, { x: u.x, tx: u.tx, T: u.T }, opts).expected).map((u) => `${c.name}:${u.x}:${u.T}`),
    );
    expect(notExpected).toEqual([
      "cdnow:0:0",
      "cdnow:0:1",
      "cdnow:0:38.86",
      "cdnow:0:52",
      "cdnow:3:60",
      "heavy-dropout:0:0",
      "heavy-dropout:0:1",
      "heavy-dropout:0:38.86",
      "heavy-dropout:0:52",
      "heavy-dropout:1:10",
      "heavy-dropout:2:38.86",
      "heavy-dropout:3:60",
    ]);
  });
});

describe("next purchase: closed forms and edge cases", () => {
  const p: MbgNbdParams = { r: 0.5248, alpha: 6.183, a: 0.8914, b: 1.614 };

  it("x = 0, T = 0 (first purchase on the calibration end): the wait is Lomax(r, α), the median closed-form", () => {
    const H = 52;
    const cH = 1 - (p.alpha / (p.alpha + H)) ** p.r;
    const median = p.alpha * ((1 - 0.5 * cH) ** (-1 / p.r) - 1);
    close(nextPurchaseWaitQuantile(p, { x: 0, tx: 0, T: 0 }, 0.5, H), median, 1e-12);
    // P(alive) of a brand-new customer: 1 / (1 + a/b).
    close(probabilityAliveMbg(p, { x: 0, tx: 0, T: 0 }), 1 / (1 + p.a / p.b), 1e-15);
  });

  it("T = t_x: P(alive) is 1/(1 + a/(b+x)), and the quantiles do not depend on t_x", () => {
    close(probabilityAliveMbg(p, { x: 4, tx: 20, T: 20 }), 1 / (1 + p.a / (p.b + 4)), 1e-15);
    expect(nextPurchaseWaitQuantile(p, { x: 4, tx: 20, T: 20 }, 0.9, 52)).toBe(nextPurchaseWaitQuantile(p, { x: 4, tx: 2, T: 20 }, 0.9, 52));
  });

  it("q = 0 gives 0 and q = 1 gives the horizon; quantiles rise with q; the CDF inverts the quantile", () => {
    const c = { x: 2, tx: 30.43, T: 38.86 };
    expect(nextPurchaseWaitQuantile(p, c, 0, 52)).toBe(0);
    expect(nextPurchaseWaitQuantile(p, c, 1, 52)).toBe(52);
    const qs = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99].map((q) => nextPurchaseWaitQuantile(p, c, q, 52));
    expect(qs).toEqual([...qs].sort((u, v) => u - v));
    for (const q of [0.01, 0.3, 0.77]) close(nextPurchaseConditionalCdf(p, c, nextPurchaseWaitQuantile(p, c, q, 52), 52), q, 1e-13);
    expect(nextPurchaseConditionalCdf(p, c, 60, 52)).toBe(1);
  });

  it("a heavy buyer's tiny quantiles keep their digits (expm1 / log1p): the 1st percentile of x = 10,000", () => {
    const c = { x: 10_000, tx: 100, T: 100 };
    const beta = p.alpha + 100;
    const s = p.r + 10_000;
    // For large s the wait given alive is ≈ Exp(s/β): the q-quantile ≈ −β ln(1 − q)/s.
    const t = nextPurchaseWaitQuantile(p, c, 0.01, 52);
    close(t, (-beta * Math.log1p(-0.01)) / s, 1e-4);
    expect(t).toBeGreaterThan(0);
  });

  it("refuses bad input with a clear error", () => {
    const c = { x: 1, tx: 2, T: 3 };
    expect(() => nextPurchaseWaitQuantile(p, c, 1.5, 52)).toThrow(/q must be in \[0, 1\], got 1.5/);
    expect(() => nextPurchaseWaitQuantile(p, c, 0.5, 0)).toThrow(/horizon must be positive and finite, got 0/);
    expect(() => nextPurchaseWaitQuantile(p, { x: 1, tx: 4, T: 3 }, 0.5, 52)).toThrow(/need 0 ≤ tx ≤ T/);
    expect(() => nextPurchaseForecast({ ...p, r: 0 }, c, opts)).toThrow(/r must be positive/);
    expect(() => nextPurchaseForecast(p, c, { ...opts, quantiles: [0.5, 0.1, 0.9] })).toThrow(/need 0 < low < mid < high < 1/);
    expect(() => nextPurchaseForecast(p, c, { ...opts, threshold: 2 })).toThrow(/threshold must be in \[0, 1\]/);
    expect(() => nextPurchaseConditionalCdf(p, c, -1, 52)).toThrow(/t must be ≥ 0/);
  });
});
