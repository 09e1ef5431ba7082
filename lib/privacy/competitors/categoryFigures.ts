import { releaseMagnitude, type ReleaseKey } from "../disclosure";
import { checkAggregate, checkCell, type Guarded } from "../guard";
import { monthStarts, type DayPeriod } from "../periods";
import type { CategoryCounts } from "./categoryFigures.internal";
import type { CrossShopping, ShareOfWalletPoint } from "./types";

/*
 * The guard over the customer-category counts of ./categoryFigures.internal.ts: cross-shopping
 * in the period and share of wallet by month of the reference window (docs/competitors.md).
 * Pure.
 */

/**
 * Cross-shopping released when both cells (customers who also bought at a peer, and those who
 * did not) hold at least MIN_CELL_CUSTOMERS customers and the per-peer counts pass
 * checkAggregate; the count of cross-shoppers is then released with the keyed bounded noise of
 * `key` (lib/privacy/disclosure.ts), capped at `customers`. `customers`: the merchant's customers
 * with a purchase in the period (its own figure, exact).
 */
export function crossShopping(cross: CategoryCounts["cross"], customers: number, key: ReleaseKey): Guarded<CrossShopping> {
  const total = cross.alsoAtPeers;
  const withheld = checkAggregate(cross.perPeer) ?? checkCell(total) ?? checkCell(customers - total) ?? checkCell(customers);
  if (withheld) return { released: false, withheld };
  const also = Math.min(customers, Math.round(releaseMagnitude(total, key)));
  return { released: true, value: { customers, alsoAtPeers: also, share: also / customers } };
}

/**
 * Share of wallet per month of `window` (0..1): a month is released when at least
 * MIN_CELL_CUSTOMERS customers stand behind it and the peers' part passes checkAggregate,
 * otherwise it is a gap carrying the reason. The peers' part (the customers' spend at the other
 * members) is released with keyed bounded noise (key: `key`'s group and field, the month), so
 * the share never pins the customers' spend at competitors.
 */
export function shareOfWallet(byMonth: CategoryCounts["shareOfWallet"], window: DayPeriod, key: Omit<ReleaseKey, "period">): ShareOfWalletPoint[] {
  // Spend of the merchant's customers from the day of their first purchase here on: before it
  // they were not yet its customers.
  return monthStarts(window).map((month) => {
    const m = byMonth.get(month) ?? { customers: 0, here: 0, peers: [] };
    const withheld = checkCell(m.customers) ?? checkAggregate(m.peers);
    if (withheld) return { month, share: null, customers: null, withheld };
    const total = m.here + releaseMagnitude(m.peers.reduce((s, x) => s + x, 0), { ...key, period: month });
    return { month, share: total > 0 ? m.here / total : null, customers: m.customers, withheld: null };
  });
}
