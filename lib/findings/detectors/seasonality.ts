import { isoDayOfWeek } from "@/lib/days";
import type { Detector } from "../detector";
import type { FindingsInput } from "../input";
import type { Finding } from "../types";
import { label, money, num, sum } from "./shared";

/* seasonality: the weekday profile of the last 12 weeks, told when the best day is ≥ 15 % above the average (a note). */

function seasonalityFindings(input: FindingsInput): Finding[] {
  // Weekday profile over the last 12 weeks (84 days, 12 of each weekday).
  const days = input.daily.slice(-84);
  if (days.length < 84) return [];
  const byDow = Array.from({ length: 7 }, () => 0);
  for (const d of days) byDow[isoDayOfWeek(d.day) % 7] += d.netMinor / 12;
  const avg = sum(byDow) / 7;
  if (!(avg > 0)) return [];
  const best = byDow.indexOf(Math.max(...byDow));
  const worst = byDow.indexOf(Math.min(...byDow));
  if (byDow[best] / avg < 1.15) return [];
  return [
    {
      id: "seasonality:weekday",
      kind: "seasonality",
      tier: "note",
      impactMinor: Math.round((byDow[best] - byDow[worst]) * 4),
      direction: "none",
      confidence: "high",
      p: null,
      variant: "weekday",
      values: {
        best: label(`weekday.${best}`),
        worst: label(`weekday.${worst}`),
        bestRatio: num(byDow[best] / avg),
        bestRevenue: money(byDow[best]),
        worstRevenue: money(byDow[worst]),
      },
      chart: "/seasonality",
      period: { from: days[0].day, to: input.asOf },
    },
  ];
}

export const seasonalityDetector: Detector = {
  kind: "seasonality",
  detect: (input) => ({ findings: seasonalityFindings(input) }),
};
