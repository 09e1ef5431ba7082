import { quarterBand, releaseMagnitude, type QuarterBand, type ReleaseKey } from "./disclosure";
import { MIN_CELL_CUSTOMERS } from "./suppression";

/*
 * The privacy guard of competitor figures (wall 2 of ARCHITECTURE.md), pure: no I/O. Every
 * figure built from other merchants' rows passes through one of these functions before it
 * leaves lib/privacy, and a figure that fails carries the reason instead of a value:
 *
 * 1. at least MIN_PEERS peer merchants (the merchant itself not counted);
 * 2. no single peer contributes more than MAX_PEER_SHARE of the compared quantity, measured in
 *    the frame the merchant sees (the peers' total, its own contribution removed);
 * 3. every released cell describes at least MIN_CELL_CUSTOMERS customers (lib/privacy/suppression).
 *
 * Quantiles are never a single competitor's value: each released quantile is the mean of the
 * three order statistics nearest to it (see releaseQuantiles), computed once over the whole fixed
 * group (the same numbers for every member) and released with keyed bounded noise
 * (./disclosure.ts, docs/adr/0013). The withheld reasons carry a rule and a count, never a ratio
 * of members' values (issue 13: a full-precision largest share let the largest member compute the
 * smallest one's revenue). These are the dominance ("n, k") and minimum-frequency
 * rules of statistical disclosure control: Hundepool et al., Statistical Disclosure Control
 * (Wiley 2012), §4.2 (sensitivity rules for magnitude tables) and §4.4 (threshold rule).
 */

/** The fewest peer merchants (other than the merchant itself) a released figure may cover. */
export const MIN_PEERS = 5;
/** The largest share of a compared quantity one peer may contribute (0.25 = 25 %). */
export const MAX_PEER_SHARE = 0.25;
export { MIN_CELL_CUSTOMERS };

/**
 * Which rule withheld a figure. "differencing": a wider peer level would add fewer than MIN_PEERS
 * merchants to the narrower one, so the two groups would differ by fewer than five merchants.
 */
export type PrivacyRule = "min_peers" | "dominance" | "min_customers" | "differencing";

/**
 * Why a figure was withheld (shown in the UI as words): the rule and a count of peer merchants,
 * never a share or a cell size (a ratio of members' values, or a 1–4 customer count, would itself
 * disclose them).
 */
export interface Withheld {
  rule: PrivacyRule;
  /** Peer merchants that contributed to the figure (0 for a small cell: its peers are not counted). */
  peers: number;
}

/** A released figure, or the reason it is withheld. */
export type Guarded<T> = { released: true; value: T } | { released: false; withheld: Withheld };

/**
 * Largest share one peer contributes to the sum of `contributions` (non-negative; negatives are
 * clipped to 0, e.g. a net revenue below zero). 0 when the sum is 0.
 */
export function largestShare(contributions: readonly number[]): number {
  let total = 0;
  let max = 0;
  for (const c of contributions) {
    const v = Math.max(0, c);
    total += v;
    if (v > max) max = v;
  }
  return total > 0 ? max / total : 0;
}

/**
 * Rules 1 and 2 for an aggregate over peers (the merchant's own contribution NOT in the list):
 * contributors are peers with a positive contribution.
 *
 * @param contributions one entry per peer, the compared quantity (minor units, counts, …)
 * @returns null when the aggregate may be released, else why not
 */
export function checkAggregate(contributions: readonly number[]): Withheld | null {
  const peers = contributions.filter((c) => c > 0).length;
  if (peers < MIN_PEERS) return { rule: "min_peers", peers };
  if (largestShare(contributions) > MAX_PEER_SHARE) return { rule: "dominance", peers };
  return null;
}

/**
 * Rules 1 and 2 for a whole peer group that INCLUDES every member that may ask (the group is a
 * property of the segment, not of the requester; see docs/adr/0006-peer-groups-privacy.md):
 * every member m must see at least MIN_PEERS other members, and in m's frame (the total minus
 * m's own value) no other member may exceed MAX_PEER_SHARE. The worst frames are those of the
 * two largest members, so the check is max(v1 / (T − v2), v2 / (T − v1)) ≤ MAX_PEER_SHARE with
 * v1 ≥ v2 the two largest values and T the total. Pass or fail is therefore the same for every
 * member of the group, whoever asks.
 *
 * @param values the compared quantity of every member (self included), negatives clipped to 0
 * @returns `{ peers, largestShare, withheld }`: peers = members − 1 (what each member sees),
 *          largestShare = the worst frame's share (internal to lib/privacy: never released),
 *          withheld = null when the group passes
 */
export function checkGroup(values: readonly number[]): { peers: number; largestShare: number; withheld: Withheld | null } {
  const v = values.map((x) => Math.max(0, x)).sort((a, b) => b - a);
  const peers = Math.max(0, v.length - 1);
  const total = v.reduce((s, x) => s + x, 0);
  let share = 0;
  if (v.length >= 2 && total > 0) {
    const [v1, v2] = v;
    const a = total - v2 > 0 ? v1 / (total - v2) : 1;
    const b = total - v1 > 0 ? v2 / (total - v1) : 1;
    share = Math.max(a, b);
  } else if (v.length === 1) {
    share = 1;
  }
  let withheld: Withheld | null = null;
  if (peers < MIN_PEERS) withheld = { rule: "min_peers", peers };
  else if (share > MAX_PEER_SHARE) withheld = { rule: "dominance", peers };
  return { peers, largestShare: share, withheld };
}

/**
 * Rule 3 for one cell: withheld when it describes fewer than MIN_CELL_CUSTOMERS customers. The
 * reason says neither how many customers nor how many peers are behind the small cell (both would
 * describe those few customers).
 */
export function checkCell(customers: number): Withheld | null {
  if (customers < MIN_CELL_CUSTOMERS) return { rule: "min_customers", peers: 0 };
  return null;
}

/** The released summary of the group's distribution of one figure. */
export interface QuantileRelease {
  /** Group members whose value entered the distribution (the merchant itself included when it qualifies). */
  peers: number;
  /** Released p25, median and p75: keyed noise, 3 significant digits (./disclosure.ts). */
  p25: number;
  median: number;
  p75: number;
  /** The merchant's quarter band against the released quartiles; null when it has no value. */
  band: QuarterBand | null;
}

/** The three order statistics (0-based, ascending) averaged for quantile q of n ≥ 3 values. */
export function quantileWindow(n: number, q: number): [number, number, number] {
  if (!Number.isInteger(n) || n < 3) throw new Error(`quantileWindow: at least 3 values expected, got ${n}`);
  if (!(q >= 0 && q <= 1)) throw new Error(`quantileWindow: q must be in [0, 1], got ${q}`);
  const h = (n - 1) * q;
  const centre = Math.min(n - 2, Math.max(1, Math.floor(h + 0.5)));
  return [centre - 1, centre, centre + 1];
}

/** The fewest values a released distribution covers: MIN_PEERS others for every member in it. */
export const MIN_DISTRIBUTION_VALUES = MIN_PEERS + 1;

/**
 * The released p25 / median / p75 of one figure over the whole fixed group, and the merchant's
 * quarter band against them. Each quantile is the mean of the three order statistics around
 * position h = (n − 1) q (Hyndman & Fan type 7's position, centre rounded half up and kept
 * inside 1..n−2), so it is never one member's raw value; it is computed over every qualifying
 * member (the asker included), so every member gets the same numbers, and then released with the
 * keyed bounded noise of `key` (releaseMagnitude, scaled to the mean absolute value of the three
 * order statistics), field suffixed ".p25", ".median", ".p75".
 * The three are sorted after the noise so p25 ≤ median ≤ p75 holds.
 *
 * Members with a null value (e.g. growth without a base) are left out; members whose value
 * describes fewer than MIN_CELL_CUSTOMERS customers must be left out by the caller (rule 3).
 *
 * @param groupValues the values of every member of the group (the merchant's own included)
 * @param own         the merchant's own value, or null (only its band depends on it)
 * @param key         the release key of the figure (group, period, field)
 * @returns the release, or why it is withheld ("min_peers" with fewer than MIN_DISTRIBUTION_VALUES values)
 */
export function releaseQuantiles(groupValues: readonly (number | null)[], own: number | null, key: ReleaseKey): Guarded<QuantileRelease> {
  const v = groupValues.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  if (n < MIN_DISTRIBUTION_VALUES) return { released: false, withheld: { rule: "min_peers", peers: n } };
  const at = (q: number, name: string) => {
    const [a, b, c] = quantileWindow(n, q);
    // Noise of the size of the three values, not of their mean (which may be near 0 for growth rates).
    return releaseMagnitude((v[a] + v[b] + v[c]) / 3, { ...key, field: `${key.field}.${name}` }, (Math.abs(v[a]) + Math.abs(v[b]) + Math.abs(v[c])) / 3);
  };
  const [p25, median, p75] = [at(0.25, "p25"), at(0.5, "median"), at(0.75, "p75")].sort((a, b) => a - b);
  return { released: true, value: { peers: n, p25, median, p75, band: quarterBand(own, { p25, median, p75 }) } };
}
