import { decomposeByGroup, FACTORS, type Factor, type GroupEffect, type RevenueTotals } from "./decompose";
import type { CustomerWindowRow } from "./input";
import { factorEstimates, poissonCountTest, twoSampleZ, type ChangeTest } from "./stats";
import { MIN_SEGMENT_CUSTOMERS } from "./thresholds";

/*
 * The revenue change split by customer segment (docs/models/findings.md, "Segments"): the exact
 * LMDI mix per dimension (./decompose.ts) and the tested cells the segment-driver detector
 * chooses from. Pure.
 */

/** The per-segment decomposition cells of one comparison, tested (see docs). */
export interface SegmentCell {
  dimension: string;
  value: string;
  factor: Factor;
  effectMinor: number;
  /** Relative change of the factor in the segment. */
  change: number;
  p: number;
  before: RevenueTotals;
  after: RevenueTotals;
}

/**
 * Mix decomposition of the gross-sales change over every segment dimension: for each dimension,
 * each of its values (every customer has exactly one per dimension) with its own exact LMDI
 * split, so Σ over a dimension's groups and factors = the merchant's change exactly. Small
 * groups are included here (they are part of the total); they are never named (segmentCells).
 */
export function segmentMix(
  current: readonly CustomerWindowRow[],
  baseline: readonly CustomerWindowRow[],
): Array<{ dimension: string; groups: GroupEffect[] }> {
  const dims = new Set<string>();
  for (const r of [...current, ...baseline]) for (const d of Object.keys(r.segments)) dims.add(d);
  return [...dims].sort().map((dimension) => {
    const values = new Set<string>();
    for (const r of [...current, ...baseline]) values.add(r.segments[dimension]);
    const totals = (rows: readonly CustomerWindowRow[], value: string) => {
      const e = factorEstimates(rows.filter((r) => r.segments[dimension] === value));
      return { customers: e.customers, purchases: e.purchases, grossMinor: e.grossMinor };
    };
    return {
      dimension,
      groups: decomposeByGroup([...values].sort().map((value) => ({ group: value, before: totals(baseline, value), after: totals(current, value) }))),
    };
  });
}

/**
 * Every (dimension, value, factor) cell of the revenue change between two windows: the
 * segment's LMDI effect (exact) and the test of the factor's change (Poisson for customers,
 * delta-method z for frequency and average check). Segments under {@link MIN_SEGMENT_CUSTOMERS}
 * customers in either window are left out (never named).
 */
export function segmentCells(current: readonly CustomerWindowRow[], baseline: readonly CustomerWindowRow[]): SegmentCell[] {
  const cells: SegmentCell[] = [];
  for (const { dimension, groups } of segmentMix(current, baseline)) {
    for (const g of groups) {
      const value = g.group;
      const a = factorEstimates(current.filter((r) => r.segments[dimension] === value));
      const b = factorEstimates(baseline.filter((r) => r.segments[dimension] === value));
      if (a.customers < MIN_SEGMENT_CUSTOMERS || b.customers < MIN_SEGMENT_CUSTOMERS) continue;
      const d = g.decomposition;
      const tests: Record<Factor, { t: ChangeTest; change: number } | null> = {
        customers: { t: poissonCountTest(a.customers, b.customers), change: a.customers / b.customers - 1 },
        frequency:
          a.varFrequency === null || b.varFrequency === null
            ? null
            : { t: twoSampleZ(a.frequency!, a.varFrequency, b.frequency!, b.varFrequency), change: a.frequency! / b.frequency! - 1 },
        averageCheck:
          a.varAverageCheck === null || b.varAverageCheck === null
            ? null
            : { t: twoSampleZ(a.averageCheck!, a.varAverageCheck, b.averageCheck!, b.varAverageCheck), change: a.averageCheck! / b.averageCheck! - 1 },
      };
      for (const factor of FACTORS) {
        const t = tests[factor];
        if (!t) continue;
        cells.push({ dimension, value, factor, effectMinor: d.parts[factor], change: t.change, p: t.t.p, before: b, after: a });
      }
    }
  }
  return cells;
}
