import { describe, expect, it } from "vitest";
import { minimumDetectableLiftMean } from "@/lib/models/upliftStats";
import { previewOffer } from "@/lib/offers/plan";

const members = Array.from({ length: 200 }, (_, i) => ({
  customerId: i + 1,
  stratum: "r1-f2",
  preVisits: i % 5,
  preRevenueMinor: (i % 5) * 10_000,
  recencyDays: 10,
}));

describe("offer preview (aggregates only)", () => {
  it("computes expected responders, window revenue and incremental revenue by its formulas", () => {
    const p = previewOffer(members, 30, 180, 0.15, []);
    expect(p.audienceSize).toBe(200);
    const responders = members.reduce((s, m) => s + 1 - Math.exp(-(m.preVisits / 180) * 30), 0);
    expect(p.expectedResponders).toBeCloseTo(responders, 9);
    // Σ pre revenue × 30/180 = 40 × (0+1+2+3+4) × 10,000 / 6
    expect(p.expectedWindowRevenueMinor).toBeCloseTo((40 * 10 * 10_000) / 6, 6);
    // default prior 5 % × per-customer window revenue × treated (200 − 30)
    expect(p.priorSource).toBe("default");
    expect(p.expectedIncrementalRevenueMinor).toBeCloseTo(0.05 * ((40 * 10 * 10_000) / 6 / 200) * 170, 6);
  });

  it("plans with the campaigns' power function and suggests the smallest holdout that detects the expected effect", () => {
    const p = previewOffer(members, 30, 180, 0.15, [0.5]);
    expect(p.priorSource).toBe("history");
    expect(p.priorLift).toBe(0.5);
    const scaled = members.map((m) => (m.preRevenueMinor * 30) / 180);
    const mean = scaled.reduce((s, x) => s + x, 0) / 200;
    const sd = Math.sqrt(scaled.reduce((s, x) => s + (x - mean) ** 2, 0) / 199);
    expect(p.planner[0].mdeMinor).toBeCloseTo(minimumDetectableLiftMean(sd, 180, 20), 6);
    const expectedEffect = mean * 0.5;
    const fit = p.planner.find((x) => x.mdeMinor! <= expectedEffect);
    expect(p.suggestedHoldout).toBe(fit?.holdout ?? 0.2);
  });
});
