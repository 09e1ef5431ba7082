import { describe, expect, it } from "vitest";
import en from "@/messages/en/findings.json";
import ru from "@/messages/ru/findings.json";
import { buildFindings, type FindingsInput } from "@/lib/findings/engine";
import { renderFinding } from "@/lib/findings/render";
import { findingsTranslator } from "@/lib/findings/translate";
import type { Finding } from "@/lib/findings/types";
import { generatePlanted, plantedInput } from "../helpers/plantedMerchant";

/** Every leaf key of a messages object, dotted. */
function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

const base = (over: Partial<Finding>): Finding => ({
  id: "x",
  kind: "metricChange",
  tier: "alert",
  impactMinor: 1,
  direction: "down",
  confidence: "high",
  p: 0.0001,
  variant: "plain",
  values: {},
  chart: "",
  period: { from: "2026-05-04", to: "2026-06-01" },
  ...over,
});

describe("findings in words", () => {
  it("en and ru have the same message keys", () => {
    expect(keys(ru).sort()).toEqual(keys(en).sort());
  });

  it("renders a revenue change with locale-formatted numbers in both languages", () => {
    const f = base({
      variant: "drivers",
      values: {
        metric: { t: "label", v: "metric.netRevenue" },
        comparison: { t: "label", v: "comparison.previous" },
        change: { t: "percent", v: -0.084 },
        before: { t: "money", v: 123_456_700 },
        after: { t: "money", v: 113_086_000 },
        grossChange: { t: "money", v: -10_370_700 },
        mainFactor: { t: "label", v: "factor.customers" },
        customersEffect: { t: "money", v: -9_000_000 },
        frequencyEffect: { t: "money", v: -2_000_000 },
        averageCheckEffect: { t: "money", v: 629_300 },
      },
    });
    const e = renderFinding(f, "en", "RUB", findingsTranslator("en"));
    expect(e.headline).toBe("Revenue fell by 8.4% vs the previous four weeks");
    expect(e.explanation.replace(/\u00a0/g, " ")).toBe(
      "Revenue went from RUB 1,234,567 to RUB 1,130,860; the change in sales (-RUB 103,707) comes mostly from the number of customers: customers -RUB 90,000, frequency -RUB 20,000, average check RUB 6,293.",
    );
    expect(e.confidence).toBe("high");
    const r = renderFinding(f, "ru", "RUB", findingsTranslator("ru"));
    expect(r.headline.replace(/\s/g, " ")).toBe("Выручка снизилась на 8,4 % по сравнению с предыдущими четырьмя неделями");
    expect(r.explanation.replace(/\s/g, " ")).toContain("1 234 567 ₽");
    expect(r.explanation).toContain("в основном за счёт числа клиентов");
    expect(r.numbers.find((n) => n.name === "change")?.value.replace(/\s/g, " ")).toBe("-8,4 %");
  });

  it("names the segment that drove a change, in both languages", () => {
    const f = base({
      kind: "segmentDriver",
      variant: "frequency",
      values: {
        dimension: { t: "label", v: "dimension.premium" },
        segment: { t: "label", v: "segment.premium.yes" },
        factor: { t: "label", v: "factor.frequency" },
        comparison: { t: "label", v: "comparison.previous" },
        change: { t: "percent", v: -0.15 },
        effect: { t: "money", v: -4_500_000 },
        totalChange: { t: "money", v: -4_000_000 },
      },
    });
    expect(renderFinding(f, "en", "EUR", findingsTranslator("en")).headline).toBe(
      "Premium clients bought less often: 15% fewer purchases per customer than in the previous four weeks",
    );
    expect(renderFinding(f, "ru", "EUR", findingsTranslator("ru")).headline.replace(/\s/g, " ")).toBe(
      "Частота покупок у премиальных клиентов снизилась на 15 % по сравнению с предыдущими четырьмя неделями",
    );
    // The segment's effect (−45,000) is larger than the whole change (−40,000): said so, not "of the total" (issue 19).
    const en = renderFinding(f, "en", "EUR", findingsTranslator("en")).explanation;
    expect(en).toContain("more than the whole change in sales");
    expect(en).toContain("other customers moved the other way");
    expect(renderFinding(f, "ru", "EUR", findingsTranslator("ru")).explanation).toContain("другие клиенты сдвинулись в обратную сторону");
    // A part of the change reads as before.
    const part = { ...f, values: { ...f.values, effect: { t: "money" as const, v: -1_500_000 } } };
    const partText = renderFinding(part, "en", "EUR", findingsTranslator("en")).explanation;
    expect(partText).toContain("(total change in sales");
    expect(partText).not.toContain("other way");
    // An effect against the direction of the total is an offset too.
    const against = { ...f, values: { ...f.values, effect: { t: "money" as const, v: 1_000_000 } } };
    expect(renderFinding(against, "en", "EUR", findingsTranslator("en")).explanation).toContain("other customers moved the other way");
  });

  it("renders every finding the engine produces, in both languages, without a missing key", () => {
    const spec = { seed: 5, customers: 800, days: 84, asOf: "2026-06-01", plant: "priceRise" as const, plantFrom: "2026-05-04" };
    const input: FindingsInput = plantedInput(spec, generatePlanted(spec));
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
    const findings = buildFindings(input).findings;
    const kinds = new Set(findings.map((f) => f.kind));
    for (const k of ["metricChange", "marketEffect", "forecastMiss", "forecastOutlook", "changePoint", "anomalousWeek", "seasonality", "cohort"]) expect(kinds, k).toContain(k);
    const missing: string[] = [];
    for (const locale of ["en", "ru"]) {
      const t = findingsTranslator(locale);
      const strict = (key: string, values?: Record<string, string | number>) => {
        const out = t(key, values);
        if (out === `findings.${key}` || out.includes("{")) missing.push(`${locale}:${key}`);
        return out;
      };
      for (const f of findings) {
        const r = renderFinding(f, locale, "EUR", strict);
        expect(r.headline.length).toBeGreaterThan(10);
        expect(r.explanation.length).toBeGreaterThan(10);
      }
    }
    expect(missing).toEqual([]);
  });
});
