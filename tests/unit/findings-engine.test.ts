import { describe, expect, it } from "vitest";
import { buildFindings, segmentMix } from "@/lib/findings/engine";
import { generatePlanted, plantedInput, type PlantedSpec } from "../helpers/plantedMerchant";

/*
 * The findings engine on seeded merchants generated in the test (tests/helpers/plantedMerchant.ts):
 * no significant-change finding on stationary merchants in ≥ 95 % of seeds, and planted changes
 * found and attributed to the right factor and segment.
 */

const SIGNIFICANT = new Set(["metricChange", "segmentDriver"]);
const base: Omit<PlantedSpec, "seed"> = { customers: 600, days: 84, asOf: "2026-06-01" };

describe("findings engine on generated merchants", () => {
  it("stationary merchants: no significant-change finding in at least 95 % of 100 seeds", () => {
    let clean = 0;
    const offenders: string[] = [];
    for (let seed = 1; seed <= 100; seed++) {
      const spec = { ...base, seed };
      const summary = buildFindings(plantedInput(spec, generatePlanted(spec)));
      const hits = summary.findings.filter((f) => SIGNIFICANT.has(f.kind));
      if (hits.length === 0) clean++;
      else offenders.push(`${seed}: ${hits.map((f) => f.id).join(", ")}`);
    }
    expect(clean, offenders.join("\n")).toBeGreaterThanOrEqual(95);
  });

  it("a 15 % frequency drop among premium customers is attributed to frequency of premium = yes (≥ 8 of 10 seeds, never to another segment)", () => {
    let found = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const spec: PlantedSpec = { ...base, customers: 1200, seed, plant: "frequencyDrop", plantFrom: "2026-05-04" };
      const seg = buildFindings(plantedInput(spec, generatePlanted(spec))).findings.filter((f) => f.kind === "segmentDriver");
      if (seg.length === 0) continue;
      expect(seg[0].id).toBe("segmentDriver:premium:yes:frequency:previous");
      expect(seg[0].direction).toBe("down");
      expect(seg[0].values.change.v).toBeGreaterThan(-0.22);
      expect(seg[0].values.change.v).toBeLessThan(-0.08);
      expect(seg[0].values.segment).toEqual({ t: "label", v: "segment.premium.yes" });
      // The non-premium customers did not change: no finding names them.
      expect(seg.some((f) => f.id.startsWith("segmentDriver:premium:no"))).toBe(false);
      found++;
    }
    expect(found).toBeGreaterThanOrEqual(8);
  });

  it("a 10 % price rise is an average-check change, and revenue's main driver is the average check (5 seeds)", () => {
    for (let seed = 11; seed <= 15; seed++) {
      const spec: PlantedSpec = { ...base, customers: 800, seed, plant: "priceRise", plantFrom: "2026-05-04" };
      const summary = buildFindings(plantedInput(spec, generatePlanted(spec)));
      const check = summary.findings.find((f) => f.id === "metricChange:averageCheck:previous");
      expect(check?.direction).toBe("up");
      expect(check!.values.change.v).toBeGreaterThan(0.07);
      expect(check!.values.change.v).toBeLessThan(0.13);
      const revenue = summary.findings.find((f) => f.id === "metricChange:netRevenue:previous");
      expect(revenue?.values.mainFactor).toEqual({ t: "label", v: "factor.averageCheck" });
      expect(summary.findings.some((f) => f.id === "metricChange:frequency:previous" || f.id === "metricChange:customers:previous")).toBe(false);
    }
  });

  it("segment cells add up exactly to the merchant's change in gross sales, per dimension", () => {
    const spec: PlantedSpec = { ...base, seed: 3, plant: "priceRise", plantFrom: "2026-05-04" };
    const input = plantedInput(spec, generatePlanted(spec));
    const cur = input.customers.filter((r) => r.window === "current");
    const prev = input.customers.filter((r) => r.window === "previous");
    const total = cur.reduce((s, r) => s + r.grossMinor, 0) - prev.reduce((s, r) => s + r.grossMinor, 0);
    const mix = segmentMix(cur, prev);
    expect(mix.map((m) => m.dimension)).toEqual(["ageBand", "corporate", "customerType", "gender", "maritalStatus", "payroll", "premium", "region"]);
    for (const { groups } of mix) {
      const sum = groups.reduce((s, g) => s + g.decomposition.parts.customers + g.decomposition.parts.frequency + g.decomposition.parts.averageCheck, 0);
      expect(sum).toBe(total);
    }
  });
});
