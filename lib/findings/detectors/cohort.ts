import type { Detector } from "../detector";
import type { FindingsInput } from "../input";
import { twoSampleZ } from "../stats";
import type { Finding } from "../types";
import { confidenceOf, num, pct, sum } from "./shared";

/*
 * cohort: the latest complete cohort's first-month retention against the six before it (pooled
 * two-proportion z at 1 %, at least 3 points apart; a note).
 */

function cohortFindings(input: FindingsInput): Finding[] {
  const c = input.cohorts;
  if (!c || c.length < 4) return [];
  const last = c[c.length - 1];
  const earlier = c.slice(-7, -1);
  const size0 = sum(earlier.map((x) => x.size));
  const ret0 = sum(earlier.map((x) => x.returned));
  if (last.size < 20 || size0 < 20) return [];
  const p1 = last.returned / last.size;
  const p0 = ret0 / size0;
  const pooled = (last.returned + ret0) / (last.size + size0);
  const t = twoSampleZ(p1, (pooled * (1 - pooled)) / last.size, p0, (pooled * (1 - pooled)) / size0);
  if (!(t.p < 0.01) || Math.abs(p1 - p0) < 0.03) return [];
  return [
    {
      id: `cohort:${last.cohort}`,
      kind: "cohort",
      tier: "note",
      // Money at stake: the customers who returned more or less than earlier cohorts would have.
      impactMinor: 0,
      direction: p1 > p0 ? "up" : "down",
      confidence: confidenceOf(t.p, 0.01),
      p: t.p,
      variant: "plain",
      values: { cohort: { t: "month", v: last.cohort }, retention: pct(p1), earlier: pct(p0), customers: num(last.size) },
      chart: "/customers",
      period: { from: last.cohort, to: input.asOf },
    },
  ];
}

export const cohortDetector: Detector = {
  kind: "cohort",
  detect: (input) => ({ findings: cohortFindings(input) }),
};
