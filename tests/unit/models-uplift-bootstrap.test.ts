import { describe, expect, it } from "vitest";
import { analyseCampaign, type CampaignData, type CampaignMeta } from "@/lib/campaigns/analysis";
import { stream } from "@/lib/models/prng";
import { qiniBootstrapInterval, qiniCoefficient } from "@/lib/models/uplift";

/*
 * The Qini bootstrap interval (lib/models/uplift.ts) and the campaign report's use of it: no
 * customer is called persuadable on the word of a model not clearly better than random.
 */

/** n customers, half treated; the action works (+30 pp) only where x = 1 (`planted`) or nowhere. */
function campaign(n: number, planted: boolean, seed: number) {
  const rng = stream(seed, 1);
  const x = Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  const t = Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  const y = x.map((xi, i) => (rng.next() < 0.2 + (planted && xi === 1 && t[i] === 1 ? 0.3 : 0) ? 1 : 0));
  return { x, t, y };
}

describe("qiniBootstrapInterval", () => {
  it("a ranking that knows the planted segment is clearly better than random; a random one is not", () => {
    const { x, t, y } = campaign(2000, true, 7);
    const good = qiniBootstrapInterval(y, x.map((v, i) => v + i * 1e-9), t, stream(1, 2), 200);
    expect(good.qini).toBe(qiniCoefficient(y, x.map((v, i) => v + i * 1e-9), t));
    expect(good.lower).toBeGreaterThan(0);
    expect(good.lower).toBeLessThan(good.qini);
    expect(good.upper).toBeGreaterThan(good.qini);
    const r = stream(3, 4);
    const random = qiniBootstrapInterval(y, y.map(() => r.next()), t, stream(1, 2), 200);
    expect(random.lower).toBeLessThanOrEqual(0);
    expect(random.upper).toBeGreaterThan(0);
  });

  it("is reproducible for a seed, and refuses bad input", () => {
    const { x, t, y } = campaign(300, true, 9);
    const a = qiniBootstrapInterval(y, x, t, stream(5, 6), 50);
    expect(qiniBootstrapInterval(y, x, t, stream(5, 6), 50)).toEqual(a);
    expect(a).toMatchObject({ replicates: 50, level: 0.95 });
    expect(() => qiniBootstrapInterval([1], [0.5], [1], stream(1, 1))).toThrow(/at least 2 rows/);
    expect(() => qiniBootstrapInterval([1, 0], [0.5], [1, 0], stream(1, 1))).toThrow(/different lengths/);
  });
});

describe("analyseCampaign targeting", () => {
  const meta: CampaignMeta = {
    id: 1, merchant_id: 1, name: "Test", format: "campaign", row_count: 0, unknown_customers: 0,
    outcome_columns: ["conversion"], outcome_source: "file", window_days: 14, feature_names: ["x", "noise"], currency: "RUB",
  };
  function data(planted: boolean, seed: number): CampaignData {
    const n = 3000;
    const { x, t, y } = campaign(n, planted, seed);
    const r = stream(seed, 3);
    return {
      refs: x.map((_, i) => `c${i}`),
      treatment: Uint8Array.from(t),
      action: t.map((v) => (v === 1 ? "SMS" : "")),
      outcomes: { conversion: Float64Array.from(y) },
      features: [
        { name: "x", kind: "numeric", values: Float64Array.from(x), levels: [] },
        { name: "noise", kind: "numeric", values: Float64Array.from(x, () => r.next()), levels: [] },
      ],
    };
  }

  it("with a planted segment: the model is 'better', customers are sorted into categories", () => {
    const { report, effects } = analyseCampaign({ ...meta, row_count: 3000 }, data(true, 11));
    const u = report.actions[0].uplift!;
    expect(u.verdict).toBe("better");
    expect(u.qiniCi!.lower).toBeGreaterThan(0);
    expect(report.targeting).toBe("assessed");
    expect(effects).toHaveLength(3000);
    expect(report.categories.persuadable).toBeGreaterThan(0);
  });

  it("with no heterogeneity at all: 'not clearly better than random', no categories and no per-customer table", () => {
    const { report, effects } = analyseCampaign({ ...meta, row_count: 3000 }, data(false, 12));
    const u = report.actions[0].uplift!;
    expect(u.qiniCi!.lower).toBeLessThanOrEqual(0);
    expect(u.verdict).toBe("notBetterThanRandom");
    expect(report.targeting).toBe("notAssessed");
    expect(report.categories).toEqual({});
    expect(effects).toEqual([]);
  });
});

describe("qiniBootstrapInterval's one-sort resampling", () => {
  it("equals resampling the rows and recomputing qiniCoefficient (same draws), ties included", () => {
    const { x, t, y } = campaign(500, true, 21);
    const r0 = stream(8, 8);
    const score = x.map((v) => Math.round((v + r0.next()) * 4) / 4); // heavy ties
    const replicates = 30;
    const fast = qiniBootstrapInterval(y, score, t, stream(2, 3), replicates, 0.9);
    // The slow reference with the same generator: row j drawn n times per replicate.
    const rng = stream(2, 3);
    const slow: number[] = [];
    for (let r = 0; r < replicates; r++) {
      const idx = Array.from({ length: y.length }, () => rng.int(y.length));
      slow.push(qiniCoefficient(idx.map((j) => y[j]), idx.map((j) => score[j]), idx.map((j) => t[j])));
    }
    slow.sort((p, q) => p - q);
    const q = (p: number) => {
      const h = (slow.length - 1) * p;
      const lo = Math.floor(h);
      return slow[lo] + (h - lo) * ((slow[Math.min(lo + 1, slow.length - 1)] ?? 0) - slow[lo]);
    };
    expect(Math.abs(fast.lower - q(0.05))).toBeLessThan(1e-12);
    expect(Math.abs(fast.upper - q(0.95))).toBeLessThan(1e-12);
  });
});
