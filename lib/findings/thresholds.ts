/*
 * The engine's levels (docs/models/findings.md). Significance: each family of tests runs at a
 * family-wise level of 5 % (Bonferroni): the 5 headline metrics × 2 comparisons at 0.05 / 10
 * each; the segment cells at 0.05 / (cells tested). A change must also be material (≥ 3 % for a
 * metric, ≥ 2 % of the baseline revenue for a segment's effect) to be told: a significant 0.5 %
 * move is not news to a shop owner.
 */

export const FAMILY_ALPHA = 0.05;
export const MIN_METRIC_CHANGE = 0.03;
export const MIN_SEGMENT_SHARE = 0.02;
/** Privacy: a segment is named only when it describes at least this many customers in both windows. */
export const MIN_SEGMENT_CUSTOMERS = 5;
/** Days of each compared window (current, previous, a year ago). */
export const WINDOW_DAYS = 28;
