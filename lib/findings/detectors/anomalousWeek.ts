import type { Detector } from "../detector";
import type { FindingsInput } from "../input";
import type { Finding } from "../types";
import { dayV, money, sum } from "./shared";

/*
 * anomalousWeek: an isolated outlying week (augurs) among the last four, against the typical
 * week of the last twelve.
 */

function anomalousWeekFindings(input: FindingsInput): Finding[] {
  const w = input.weekly;
  if (!w || w.weeks.length < 12) return [];
  const out: Finding[] = [];
  const n = w.weeks.length;
  // Anomalies are isolated weeks: when 3 or 4 of the last 4 weeks are "outlying", the level moved
  // (a change point or a metric change tells that), so none is reported as an anomaly.
  const recentOutlying = w.outlyingWeeks.filter((i) => i >= n - 4);
  for (const i of recentOutlying.length <= 2 ? recentOutlying : []) {
    const others = w.netMinor.filter((_, j) => j !== i && j >= n - 12);
    const typical = sum(others) / Math.max(1, others.length);
    out.push({
      id: `anomalousWeek:${w.weeks[i]}`,
      kind: "anomalousWeek",
      tier: "alert",
      impactMinor: Math.round(Math.abs(w.netMinor[i] - typical)),
      direction: w.netMinor[i] > typical ? "up" : "down",
      confidence: "low",
      p: null,
      variant: "plain",
      values: { week: dayV(w.weeks[i]), revenue: money(w.netMinor[i]), typical: money(typical) },
      chart: "",
      period: { from: w.weeks[i], to: i + 1 < n ? w.weeks[i + 1] : input.asOf },
    });
  }
  return out;
}

export const anomalousWeekDetector: Detector = {
  kind: "anomalousWeek",
  detect: (input) => ({ findings: anomalousWeekFindings(input) }),
};
