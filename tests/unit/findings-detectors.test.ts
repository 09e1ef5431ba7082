import { describe, expect, it } from "vitest";
import { DETECTORS } from "@/lib/findings/detectors";
import { buildFindings, type FindingsInput } from "@/lib/findings/engine";
import { FINDING_KINDS } from "@/lib/findings/types";
import { welch } from "@/lib/findings/welch";
import { generatePlanted, plantedInput } from "../helpers/plantedMerchant";

/*
 * The engine as a list of detectors (lib/findings/detectors): one per kind, each alone gives
 * what the engine gives for its kind, and the ranked feed of a merchant with every kind of news
 * is exactly the one the single-file engine produced before the split (ids and impacts recorded
 * from it; the two agreed on 102 generated inputs).
 */

/** The render test's merchant (seed 5, prices +10 % from 2026-05-04) with a forecast, cohorts, a peer index and weekly changepoints. */
function everyKindInput(): FindingsInput {
  const spec = { seed: 5, customers: 800, days: 84, asOf: "2026-06-01", plant: "priceRise" as const, plantFrom: "2026-05-04" };
  const input = plantedInput(spec, generatePlanted(spec));
  const days = input.daily.slice(-28).map((d) => d.day);
  input.forecast = {
    lastFold: { days, actual: days.map((_, i) => (i === 3 ? 9_000_000 : 100_000)), point: days.map(() => 100_000), lower95: days.map(() => 80_000), upper95: days.map(() => 120_000) },
    outlook: { from: "2026-06-01", to: "2026-06-29", pointMinor: 5_000_000, lower80Minor: 4_000_000, upper80Minor: 6_000_000 },
  };
  input.cohorts = [
    { cohort: "2025-11-01", size: 400, returned: 200 },
    { cohort: "2025-12-01", size: 400, returned: 210 },
    { cohort: "2026-01-01", size: 400, returned: 190 },
    { cohort: "2026-02-01", size: 400, returned: 80 },
  ];
  input.peerIndex = { released: true, series: [{ date: "2026-04-10", index: 100 }, { date: "2026-05-10", index: 104 }] };
  const weeks = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 2, 9 + 7 * i)).toISOString().slice(0, 10));
  input.weekly = { weeks, netMinor: weeks.map((_, i) => (i < 8 ? 1_000_000 + 1000 * i : 700_000 - 1000 * i)), changepoints: [8], outlyingWeeks: [11] };
  return input;
}

describe("findings detectors", () => {
  it("DETECTORS holds exactly one detector per finding kind", () => {
    expect(DETECTORS.map((d) => d.kind).sort()).toEqual([...FINDING_KINDS].sort());
  });

  it("ranks the feed of a merchant with every kind of news exactly as the single-file engine did", () => {
    const summary = buildFindings(everyKindInput());
    expect(summary.tests).toEqual({ metricChanges: 10, segmentCells: 45 });
    expect(summary.market).toEqual({ available: true });
    expect(summary.findings.map((f) => [f.id, f.impactMinor, f.direction, f.confidence])).toEqual([
      ["forecastMiss:current", 8_880_000, "up", "low"],
      ["marketEffect:previous", 2_210_561, "up", "medium"],
      ["metricChange:netRevenue:previous", 2_210_561, "up", "high"],
      ["metricChange:averageCheck:previous", 1_933_915, "up", "high"],
      ["changePoint:netRevenue", 1_252_000, "down", "high"],
      ["segmentDriver:gender:female:averageCheck:previous", 967_805, "up", "medium"],
      ["anomalousWeek:2026-05-25", 229_273, "down", "low"],
      ["forecastOutlook:next", 16_858_817, "down", "medium"],
      ["seasonality:weekday", 2_364_541, "none", "high"],
      ["cohort:2026-02-01", 0, "down", "high"],
    ]);
  });

  it("each detector alone finds only its own kind, and what the engine keeps of it", () => {
    const input = everyKindInput();
    const feed = buildFindings(input).findings;
    const earlier = DETECTORS.slice(0, DETECTORS.findIndex((d) => d.kind === "marketEffect")).flatMap((d) => d.detect(input, []).findings);
    for (const d of DETECTORS) {
      const found = d.detect(input, d.kind === "marketEffect" ? earlier : []).findings;
      expect(found.every((f) => f.kind === d.kind), d.kind).toBe(true);
      expect(found.map((f) => f.id).sort(), d.kind).toEqual(feed.filter((f) => f.kind === d.kind).map((f) => f.id).sort());
    }
  });

  it("the market effect is told only after a revenue change of the current window", () => {
    const input = everyKindInput();
    const market = DETECTORS.find((d) => d.kind === "marketEffect")!;
    expect(market.detect(input, []).findings).toEqual([]);
    const revenue = DETECTORS.find((d) => d.kind === "metricChange")!.detect(input, []).findings;
    expect(market.detect(input, revenue).findings.map((f) => f.id)).toEqual(["marketEffect:previous"]);
  });

  it("a market-effect finding is coloured by what its headline is about (issue 19 item 9)", () => {
    // The market rose 30 % while the merchant rose 11 %: revenue rose by 2,210,561, the market
    // explains more than all of it and the merchant's own part is negative. The headline ("Most
    // of the revenue change is the market's") is about a rise, so the finding is "up" (it was
    // "down", the own part's sign, and painted red).
    const input = everyKindInput();
    input.peerIndex = { released: true, series: [{ date: "2026-04-10", index: 100 }, { date: "2026-05-10", index: 130 }] };
    const revenue = DETECTORS.find((d) => d.kind === "metricChange")!.detect(input, []).findings;
    const [finding] = DETECTORS.find((d) => d.kind === "marketEffect")!.detect(input, revenue).findings;
    expect(finding!.variant).toBe("market");
    expect(finding!.values.totalChange).toEqual({ t: "money", v: 2_210_561 });
    expect(finding!.values.own).toEqual({ t: "money", v: -3_229_273 });
    expect(finding!.direction).toBe("up");
  });

  it("welch: t and the two-sided Student p with min(n) − 1 degrees of freedom (scipy.stats.t.sf)", () => {
    const a = welch([1, 2, 3, 4], [2, 4, 6, 8, 10]);
    expect(a.statistic).toBeCloseTo(-2.2514363231593695, 12);
    expect(a.p).toBeCloseTo(0.1097920278817165, 10);
    const b = welch([1.2e6, 1.25e6, 1.19e6, 1.3e6, 1.22e6], [0.9e6, 0.95e6, 0.88e6]);
    expect(b.statistic).toBeCloseTo(11.194781217642369, 10);
    expect(b.p).toBeCloseTo(0.007885120268025307, 10);
    expect(welch([5, 5, 5], [5, 5, 5])).toEqual({ statistic: 0, p: 1 });
  });
});
