/*
 * Revenue change decompositions (docs/models/findings.md). Revenue here is gross sales R, the
 * product of three factors, R = C × F × AC: customers with a purchase C, purchase frequency
 * F = P / C and average check AC = R / P. The change ΔR = R₁ − R₀ is split additively by the
 * logarithmic mean Divisia index (LMDI-I; Ang 2004, "Decomposition analysis for policymaking in
 * energy", Energy Policy 32(9), eq. 3; Ang 2015, "LMDI decomposition approach: a guide for
 * implementation", Energy Policy 86):
 *
 *   effect_X = L(R₁, R₀) · ln(X₁ / X₀),  L(a, b) = (a − b) / (ln a − ln b),  L(a, a) = a,
 *
 * which sums to ΔR exactly in real arithmetic. Parts are then rounded to whole minor units by
 * the largest-remainder method, so the integer parts sum to the integer ΔR exactly.
 * A group present in only one period (R₀ = 0 or R₁ = 0) cannot be split by logarithms; its whole
 * change is the customers effect (the group's customers arrived or left), the "zero value"
 * treatment of Ang & Liu 2007 (Energy Policy 35(1)) taken to its limit.
 */

export const FACTORS = ["customers", "frequency", "averageCheck"] as const;
export type Factor = (typeof FACTORS)[number];

/** Totals of a group of customers in one period. Money in minor units. */
export interface RevenueTotals {
  customers: number;
  purchases: number;
  grossMinor: number;
}

/** An additive decomposition in whole minor units: Σ parts = total exactly. */
export interface Decomposition {
  totalMinor: number;
  parts: Record<Factor, number>;
}

/** Logarithmic mean L(a, b) of two positive numbers. */
export function logMean(a: number, b: number): number {
  if (a <= 0 || b <= 0) throw new Error(`logMean: both arguments must be positive (${a}, ${b})`);
  if (Math.abs(a - b) <= 1e-12 * Math.max(a, b)) return a;
  return (a - b) / (Math.log(a) - Math.log(b));
}

/**
 * Rounds real parts to integers whose sum is exactly `total` (largest-remainder / Hamilton
 * method): floor every part, then hand the missing units to the largest fractional remainders
 * (ties by order). Requires Σ parts ≈ total.
 */
export function roundToTotal(parts: readonly number[], total: number): number[] {
  if (!Number.isInteger(total)) throw new Error(`roundToTotal: total must be an integer, got ${total}`);
  const floors = parts.map((p) => Math.floor(p));
  let missing = total - floors.reduce((s, v) => s + v, 0);
  const order = parts.map((p, i) => ({ i, r: p - Math.floor(p) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const out = [...floors];
  // |missing| exceeds the number of parts only when the inputs did not sum to the total: spread it round-robin.
  for (let k = 0; missing !== 0; k++) {
    const j = order[k % order.length].i;
    const step = missing > 0 ? 1 : -1;
    out[j] += step;
    missing -= step;
  }
  return out;
}

/**
 * LMDI-I decomposition of the gross-sales change of one group between two periods into the
 * customers, frequency and average-check effects, in whole minor units summing exactly to
 * R₁ − R₀.
 * @throws Error when a period has sales but no purchases or customers (inconsistent totals)
 */
export function decomposeRevenueChange(before: RevenueTotals, after: RevenueTotals): Decomposition {
  const total = after.grossMinor - before.grossMinor;
  for (const t of [before, after]) {
    if (t.grossMinor > 0 && (t.purchases <= 0 || t.customers <= 0)) throw new Error(`decomposeRevenueChange: sales without purchases or customers ${JSON.stringify(t)}`);
  }
  if (before.grossMinor <= 0 || after.grossMinor <= 0) {
    return { totalMinor: total, parts: { customers: total, frequency: 0, averageCheck: 0 } };
  }
  const L = logMean(after.grossMinor, before.grossMinor);
  const real = [
    L * Math.log(after.customers / before.customers),
    L * Math.log(after.purchases / after.customers / (before.purchases / before.customers)),
    L * Math.log(after.grossMinor / after.purchases / (before.grossMinor / before.purchases)),
  ];
  const [customers, frequency, averageCheck] = roundToTotal(real, total);
  return { totalMinor: total, parts: { customers, frequency, averageCheck } };
}

/** One group's share of a mix decomposition. */
export interface GroupEffect {
  group: string;
  before: RevenueTotals;
  after: RevenueTotals;
  /** The group's own change R₁ − R₀ split into factors (exact). */
  decomposition: Decomposition;
}

/**
 * Mix decomposition over a partition of the customers (new vs returning, or the values of one
 * segment dimension): each group's change, split into its factors. Σ over groups and factors =
 * Σ groups' R₁ − Σ groups' R₀ exactly, which is the merchant's ΔR when the groups partition the
 * customers.
 */
export function decomposeByGroup(groups: ReadonlyArray<{ group: string; before: RevenueTotals; after: RevenueTotals }>): GroupEffect[] {
  return groups.map((g) => ({ ...g, decomposition: decomposeRevenueChange(g.before, g.after) }));
}
