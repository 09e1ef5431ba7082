import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  keyedUniform,
  NOISE_BOUND,
  NOISE_SCALE,
  quarterBand,
  releaseMagnitude,
  roundSignificant,
  truncatedLaplace,
} from "@/lib/privacy/disclosure";
import { MIN_DISTRIBUTION_VALUES, releaseQuantiles } from "@/lib/privacy/guard";

const saved = { key: process.env.PRIVACY_NOISE_KEY, env: process.env.NODE_ENV };
afterEach(() => {
  if (saved.key === undefined) delete process.env.PRIVACY_NOISE_KEY;
  else process.env.PRIVACY_NOISE_KEY = saved.key;
  (process.env as Record<string, string | undefined>).NODE_ENV = saved.env;
});

describe("the release model's pieces (lib/privacy/disclosure.ts)", () => {
  it("rounds to 3 significant digits", () => {
    expect(roundSignificant(123_456)).toBe(123_000);
    expect(roundSignificant(0.0012345)).toBe(0.00123);
    expect(roundSignificant(-98_765)).toBe(-98_800);
    expect(roundSignificant(0)).toBe(0);
  });

  it("the keyed uniform is HMAC-SHA256(PRIVACY_NOISE_KEY, parts joined by |), 48 bits into (0, 1)", () => {
    process.env.PRIVACY_NOISE_KEY = "a-test-key-that-is-at-least-32-characters-long";
    const digest = createHmac("sha256", process.env.PRIVACY_NOISE_KEY).update("g|2026-01-01/2026-02-01|f").digest();
    expect(keyedUniform(["g", "2026-01-01/2026-02-01", "f"])).toBe((digest.readUIntBE(0, 6) + 0.5) / 2 ** 48);
    expect(keyedUniform(["g", "2026-01-01/2026-02-01", "f"])).not.toBe(keyedUniform(["g", "2026-01-01/2026-02-01", "f2"]));
  });

  it("refuses a short key; tests without a key use the fixed test key", () => {
    process.env.PRIVACY_NOISE_KEY = "too-short";
    expect(() => keyedUniform(["x"])).toThrow(/PRIVACY_NOISE_KEY must be at least 32 characters/);
    delete process.env.PRIVACY_NOISE_KEY;
    const digest = createHmac("sha256", "test-only-privacy-noise-key-never-used-outside-vitest").update("x").digest();
    expect(keyedUniform(["x"])).toBe((digest.readUIntBE(0, 6) + 0.5) / 2 ** 48);
  });

  it("the truncated Laplace: 0 at u = ½, odd around it, never beyond ±15 %, median |η| = −b ln(1 − ½(1 − e^(−B/b)))", () => {
    expect(Math.abs(truncatedLaplace(0.5, NOISE_SCALE, NOISE_BOUND))).toBe(0);
    expect(truncatedLaplace(0.2, NOISE_SCALE, NOISE_BOUND)).toBeCloseTo(-truncatedLaplace(0.8, NOISE_SCALE, NOISE_BOUND), 12);
    expect(truncatedLaplace(1e-12, NOISE_SCALE, NOISE_BOUND)).toBeCloseTo(-NOISE_BOUND, 9);
    const draws = Array.from({ length: 10_001 }, (_, i) => Math.abs(truncatedLaplace((i + 0.5) / 10_001, NOISE_SCALE, NOISE_BOUND))).sort((a, b) => a - b);
    expect(Math.max(...draws)).toBeLessThanOrEqual(NOISE_BOUND);
    const median = -NOISE_SCALE * Math.log(1 - 0.5 * (1 - Math.exp(-NOISE_BOUND / NOISE_SCALE)));
    expect(median).toBeCloseTo(0.019277, 5);
    expect(draws[5000]).toBeCloseTo(median, 4);
    expect(() => truncatedLaplace(1, NOISE_SCALE, NOISE_BOUND)).toThrow(/u must be in \(0, 1\)/);
  });

  it("a released magnitude stays within ±15 % of its scale (plus rounding), the same for the same key", () => {
    for (let i = 0; i < 500; i++) {
      const key = { group: `g${i}`, period: "p", field: "f" };
      const x = 1000 + i * 37;
      const r = releaseMagnitude(x, key);
      expect(Math.abs(r - x)).toBeLessThanOrEqual(NOISE_BOUND * x + 0.005 * x);
      expect(releaseMagnitude(x, key)).toBe(r);
      // A signed mean near 0 of large values gets noise of the size of those values.
      const signed = releaseMagnitude(0.001, key, 0.5);
      expect(Math.abs(signed - 0.001)).toBeLessThanOrEqual(NOISE_BOUND * 0.5 + 0.005);
    }
    const spread = new Set(Array.from({ length: 50 }, (_, i) => releaseMagnitude(0.001, { group: `s${i}`, period: "p", field: "f" }, 0.5)));
    expect(spread.size).toBeGreaterThan(40);
  });

  it("quarter bands against the released quartiles", () => {
    const q = { p25: 10, median: 20, p75: 30 };
    expect([5, 10, 20, 25, 30, 31, null].map((own) => quarterBand(own, q))).toEqual(["below_p25", "p25_median", "p25_median", "median_p75", "median_p75", "above_p75", null]);
  });

  it(`a distribution needs ${MIN_DISTRIBUTION_VALUES} values (every member sees at least 5 others in it)`, () => {
    const key = { group: "g", period: "p", field: "f" };
    expect(releaseQuantiles([1, 2, 3, 4, 5], 1, key).released).toBe(false);
    expect(releaseQuantiles([1, 2, 3, 4, 5, 6], 1, key).released).toBe(true);
  });
});
