import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rocAuc } from "@/lib/models/classificationMetrics";
import { delongAucInterval } from "@/lib/models/delong";

/*
 * DeLong's AUC interval against an independent, literal pairwise implementation in NumPy
 * (scripts/fixtures/make_delong_fixture.py → tests/fixtures/models/delong.json), on a useful
 * model, a random one, heavy ties and a small hand-checkable case.
 */

interface Case {
  name: string;
  y: number[];
  score: number[];
  auc: number;
  se: number;
  lower: number;
  upper: number;
  ci90: { auc: number; se: number; lower: number; upper: number };
}
const CASES = (JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/models/delong.json"), "utf8")) as { cases: Case[] }).cases;

describe("delongAucInterval", () => {
  it("matches the pairwise reference: AUC, standard error and both limits (1e-12), at 95 % and 90 %", () => {
    expect(CASES.map((c) => c.name)).toEqual(["useful", "random", "ties", "small"]);
    for (const c of CASES) {
      const r = delongAucInterval(c.y, c.score);
      expect(Math.abs(r.auc - c.auc)).toBeLessThan(1e-12);
      expect(Math.abs(r.se - c.se)).toBeLessThan(1e-12);
      expect(Math.abs(r.lower - c.lower)).toBeLessThan(1e-9);
      expect(Math.abs(r.upper - c.upper)).toBeLessThan(1e-9);
      expect(r.auc).toBeCloseTo(rocAuc(c.y, c.score), 12);
      const r90 = delongAucInterval(c.y, c.score, 0.9);
      expect(Math.abs(r90.lower - c.ci90.lower)).toBeLessThan(1e-9);
      expect(Math.abs(r90.upper - c.ci90.upper)).toBeLessThan(1e-9);
    }
  });

  it("a random model's interval covers 0.5; a useful one's lies above it", () => {
    const random = CASES.find((c) => c.name === "random")!;
    const useful = CASES.find((c) => c.name === "useful")!;
    const r = delongAucInterval(random.y, random.score);
    expect(r.lower).toBeLessThanOrEqual(0.5);
    expect(r.upper).toBeGreaterThan(0.5);
    expect(delongAucInterval(useful.y, useful.score).lower).toBeGreaterThan(0.5);
  });

  it("small case by hand: AUC 0.8125 (13 of 16 pairs, with two ½ ties)", () => {
    const small = CASES.find((c) => c.name === "small")!;
    expect(delongAucInterval(small.y, small.score).auc).toBe(0.8125);
  });

  it("rejects bad input with a clear error", () => {
    expect(() => delongAucInterval([1, 0], [0.5])).toThrow(/2 labels but 1 scores/);
    expect(() => delongAucInterval([1, 1, 0], [0.1, 0.2, 0.3])).toThrow(/at least 2 positives and 2 negatives/);
    expect(() => delongAucInterval([1, 2, 0, 0], [0.1, 0.2, 0.3, 0.4])).toThrow(/must be 0 or 1/);
    expect(() => delongAucInterval([1, 1, 0, 0], [0.1, Number.NaN, 0.3, 0.4])).toThrow(/not finite/);
    expect(() => delongAucInterval([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4], 1)).toThrow(/level/);
  });
});
