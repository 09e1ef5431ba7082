import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kMeans } from "@/lib/models/kmeans";
import { Rng } from "@/lib/models/prng";
import { auuc, qiniCoefficient, qiniCurve, upliftAtK, upliftCurve } from "@/lib/models/uplift";
import {
  bootstrapMeanDifference,
  compareProportions,
  detectableEffectSize,
  minimumDetectableLiftProportion,
  planGroupSizes,
  twoSamplePower,
  welchCompare,
  wilsonInterval,
} from "@/lib/models/upliftStats";
import { moments, normalCdf, normalQuantile, studentTQuantile, studentTTwoSidedP } from "@/lib/stats";

/* References: tests/fixtures/models/uplift-stats.json, made once by
 * scripts/fixtures/make_uplift_stats_fixture.py (scipy 1.10, statsmodels 0.13, scikit-learn 1.2,
 * scikit-uplift 0.5's metric definitions). */
const F = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/models/uplift-stats.json"), "utf8"));

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe("distribution functions equal scipy", () => {
  it("normal CDF and quantile", () => {
    for (const [x, p] of F.normalCdf) expect(rel(normalCdf(x), p)).toBeLessThan(1e-12);
    for (const [p, x] of F.normalQuantile) expect(Math.abs(normalQuantile(p) - x)).toBeLessThan(1e-12 * Math.max(1, Math.abs(x)));
  });
  it("Student t two-sided tail and quantile", () => {
    for (const [t, df, p] of F.tTwoSided) expect(rel(studentTTwoSidedP(t, df), p)).toBeLessThan(1e-10);
    // scipy's t.ppf is itself good to ~1e-8 only (2·t.sf at its ppf(0.025, 40) is 0.05 + 7.9e-10);
    // ours is the root of our tail function to 1e-13, so the tail at our quantile is checked too.
    for (const [p, df, q] of F.tQuantile) {
      const ours = studentTQuantile(p, df);
      expect(Math.abs(ours - q)).toBeLessThan(1e-8);
      expect(Math.abs(studentTTwoSidedP(ours, df) - 2 * Math.min(p, 1 - p))).toBeLessThan(1e-13);
    }
  });
});

describe("lift statistics equal statsmodels / scipy", () => {
  it("Wilson, Newcombe's hybrid score interval and the pooled z-test", () => {
    for (const c of F.proportions) {
      const w = wilsonInterval(c.x1, c.n1);
      expect(Math.abs(w.lower - c.wilson1[0])).toBeLessThan(1e-12);
      expect(Math.abs(w.upper - c.wilson1[1])).toBeLessThan(1e-12);
      const est = compareProportions(c.x1, c.n1, c.x0, c.n0);
      expect(Math.abs(est.ci.lower - c.newcombe[0])).toBeLessThan(1e-12);
      expect(Math.abs(est.ci.upper - c.newcombe[1])).toBeLessThan(1e-12);
      expect(rel(est.pValue, c.pValue)).toBeLessThan(1e-9);
    }
  });
  it("Welch's t-test: difference, interval and p-value", () => {
    for (const c of F.welch) {
      const est = welchCompare(moments(c.a), moments(c.b));
      expect(Math.abs(est.absolute - c.diff)).toBeLessThan(1e-12);
      // The reference interval uses scipy's t.ppf (accurate to ~1e-8, see above).
      expect(Math.abs(est.ci.lower - c.ci[0])).toBeLessThan(1e-7);
      expect(Math.abs(est.ci.upper - c.ci[1])).toBeLessThan(1e-7);
      expect(rel(est.pValue, c.pValue)).toBeLessThan(1e-8);
    }
  });
  it("power: detectable effect size and planner group sizes", () => {
    // statsmodels' power() is a closed form: ours must equal it exactly. Its solve_power stops its
    // root finder up to ~1e-5 away in power; ours bisects to 1e-12, so the solutions differ a little.
    for (const [n1, r, es, powerAtEs] of F.detectableEffect) {
      expect(Math.abs(twoSamplePower(es, n1, r) - powerAtEs)).toBeLessThan(1e-13);
      expect(rel(detectableEffectSize(n1, r), es)).toBeLessThan(3e-5);
      expect(Math.abs(twoSamplePower(detectableEffectSize(n1, r), n1, r) - 0.8)).toBeLessThan(1e-10);
    }
    for (const c of F.planner) {
      const plan = planGroupSizes(c.p0, c.lift, { power: c.power });
      expect(rel(plan.effectSize, c.effectSize)).toBeLessThan(1e-12);
      expect(plan.treatment).toBe(Math.ceil(c.nobs1));
    }
  });
});

describe("lift statistics against hand-computed values", () => {
  it("30/100 vs 20/100: lift 0.1, Wilson and Newcombe by hand", () => {
    // Wilson 95 % for 30/100: centre (0.3 + z²/200)/(1 + z²/100), z = 1.959963984540054.
    const z = 1.959963984540054;
    const wil = (x: number, n: number) => {
      const p = x / n;
      const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
      const h = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
      return [c - h, c + h];
    };
    const [l1, u1] = wil(30, 100);
    const [l0, u0] = wil(20, 100);
    const est = compareProportions(30, 100, 20, 100);
    expect(est.absolute).toBeCloseTo(0.1, 15);
    expect(est.relative).toBeCloseTo(0.5, 15);
    expect(est.ci.lower).toBeCloseTo(0.1 - Math.sqrt((0.3 - l1) ** 2 + (u0 - 0.2) ** 2), 14);
    expect(est.ci.upper).toBeCloseTo(0.1 + Math.sqrt((u1 - 0.3) ** 2 + (0.2 - l0) ** 2), 14);
    // Pooled z = 0.1 / sqrt(0.25·0.75·0.02) = 1.632993…; two-sided p = 0.10247…
    expect(est.pValue).toBeCloseTo(2 * (1 - normalCdf(0.1 / Math.sqrt(0.25 * 0.75 * 0.02))), 14);
    expect(est.pValue).toBeCloseTo(0.1024704348, 9);
  });
  it("MDE: 10,000 per group, 10 % baseline: h = (z₀.₉₇₅ + z₀.₈)·√(2/10⁴), p₁ = sin²(asin √0.1 + h/2)", () => {
    const h = (1.959963984540054 + 0.8416212335729143) * Math.sqrt(2 / 10_000);
    const oneTail = Math.sin(Math.asin(Math.sqrt(0.1)) + h / 2) ** 2 - 0.1;
    expect(oneTail).toBeCloseTo(0.0121969, 7);
    // The two-sided power also counts the far tail Φ(−h√5000 − z₀.₉₇₅) ≈ 1e-6, so the exact MDE is
    // a hair below the one-tail formula.
    const mde = minimumDetectableLiftProportion(0.1, 10_000, 10_000)!;
    expect(mde).toBeLessThan(oneTail);
    expect((oneTail - mde) / oneTail).toBeLessThan(5e-6);
  });
  it("bootstrap interval is seeded and brackets the Welch one roughly", () => {
    const a = Array.from({ length: 400 }, (_, i) => (i % 7) * 3 + (i % 3));
    const b = Array.from({ length: 380 }, (_, i) => (i % 6) * 3);
    const one = bootstrapMeanDifference(a, b, new Rng(5), 800);
    const two = bootstrapMeanDifference(a, b, new Rng(5), 800);
    expect(one.ci).toEqual(two.ci);
    const w = welchCompare(moments(a), moments(b));
    expect(Math.abs(one.ci.lower - w.ci.lower)).toBeLessThan(0.15 * (w.ci.upper - w.ci.lower));
    expect(Math.abs(one.ci.upper - w.ci.upper)).toBeLessThan(0.15 * (w.ci.upper - w.ci.lower));
  });
});

describe("uplift metrics equal scikit-uplift's definitions", () => {
  const U = F.uplift;
  it("Qini and uplift curves, point by point (ties in the scores)", () => {
    const q = qiniCurve(U.y, U.score, U.t);
    expect(q.x).toEqual(U.qiniX);
    q.y.forEach((v, i) => expect(Math.abs(v - U.qiniY[i])).toBeLessThan(1e-9));
    const u = upliftCurve(U.y, U.score, U.t);
    expect(u.x).toEqual(U.upliftX);
    u.y.forEach((v, i) => expect(Math.abs(v - U.upliftY[i])).toBeLessThan(1e-9));
  });
  it("Qini coefficient, AUUC and uplift@k", () => {
    expect(Math.abs(qiniCoefficient(U.y, U.score, U.t) - U.qini)).toBeLessThan(1e-12);
    expect(Math.abs(auuc(U.y, U.score, U.t) - U.auuc)).toBeLessThan(1e-12);
    expect(Math.abs(qiniCoefficient(U.y, U.score2, U.t) - U.qini2)).toBeLessThan(1e-12);
    expect(Math.abs(auuc(U.y, U.score2, U.t) - U.auuc2)).toBeLessThan(1e-12);
    for (const [k, v] of U.upliftAtK) expect(Math.abs(upliftAtK(U.y, U.score2, U.t, k)! - v)).toBeLessThan(1e-12);
  });
  it("a hand-sized Qini curve", () => {
    // Scores 4,3,2,1: T1 Y1, C Y0, T Y0, C Y1 → Q = [0, 1, 1, 1, 1 − 1·2/2 = 0].
    const q = qiniCurve([1, 0, 0, 1], [4, 3, 2, 1], [1, 0, 1, 0]);
    expect(q).toEqual({ x: [0, 1, 2, 3, 4], y: [0, 1, 1, 1, 0] });
    // The perfect ranking of these four is this one, so the coefficient is 1.
    expect(qiniCoefficient([1, 0, 0, 1], [4, 3, 2, 1], [1, 0, 1, 0])).toBeCloseTo(1, 12);
  });
});

describe("k-means++ finds sklearn's clusters", () => {
  it("same centroids and inertia on three blobs", () => {
    const res = kMeans(F.kmeans.X, 3, { seed: 1, nInit: 4 });
    const ours = res.centroids.map((c) => c.slice()).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    ours.forEach((c, i) => c.forEach((v, j) => expect(Math.abs(v - F.kmeans.centroids[i][j])).toBeLessThan(1e-9)));
    expect(Math.abs(res.inertia - F.kmeans.inertia) / F.kmeans.inertia).toBeLessThan(1e-9);
  });
  it("is deterministic for a seed", () => {
    const a = kMeans(F.kmeans.X, 4, { seed: 9 });
    const b = kMeans(F.kmeans.X, 4, { seed: 9 });
    expect(a.centroids).toEqual(b.centroids);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  });
});
