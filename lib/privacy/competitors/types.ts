import type { Guarded, QuantileRelease, Withheld } from "../guard";
import type { PeerGroupInfo } from "../peerGroups";
import type { CompetitorGrain, DayPeriod } from "../periods";

/*
 * The released shapes of the Competitors report (docs/competitors.md): what the guard lets out,
 * as the page, the API route, the CLI and the stored reports carry it. Types only (plus the
 * benchmark keys), so client components may import them. Money in minor units; shares 0..1.
 */

/** The benchmarked figures, in display order. */
export const BENCHMARK_KEYS = [
  "revenueGrowthPrevious",
  "revenueGrowthYearAgo",
  "customers",
  "averageCheckMinor",
  "frequency",
  "newCustomerShare",
  "retention3m",
] as const;
export type BenchmarkKey = (typeof BENCHMARK_KEYS)[number];

/** One benchmark: the merchant's own value and the peers' released distribution. */
export interface Benchmark {
  key: BenchmarkKey;
  /** The merchant's own value (its own totals are never suppressed); null when undefined (no base). */
  own: number | null;
  peers: Guarded<QuantileRelease>;
}

/** A monthly point of the index series (months of the reference window). */
export interface IndexPoint {
  /** First day of the month. */
  month: string;
  /** Merchant's net revenue index, 100 at the base month; null before the base or without revenue. */
  merchant: number | null;
  /** Peers' aggregate net revenue index, 100 at the base month; null when withheld or before the base. */
  peers: number | null;
  /** Why this month's peer figure is withheld; null when released. */
  withheld: Withheld | null;
}

/** The revenue index of the merchant against the peers (both 100 at `baseMonth`). */
export interface RevenueIndex {
  /** The first month where both the merchant's and the peers' revenue are positive and released. */
  baseMonth: string;
  points: IndexPoint[];
}

/** Share of the merchant's customers (with a purchase here in the period) who also bought at a peer. */
export interface CrossShopping {
  customers: number;
  alsoAtPeers: number;
  /** alsoAtPeers / customers, 0..1. */
  share: number;
}

/** One month of share of wallet. */
export interface ShareOfWalletPoint {
  month: string;
  /** Merchant's gross sales to its customers / their gross category spend at all members (merchant included), 0..1. */
  share: number | null;
  /** The merchant's customers with category spend that month (the cell's size). */
  customers: number | null;
  withheld: Withheld | null;
}

/** One direction of switching between the previous period and the period. */
export interface SwitchFlow {
  customers: number;
  /** To peers: Σ (here before − here after), what the merchant lost with them; from peers: Σ (here after − here before). Minor units. */
  amountMinor: number;
}

/** Switching flows between two consecutive periods of the grain (aggregated, never per peer). */
export interface Switching {
  from: DayPeriod;
  to: DayPeriod;
  /** Customers whose main category merchant was this merchant, then the peers. */
  toPeers: Guarded<SwitchFlow>;
  /** Customers whose main category merchant was the peers, then this merchant. */
  fromPeers: Guarded<SwitchFlow>;
  /** Main merchant here in both periods. */
  stayedHere: number;
  /** Main merchant at the peers in both periods (customers who bought here at least once, ever). */
  stayedAtPeers: number;
}

/** Pearson correlation of weekly net revenue with the peers' aggregate, over the reference window's full weeks. */
export interface RevenueCorrelation {
  r: number;
  weeks: number;
}

/** Everything the Competitors page shows. */
export interface CompetitorReport {
  merchant: { slug: string; currency: string };
  period: DayPeriod;
  grain: CompetitorGrain;
  previousPeriod: DayPeriod;
  yearAgoPeriod: DayPeriod;
  retention: { base: DayPeriod; back: DayPeriod };
  peerGroup: PeerGroupInfo;
  benchmarks: Benchmark[];
  index: Guarded<RevenueIndex>;
  correlation: Guarded<RevenueCorrelation>;
  crossShopping: Guarded<CrossShopping>;
  shareOfWallet: Guarded<ShareOfWalletPoint[]>;
  switching: Guarded<Switching>;
}

/** The peer revenue index alone, for "market effect vs own effect" (issue 5). */
export interface PeerRevenueIndex {
  period: DayPeriod;
  grain: CompetitorGrain;
  peerGroup: PeerGroupInfo;
  index: Guarded<RevenueIndex>;
}
