import { describe, expect, it } from "vitest";
import type { CustomerRfm } from "@/lib/analytics/getRfmSummary";
import { buildClvRun, fitCustomerValue } from "@/lib/jobs/clv";
import { ModelInputError } from "@/lib/jobs/errors";
import { expectedPurchasesMbg, probabilityAliveMbg } from "@/lib/models/mbgnbd";
import { stream } from "@/lib/models/prng";
import { clvContract } from "@/lib/runs/clv";
import { parseForWrite } from "@/lib/runs/contract";

/*
 * CLV with segment priors (issue 17, ADR 0019) without a database: a merchant with too few repeat
 * customers is scored with the segment's population parameters (empirical Bayes), on its own
 * customers' histories, and the run stores no figure of the segment's customers.
 */

/** RFM rows in weeks: purchase counts and recencies of a plain repeat-buying population. */
function rfmRows(seed: number, n: number, firstId: number, repeatShare: number): CustomerRfm[] {
  const rng = stream(seed, 3);
  return Array.from({ length: n }, (_, i) => {
    const T = 10 + rng.int(50);
    const x = rng.chance(repeatShare) ? 1 + rng.int(8) : 0;
    const tx = x === 0 ? 0 : Math.round(T * (0.3 + 0.7 * rng.next()) * 100) / 100;
    return { customerId: firstId + i, x, tx, T, mx: x === 0 ? null : 2_000 + rng.int(3_000), firstDay: "2024-01-01", lastDay: "2024-06-01" };
  });
}

describe("buildClvRun with a segment pool", () => {
  const own = rfmRows(1, 40, 1, 0.25);
  const segment = [...own, ...rfmRows(2, 1_500, 10_000, 0.5)];
  const pool = { available: true as const, level: "mcc" as const, merchants: 7, rows: segment };

  it("fails alone, and with the pool scores only the merchant's customers with the segment's parameters", () => {
    expect(() => buildClvRun(own, "2024-07-01", new Map())).toThrow(ModelInputError);
    expect(() => buildClvRun(own, "2024-07-01", new Map(), { available: false, merchants: 3, reason: "fewer than 5 merchants in the segment" })).toThrow(/too few repeat customers to fit customer value: \d+ \(at least 20 needed\)/);
    const run = buildClvRun(own, "2024-07-01", new Map(), pool);
    expect(() => parseForWrite(clvContract, run)).not.toThrow();
    expect(run.params.pooling).toEqual({ mode: "pooled", level: "mcc", merchants: 7, withheld: null });
    expect(run.outputs.map((o) => o.customerId)).toEqual(own.map((c) => c.customerId));
    expect(run.summary.customers).toBe(40);
    expect(run.summary.repeatCustomers).toBe(own.filter((c) => c.x > 0).length);
    expect(run.metrics.mbgnbd.logLikelihood).toBeNull();
    expect(run.metrics.mbgnbd.standardErrors).toBeNull();
    expect(run.metrics.gammaGamma).toMatchObject({ logLikelihood: null, customers: null });
    // Each customer: the segment's fit, conditioned on his own (x, t_x, T).
    const fit = fitCustomerValue(segment).mbgnbd.params;
    expect(run.metrics.mbgnbd).toMatchObject({ r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b });
    const c = own.find((r) => r.x > 2)!;
    const out = run.outputs.find((o) => o.customerId === c.customerId)!.output;
    expect(out.pAlive).toBeCloseTo(probabilityAliveMbg(fit, c), 6);
    expect(out.expectedPurchases90d).toBeCloseTo(expectedPurchasesMbg(fit, c, 90 / 7), 6);
  });

  it("keeps the merchant's own fit when it succeeds, and says a pool was not needed", () => {
    const big = rfmRows(3, 600, 1, 0.5);
    const run = buildClvRun(big, "2024-07-01", new Map(), pool);
    expect(run.params.pooling).toEqual({ mode: "merchantOnly", level: null, merchants: 7, withheld: null });
    expect(run.metrics.mbgnbd.logLikelihood).toBeLessThan(0);
    expect(run.metrics.gammaGamma.customers).toBe(big.filter((c) => c.x > 0).length);
  });
});
