import type { Detector } from "../detector";
import type { FindingsInput } from "../input";
import { segmentCells, type SegmentCell } from "../segments";
import { FAMILY_ALPHA, MIN_METRIC_CHANGE, MIN_SEGMENT_SHARE } from "../thresholds";
import type { Comparison, Finding } from "../types";
import { confidenceOf, label, money, pct, sum } from "./shared";

/*
 * segmentDriver: the customer segment that drove a revenue change, per factor and direction,
 * from the tested LMDI cells (../segments.ts) at a family-wise 5 % over the cells tested.
 */

/** Dimensions whose values have words in the messages (labels.segment.<dimension>.<value>); others (region) are shown as stored. */
const LABELLED_DIMENSIONS = ["customerType", "gender", "ageBand", "maritalStatus", "payroll", "corporate", "premium"];

function segmentFindings(input: FindingsInput, comparison: Comparison): { findings: Finding[]; cells: number } {
  const w = input.windows;
  const baseW = comparison === "previous" ? w.previous : w.yearAgo;
  if (!baseW) return { findings: [], cells: 0 };
  const cur = input.customers.filter((r) => r.window === "current");
  const base = input.customers.filter((r) => r.window === (comparison === "previous" ? "previous" : "yearAgo"));
  const baseGross = sum(base.filter((r) => r.purchases > 0).map((r) => r.grossMinor));
  const totalChange = sum(cur.filter((r) => r.purchases > 0).map((r) => r.grossMinor)) - baseGross;
  if (baseGross <= 0) return { findings: [], cells: 0 };
  const cells = segmentCells(cur, base);
  const alpha = FAMILY_ALPHA / Math.max(1, cells.length);
  const significant = cells
    .filter((c) => c.p < alpha && Math.abs(c.effectMinor) >= MIN_SEGMENT_SHARE * baseGross && Math.abs(c.change) >= MIN_METRIC_CHANGE)
    .sort((a, b) => Math.abs(b.effectMinor) - Math.abs(a.effectMinor) || a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value));
  // Attribution: one finding per (factor, direction). Among the significant cells of a group, the
  // ones carrying at least half the largest effect are candidates, and the most concentrated
  // (largest relative change of the factor) is named: a 15 % drop among premium customers also
  // shows, diluted, among "returning customers" or "women", and those are not what drove it. A
  // segment holding over 90 % of the customers is no segment story (the metric change tells it).
  const totalCustomers = cur.filter((r) => r.purchases > 0).length;
  const groups = new Map<string, SegmentCell[]>();
  for (const c of significant) {
    const key = `${c.factor}:${Math.sign(c.effectMinor)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const chosen: SegmentCell[] = [];
  for (const cellsOf of groups.values()) {
    const top = Math.abs(cellsOf[0].effectMinor);
    const pick = cellsOf
      .filter((c) => Math.abs(c.effectMinor) >= 0.5 * top && c.after.customers <= 0.9 * totalCustomers)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || Math.abs(b.effectMinor) - Math.abs(a.effectMinor))[0];
    if (pick) chosen.push(pick);
  }
  chosen.sort((a, b) => Math.abs(b.effectMinor) - Math.abs(a.effectMinor));
  const findings: Finding[] = [];
  for (const c of chosen.slice(0, 3)) {
    const known = LABELLED_DIMENSIONS.includes(c.dimension);
    findings.push({
      id: `segmentDriver:${c.dimension}:${c.value}:${c.factor}:${comparison}`,
      kind: "segmentDriver",
      tier: "alert",
      impactMinor: Math.abs(c.effectMinor),
      direction: c.effectMinor > 0 ? "up" : "down",
      confidence: confidenceOf(c.p, alpha),
      p: c.p,
      variant: c.factor,
      values: {
        dimension: label(`dimension.${c.dimension}`),
        segment: known ? label(`segment.${c.dimension}.${c.value}`) : { t: "text", v: c.value },
        factor: label(`factor.${c.factor}`),
        comparison: label(`comparison.${comparison}`),
        change: pct(c.change),
        effect: money(c.effectMinor),
        totalChange: money(totalChange),
      },
      chart: "/customers",
      period: w.current,
    });
  }
  return { findings, cells: cells.length };
}

export const segmentDriverDetector: Detector = {
  kind: "segmentDriver",
  detect(input) {
    const previous = segmentFindings(input, "previous");
    const yearAgo = segmentFindings(input, "yearAgo");
    return { findings: [...previous.findings, ...yearAgo.findings], tests: { segmentCells: previous.cells + yearAgo.cells } };
  },
};
