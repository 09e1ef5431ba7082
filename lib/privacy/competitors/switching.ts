import { checkAggregate, checkCell, type Guarded } from "../guard";
import type { DayPeriod } from "../periods";
import type { SwitchFlow, Switching } from "./types";

/*
 * Switching between the previous period and the period (docs/competitors.md, "Switching"): the
 * rule that classifies one customer's main side, the shape of the raw counts, and the guard that
 * releases them. The counting itself is part of the one customer-category pass
 * (./categoryFigures.internal.ts, docs/adr/0007). Pure.
 */

/**
 * The fewest category purchases a customer needs in each of the two periods to be classified:
 * with one purchase a single cross-shopping visit would flip its main side.
 */
export const SWITCH_MIN_PURCHASES = 2;

/** Raw switching counts before the guard (internal to lib/privacy; see switchingCounts). */
export interface SwitchingCounts {
  /** Per direction: customers, Σ here-spend before and after, and each peer's spend by these customers on the peers' side. */
  out: { customers: number; here0: number; here1: number; peerSpend: number[] };
  in: { customers: number; here0: number; here1: number; peerSpend: number[] };
  stayedHere: number;
  stayedAtPeers: number;
}

export type SwitchSide = "out" | "in" | "here" | "peers" | "light" | "mixed";

/**
 * The customer's main side in two periods (see switchingCounts): "out" = here then peers, "in" =
 * peers then here, "here"/"peers" = unchanged, "light" = fewer than SWITCH_MIN_PURCHASES category
 * purchases in either period, "mixed" = anything else. The main side is the merchant when its
 * spend is at least twice the peers' (≥ 2/3 of the category spend), the peers in the mirror case.
 * Spend in minor units, 0 = before (previous period), 1 = after (the period); n = purchases.
 */
export function switchSide(t: { here0: number; peers0: number; here1: number; peers1: number; n0: number; n1: number }): SwitchSide {
  if (t.n0 < SWITCH_MIN_PURCHASES || t.n1 < SWITCH_MIN_PURCHASES) return "light";
  if (t.here0 >= 2 * t.peers0 && 2 * t.here1 <= t.peers1) return "out";
  if (t.peers0 >= 2 * t.here0 && 2 * t.peers1 <= t.here1) return "in";
  if (t.here0 > t.peers0 && t.here1 > t.peers1) return "here";
  if (t.peers0 > t.here0 && t.peers1 > t.here1) return "peers";
  return "mixed";
}

/**
 * The guard over switching counts (pure; exported for tests): each direction is released when it
 * describes at least MIN_CELL_CUSTOMERS customers and the switchers' spend on the peers' side
 * (after the switch for "to peers", before it for "from peers") passes checkAggregate.
 */
export function guardSwitching(counts: SwitchingCounts, prev: DayPeriod, period: DayPeriod): Switching {
  const flow = (dir: "out" | "in"): Guarded<SwitchFlow> => {
    const t = counts[dir];
    const withheld = checkCell(t.customers) ?? checkAggregate(t.peerSpend);
    if (withheld) return { released: false, withheld };
    return { released: true, value: { customers: t.customers, amountMinor: dir === "out" ? t.here0 - t.here1 : t.here1 - t.here0 } };
  };
  return {
    from: prev,
    to: period,
    toPeers: flow("out"),
    fromPeers: flow("in"),
    stayedHere: counts.stayedHere,
    stayedAtPeers: counts.stayedAtPeers,
  };
}
