import type { Detector } from "../detector";
import type { FindingsInput } from "../input";
import type { Finding } from "../types";
import { welch } from "../welch";
import { confidenceOf, dayV, money, pct, sum } from "./shared";

/*
 * changePoint: the latest change point of weekly net revenue (augurs) in the last 12 weeks,
 * confirmed by Welch's t on up to 8 weeks either side at 1 % and a level change of at least 5 %.
 */

function changePointFindings(input: FindingsInput): Finding[] {
  const w = input.weekly;
  if (!w || w.weeks.length < 12) return [];
  const out: Finding[] = [];
  const n = w.weeks.length;
  // Changepoints in the last 12 weeks, confirmed by Welch's t on up to 8 weeks either side at 1 %.
  const recent = w.changepoints.filter((i) => i >= n - 12 && i > 0 && i < n - 1).sort((a, b) => b - a)[0];
  if (recent !== undefined) {
    const before = w.netMinor.slice(Math.max(0, recent - 8), recent);
    const after = w.netMinor.slice(recent, Math.min(n, recent + 8));
    if (before.length >= 3 && after.length >= 2) {
      const t = welch(after, before);
      const mb = sum(before) / before.length;
      const ma = sum(after) / after.length;
      if (t.p < 0.01 && mb > 0 && Math.abs(ma / mb - 1) >= 0.05) {
        out.push({
          id: "changePoint:netRevenue",
          kind: "changePoint",
          tier: "alert",
          impactMinor: Math.round(Math.abs(ma - mb) * after.length),
          direction: ma > mb ? "up" : "down",
          confidence: confidenceOf(t.p, 0.01),
          p: t.p,
          variant: "plain",
          values: { week: dayV(w.weeks[recent]), before: money(mb), after: money(ma), change: pct(ma / mb - 1) },
          chart: "",
          period: { from: w.weeks[recent], to: input.asOf },
        });
      }
    }
  }
  return out;
}

export const changePointDetector: Detector = {
  kind: "changePoint",
  detect: (input) => ({ findings: changePointFindings(input) }),
};
