import type { Detector } from "../detector";
import type { FindingsInput } from "../input";
import type { Finding } from "../types";
import { dayV, money, num, sum } from "./shared";

/*
 * forecastMiss: days of the current window whose net revenue fell outside the last backtest
 * fold's 95 % interval, told when the excess is at least 1 % of the window's revenue.
 */

function forecastMissFindings(input: FindingsInput): Finding[] {
  const out: Finding[] = [];
  const f = input.forecast?.lastFold;
  if (f) {
    const outside = f.days
      .map((day, i) => ({ day, actual: f.actual[i], lo: f.lower95[i], hi: f.upper95[i], point: f.point[i] }))
      .filter((d) => d.actual < d.lo || d.actual > d.hi);
    const excess = sum(outside.map((d) => (d.actual > d.hi ? d.actual - d.hi : d.lo - d.actual)));
    const windowRevenue = sum(f.actual);
    if (outside.length > 0 && excess >= 0.01 * Math.abs(windowRevenue)) {
      const worst = [...outside].sort((a, b) => Math.abs(b.actual - b.point) - Math.abs(a.actual - a.point))[0];
      const above = outside.filter((d) => d.actual > d.hi).length;
      out.push({
        id: "forecastMiss:current",
        kind: "forecastMiss",
        tier: "alert",
        impactMinor: Math.round(excess),
        direction: above * 2 >= outside.length ? "up" : "down",
        // 95 % intervals miss ~1.4 of 28 days by design; four or more is unusual (binomial P ≈ 0.05).
        confidence: outside.length >= 4 ? "medium" : "low",
        p: null,
        variant: outside.length === 1 ? "one" : "many",
        values: {
          days: num(outside.length),
          worstDay: dayV(worst.day),
          worstActual: money(worst.actual),
          worstExpected: money(worst.point),
          excess: money(excess),
        },
        chart: "",
        period: { from: f.days[0], to: input.asOf },
      });
    }
  }
  return out;
}

export const forecastMissDetector: Detector = {
  kind: "forecastMiss",
  detect: (input) => ({ findings: forecastMissFindings(input) }),
};
