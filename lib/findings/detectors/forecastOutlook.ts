import type { Detector } from "../detector";
import type { FindingsInput } from "../input";
import { WINDOW_DAYS } from "../thresholds";
import type { Finding } from "../types";
import { dayV, money, pct, sum, windowDaily } from "./shared";

/*
 * forecastOutlook: the next four weeks' forecast net revenue against the last four weeks' (a
 * note, with the summed daily 80 % bands).
 */

function forecastOutlookFindings(input: FindingsInput): Finding[] {
  const out: Finding[] = [];
  const o = input.forecast?.outlook;
  const cur = windowDaily(input.daily, input.windows.current);
  if (o && cur.length === WINDOW_DAYS) {
    const last = sum(cur.map((d) => d.netMinor));
    if (last > 0) {
      const change = o.pointMinor / last - 1;
      out.push({
        id: "forecastOutlook:next",
        kind: "forecastOutlook",
        tier: "note",
        impactMinor: Math.abs(Math.round(o.pointMinor - last)),
        direction: change > 0.01 ? "up" : change < -0.01 ? "down" : "none",
        confidence: "medium",
        p: null,
        variant: "plain",
        values: { forecast: money(o.pointMinor), lower: money(o.lower80Minor), upper: money(o.upper80Minor), change: pct(change), from: dayV(o.from) },
        chart: "",
        period: { from: o.from, to: o.to },
      });
    }
  }
  return out;
}

export const forecastOutlookDetector: Detector = {
  kind: "forecastOutlook",
  detect: (input) => ({ findings: forecastOutlookFindings(input) }),
};
