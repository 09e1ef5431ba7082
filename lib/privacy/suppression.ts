/*
 * Small-cell suppression (k-anonymity of published cells). A figure that describes fewer than
 * MIN_CELL_CUSTOMERS distinct customers could single out a person (one customer's spend, one
 * customer's age band and hour of visit), so it is never shown: the row keeps its labels, every
 * figure becomes null and `suppressed: true` tells the UI to print "< 5".
 *
 * Zero counts are suppressed too: the rule is "fewer than 5", and a uniform rule leaks nothing
 * through which cells are blank. The whole merchant's own headline totals are not cells of a
 * customer group and are not suppressed (see docs/metrics.md, "Suppression").
 */

import { guardsRemovedForAttackDemo } from "./disclosure";

/** The smallest number of distinct customers a published cell may describe. */
export const MIN_CELL_CUSTOMERS = 5;

/** True when a cell describing `customers` distinct customers must be suppressed. */
export function isSuppressed(customers: number, min: number = MIN_CELL_CUSTOMERS): boolean {
  return customers < min;
}

/**
 * A row after suppression: the label keys `K` keep their type, every other field may be null,
 * and `suppressed` says whether the figures were withheld.
 */
export type SuppressedRow<T, K extends keyof T> = { [P in keyof T]: P extends K ? T[P] : T[P] | null } & {
  suppressed: boolean;
};

/**
 * Suppresses small cells: for every row whose `customers` is below `min` (default 5), every
 * field except the label keys in `keep` (dimension, value, dow, hour, month, …) is replaced by
 * null — including `customers` itself — and `suppressed` is true; other rows are returned
 * unchanged with `suppressed: false`. Pure; the input is not modified.
 *
 * @param rows  cells, each with the exact number of distinct customers it describes
 * @param keep  label keys that identify the cell and stay visible
 * @param min   threshold, MIN_CELL_CUSTOMERS unless a stricter one is wanted
 * @throws Error when a row's customers count is not a non-negative integer
 */
export function suppressSmallCells<T extends { customers: number }, K extends keyof T>(
  rows: readonly T[],
  keep: readonly K[],
  min: number = MIN_CELL_CUSTOMERS,
): SuppressedRow<T, K>[] {
  const labels = new Set<PropertyKey>(keep);
  return rows.map((row) => {
    if (!Number.isInteger(row.customers) || row.customers < 0) {
      throw new Error(`suppressSmallCells: customers must be a non-negative integer, got ${row.customers}`);
    }
    if (!isSuppressed(row.customers, min)) return { ...row, suppressed: false } as SuppressedRow<T, K>;
    const out: Record<PropertyKey, unknown> = {};
    for (const key of Object.keys(row)) {
      out[key] = labels.has(key) ? row[key as keyof T] : null;
    }
    out.suppressed = true;
    return out as SuppressedRow<T, K>;
  });
}

/**
 * Complementary suppression of one set of cells that partition released totals (e.g. the gender
 * cells of the scored customers; the segment cells of a campaign, with one count per arm): a
 * cell is suppressed when any of its counts is under `min` (primary suppression); then, while in
 * some arm exactly one non-empty cell is suppressed, or the suppressed cells together hold fewer
 * than `min` customers of that arm, the released cell smallest in that arm is suppressed as well
 * (secondary suppression). Otherwise a hidden cell would be the total minus the released ones
 * (Hundepool et al., Statistical Disclosure Control, Wiley 2012, §4.4 threshold rule and §4.6
 * "secondary cell suppression"). Pure.
 *
 * @param arms one array per released total (arm), each with the exact customers of every cell in
 *             the same cell order
 * @returns per cell, whether it must be suppressed
 * @throws Error when a count is not a non-negative integer or the arms differ in length
 */
export function complementarySuppression(arms: readonly (readonly number[])[], min: number = MIN_CELL_CUSTOMERS): boolean[] {
  const cells = arms[0]?.length ?? 0;
  for (const arm of arms) {
    if (arm.length !== cells) throw new Error("complementarySuppression: every arm needs one count per cell");
    for (const c of arm) if (!Number.isInteger(c) || c < 0) throw new Error(`complementarySuppression: customers must be a non-negative integer, got ${c}`);
  }
  if (guardsRemovedForAttackDemo()) return Array.from({ length: cells }, () => false);
  const hidden = Array.from({ length: cells }, (_, i) => arms.some((arm) => isSuppressed(arm[i], min)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const arm of arms) {
      const hiddenCells = arm.filter((c, i) => hidden[i] && c > 0);
      const hiddenSum = hiddenCells.reduce((s, c) => s + c, 0);
      if (hiddenCells.length === 0 || (hiddenCells.length > 1 && hiddenSum >= min)) continue;
      let next = -1;
      arm.forEach((c, i) => {
        if (!hidden[i] && c > 0 && (next < 0 || c < arm[next])) next = i;
      });
      if (next < 0) continue; // nothing left to hide in this arm
      hidden[next] = true;
      changed = true;
    }
  }
  return hidden;
}
