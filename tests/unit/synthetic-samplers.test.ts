import { describe, expect, it } from "vitest";
import { mixKey, Rng, stream } from "@/lib/models/prng";
import { beta, Categorical, exponential, gamma, lognormal, normal, poisson } from "@/lib/models/samplers";
import { lnGamma } from "@/lib/stats";

/** sfc32 exactly as published in bryc/code jshash/PRNGs.md (the common JS port of PractRand's sfc32). */
function referenceSfc32(a: number, b: number, c: number, d: number) {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

function moments(xs: Float64Array | number[]) {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, variance: ss / (xs.length - 1) };
}

function sample(n: number, draw: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw();
  return out;
}

describe("prng", () => {
  it("is sfc32: the same 32-bit outputs as the reference port from any state", () => {
    const states: [number, number, number, number][] = [
      [0x9e3779b9, 0x243f6a88, 0xb7e15162, 1],
      [1, 2, 3, 4],
      [0xffffffff, 0, 0x12345678, 0x7fffffff],
    ];
    for (const s of states) {
      const ours = Rng.fromState(...s);
      const ref = referenceSfc32(...s);
      for (let i = 0; i < 1000; i++) expect(ours.nextUint32()).toBe(ref());
    }
  });

  it("is pinned: seed 42 gives these outputs on every platform", () => {
    const r = new Rng(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([
      1959603763, 2423114712, 2466933512, 4144396390,
    ]);
    expect(mixKey(42, 2, 0)).toBe(379979993);
    expect(mixKey(42, 2, 1)).toBe(675843749);
  });

  it("gives independent-looking streams for neighbouring keys and uniforms strictly inside (0, 1)", () => {
    const a = stream(42, 2, 0);
    const b = stream(42, 2, 1);
    const c = stream(43, 2, 0);
    const xs = sample(50_000, () => a.next());
    const ys = sample(50_000, () => b.next());
    const zs = sample(50_000, () => c.next());
    const m = moments(xs);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(0.002);
    // Correlation between streams: |r| < 4/sqrt(n) ≈ 0.018.
    const corr = (p: Float64Array, q: Float64Array) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) s += (p[i] - 0.5) * (q[i] - 0.5);
      return s / p.length / (1 / 12);
    };
    expect(Math.abs(corr(xs, ys))).toBeLessThan(0.018);
    expect(Math.abs(corr(xs, zs))).toBeLessThan(0.018);
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

describe("samplers (fixed seed, 200,000 draws: means within 2 %)", () => {
  const N = 200_000;

  it.each([
    [0.5, 2],
    [0.8, 14],
    [1.4, 10],
    [5, 0.5],
  ])("Gamma(shape %s, rate %s) has mean shape/rate and variance shape/rate² (Marsaglia & Tsang)", (shape, rate) => {
    const rng = stream(1, 100, shape * 1000);
    const m = moments(sample(N, () => gamma(rng, shape, rate)));
    expect(Math.abs(m.mean / (shape / rate) - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.variance / (shape / rate ** 2) - 1)).toBeLessThan(0.05);
  });

  it.each([
    [0.7, 25],
    [1, 7],
    [2, 5],
  ])("Beta(%s, %s) has mean a/(a+b) and variance ab/((a+b)²(a+b+1))", (a, b) => {
    const rng = stream(1, 101, a * 100 + b);
    const m = moments(sample(N, () => beta(rng, a, b)));
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(m.mean / mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.05);
  });

  it.each([0.3, 3, 9.5, 10, 40, 1000])("Poisson(%s) has mean and variance equal to its parameter", (mean) => {
    const rng = stream(1, 102, mean * 10);
    const xs = sample(N, () => poisson(rng, mean));
    const m = moments(xs);
    expect(Math.abs(m.mean / mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.variance / mean - 1)).toBeLessThan(0.05);
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
  });

  it("Poisson(40) matches the exact pmf at the mode (PTRS accepts the right mass)", () => {
    const rng = stream(1, 103);
    const n = 400_000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (poisson(rng, 40) === 40) hits += 1;
    const pmf = Math.exp(-40 + 40 * Math.log(40) - lnGamma(41));
    const se = Math.sqrt((pmf * (1 - pmf)) / n);
    expect(Math.abs(hits / n - pmf)).toBeLessThan(4 * se);
  });

  it("lognormal(mu, sigma) has median exp(mu) and mean exp(mu + sigma²/2); normal is N(0,1)", () => {
    const rng = stream(1, 104);
    const xs = sample(N, () => lognormal(rng, Math.log(1000), 0.5));
    const sorted = Float64Array.from(xs).sort();
    expect(Math.abs(sorted[N / 2] / 1000 - 1)).toBeLessThan(0.02);
    expect(Math.abs(moments(xs).mean / (1000 * Math.exp(0.125)) - 1)).toBeLessThan(0.02);
    const z = moments(sample(N, () => normal(rng)));
    expect(Math.abs(z.mean)).toBeLessThan(0.01);
    expect(Math.abs(z.variance - 1)).toBeLessThan(0.02);
  });

  it("exponential(rate) has mean 1/rate", () => {
    const rng = stream(1, 105);
    expect(Math.abs(moments(sample(N, () => exponential(rng, 0.25))).mean / 4 - 1)).toBeLessThan(0.02);
  });

  it("lnGamma (lib/stats, which the Poisson sampler uses) matches known values of ln Γ", () => {
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    expect(lnGamma(100.5)).toBeCloseTo(361.4355404677775, 9);
  });

  it("Categorical draws in proportion to its weights and never picks a zero weight", () => {
    const rng = stream(1, 106);
    const cat = new Categorical([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[cat.draw(rng)] += 1;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2] / 100_000 - 0.75)).toBeLessThan(0.006);
    expect(() => new Categorical([0, 0])).toThrow(RangeError);
  });
});
