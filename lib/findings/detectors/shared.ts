import type { DailyPoint, FindingsWindow } from "../input";
import type { Confidence, FindingValue } from "../types";

/* Small helpers the detectors share: typed finding values, sums, the confidence label, windows. */

/** Money in minor units, rounded to a whole unit. */
export const money = (v: number): FindingValue => ({ t: "money", v: Math.round(v) });
/** A ratio (0.05 = 5 %). */
export const pct = (v: number): FindingValue => ({ t: "percent", v });
export const num = (v: number): FindingValue => ({ t: "number", v });
/** A word from the findings messages (labels.<v>). */
export const label = (v: string): FindingValue => ({ t: "label", v });
/** A day 'YYYY-MM-DD'. */
export const dayV = (v: string): FindingValue => ({ t: "day", v });
export const sum = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0);

/** "high" when p is ten times below the test's level, else "medium". */
export function confidenceOf(p: number, alpha: number): Confidence {
  return p < alpha / 10 ? "high" : "medium";
}

/** The days of `daily` inside the half-open window `w`. */
export function windowDaily(daily: readonly DailyPoint[], w: FindingsWindow): DailyPoint[] {
  return daily.filter((d) => d.day >= w.from && d.day < w.to);
}
