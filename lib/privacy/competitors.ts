import { sql, type SQL } from "drizzle-orm";
import { getDatabase, queryRows, type Database, type Executor } from "@/db/client";
import type { MerchantRef } from "@/lib/tenancy/context";
import { checkAggregate, checkCell, MIN_CELL_CUSTOMERS, releaseQuantiles, type Guarded, type QuantileRelease, type Withheld } from "./guard";
import { peerGroupInfo, resolvePeerGroup, type PeerGroup, type PeerGroupInfo } from "./peerGroups";
import { readStoredReport } from "./reportStore";
import {
  fullWeekStarts,
  monthStarts,
  previousGrainPeriod,
  referenceWindow,
  requireGrain,
  retentionWindows,
  yearAgoPeriod,
  type CompetitorGrain,
  type DayPeriod,
} from "./periods";

/*
 * The Competitors page's figures (issue 3): benchmarks against the peer group, the revenue index
 * against the peer index, cross-shopping, share of wallet and switching flows. The only code that
 * reads other merchants' rows for them, on the owner (bank) connection, from the rollups only
 * (merchant_daily, merchant_day_customer_bitmaps, merchant_customers, merchant_customer_daily),
 * never from `transactions`. Every figure built from peers passes lib/privacy/guard.ts; what
 * fails carries its reason. docs/competitors.md defines each figure; docs/adr/0006 the group.
 * After an ingest the reports of the offered periods are stored (./precompute.ts) and served
 * while current (./reportStore.ts, docs/adr/0007); buildCompetitorReport computes both ways.
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

const WITHHELD_GROUP = (group: PeerGroup): { released: false; withheld: Withheld } => ({
  released: false,
  withheld: group.withheld ?? { rule: "min_peers", peers: group.peers, largestShare: group.largestShare, customers: null },
});

function inList(ids: readonly number[]): SQL {
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id))) throw new Error("competitors: empty or invalid member list");
  return sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
}

const between = (col: SQL, p: DayPeriod) => sql`${col} >= ${p.from}::date and ${col} < ${p.to}::date`;

// ---------------------------------------------------------------------------------------------
// Per-member figures

/** One member's own totals over the request's windows (internal to lib/privacy). */
export interface MemberFigures {
  id: number;
  net: number;
  netPrev: number;
  netYearAgo: number;
  gross: number;
  purchases: number;
  customers: number;
  customersPrev: number;
  customersYearAgo: number;
  retentionBase: number;
  retained: number;
  newCustomers: number;
}

/** Per-member sums, exact distinct customers and first purchases over the windows of `p` (rollups). NOT GUARDED. */
export async function memberFigures(
  executor: Executor,
  ids: readonly number[],
  p: { period: DayPeriod; prev: DayPeriod; yearAgo: DayPeriod; retention: { base: DayPeriod; back: DayPeriod } },
): Promise<Map<number, MemberFigures>> {
  const lo = [p.yearAgo.from, p.prev.from, p.retention.base.from].sort()[0];
  const day = sql`day`;
  const sums = await queryRows<{ merchant_id: number; net: number; net_prev: number; net_ya: number; gross: number; purchases: number }>(
    executor,
    sql`select merchant_id,
          coalesce(sum(gross_sales_minor - refunds_minor) filter (where ${between(day, p.period)}), 0)::bigint as net,
          coalesce(sum(gross_sales_minor - refunds_minor) filter (where ${between(day, p.prev)}), 0)::bigint as net_prev,
          coalesce(sum(gross_sales_minor - refunds_minor) filter (where ${between(day, p.yearAgo)}), 0)::bigint as net_ya,
          coalesce(sum(gross_sales_minor) filter (where ${between(day, p.period)}), 0)::bigint as gross,
          coalesce(sum(purchases) filter (where ${between(day, p.period)}), 0)::bigint as purchases
        from merchant_daily
        where merchant_id in (${inList(ids)}) and day >= ${lo}::date and day < ${p.period.to}::date
        group by merchant_id`,
  );
  // Exact distinct customers per member over each window: bit_or of the day bitmaps per chunk.
  const bits = await queryRows<{ merchant_id: number; cur: number; prv: number; ya: number; base: number; kept: number }>(
    executor,
    sql`select merchant_id,
          coalesce(sum(bit_count(cur)), 0)::bigint as cur, coalesce(sum(bit_count(prv)), 0)::bigint as prv,
          coalesce(sum(bit_count(ya)), 0)::bigint as ya, coalesce(sum(bit_count(base)), 0)::bigint as base,
          coalesce(sum(bit_count(base & back)), 0)::bigint as kept
        from (
          select merchant_id, chunk,
            bit_or(bits) filter (where ${between(day, p.period)}) as cur,
            bit_or(bits) filter (where ${between(day, p.prev)}) as prv,
            bit_or(bits) filter (where ${between(day, p.yearAgo)}) as ya,
            bit_or(bits) filter (where ${between(day, p.retention.base)}) as base,
            bit_or(bits) filter (where ${between(day, p.retention.back)}) as back
          from merchant_day_customer_bitmaps
          where merchant_id in (${inList(ids)}) and day >= ${lo}::date and day < ${p.period.to}::date
          group by merchant_id, chunk) c
        group by merchant_id`,
  );
  const fresh = await queryRows<{ merchant_id: number; n: number }>(
    executor,
    sql`select merchant_id, count(*)::bigint as n from merchant_customers
        where merchant_id in (${inList(ids)}) and ${between(sql`first_purchase_day`, p.period)}
        group by merchant_id`,
  );
  const out = new Map<number, MemberFigures>();
  for (const id of ids) {
    out.set(id, {
      id,
      net: 0,
      netPrev: 0,
      netYearAgo: 0,
      gross: 0,
      purchases: 0,
      customers: 0,
      customersPrev: 0,
      customersYearAgo: 0,
      retentionBase: 0,
      retained: 0,
      newCustomers: 0,
    });
  }
  for (const r of sums) {
    const f = out.get(Number(r.merchant_id))!;
    f.net = Number(r.net);
    f.netPrev = Number(r.net_prev);
    f.netYearAgo = Number(r.net_ya);
    f.gross = Number(r.gross);
    f.purchases = Number(r.purchases);
  }
  for (const r of bits) {
    const f = out.get(Number(r.merchant_id))!;
    f.customers = Number(r.cur);
    f.customersPrev = Number(r.prv);
    f.customersYearAgo = Number(r.ya);
    f.retentionBase = Number(r.base);
    f.retained = Number(r.kept);
  }
  for (const r of fresh) out.get(Number(r.merchant_id))!.newCustomers = Number(r.n);
  return out;
}

const growth = (now: number, before: number) => (before > 0 ? now / before - 1 : null);

/**
 * The value of one benchmark for one member, and whether it describes enough customers to enter
 * the peers' distribution (rule 3; the merchant's own value is its own total and always shown).
 * Pure; exported for tests.
 */
export function benchmarkValue(key: BenchmarkKey, f: MemberFigures): { value: number | null; customers: number } {
  switch (key) {
    case "revenueGrowthPrevious":
      return { value: growth(f.net, f.netPrev), customers: Math.min(f.customers, f.customersPrev) };
    case "revenueGrowthYearAgo":
      return { value: growth(f.net, f.netYearAgo), customers: Math.min(f.customers, f.customersYearAgo) };
    case "customers":
      return { value: f.customers, customers: f.customers };
    case "averageCheckMinor":
      return { value: f.purchases > 0 ? f.gross / f.purchases : null, customers: f.customers };
    case "frequency":
      return { value: f.customers > 0 ? f.purchases / f.customers : null, customers: f.customers };
    case "newCustomerShare":
      return { value: f.customers > 0 ? f.newCustomers / f.customers : null, customers: f.customers };
    case "retention3m":
      return { value: f.retentionBase > 0 ? f.retained / f.retentionBase : null, customers: f.retentionBase };
  }
}

function benchmarks(selfId: number, figures: Map<number, MemberFigures>, group: PeerGroup): Benchmark[] {
  const self = figures.get(selfId)!;
  return BENCHMARK_KEYS.map((key) => {
    const own = benchmarkValue(key, self).value;
    if (group.level === null) return { key, own, peers: WITHHELD_GROUP(group) };
    const values = group.memberIds
      .filter((id) => id !== selfId)
      .map((id) => benchmarkValue(key, figures.get(id)!))
      .map((v) => (v.customers >= MIN_CELL_CUSTOMERS ? v.value : null));
    return { key, own, peers: releaseQuantiles(values, own) };
  });
}

// ---------------------------------------------------------------------------------------------
// Series over the reference window

/** One member's net revenue on one day (internal to lib/privacy). */
export interface DailyRow {
  merchant_id: number;
  day: string;
  net: number;
}

/** Daily net revenue of the members over `window` (merchant_daily). NOT GUARDED. */
export async function dailyNet(executor: Executor, ids: readonly number[], window: DayPeriod): Promise<DailyRow[]> {
  return queryRows<DailyRow>(
    executor,
    sql`select merchant_id, day, (gross_sales_minor - refunds_minor)::bigint as net
        from merchant_daily where merchant_id in (${inList(ids)}) and ${between(sql`day`, window)}`,
  );
}

/** Exact distinct customers per member and month of `window`, keyed 'id|YYYY-MM-01' (bitmaps). NOT GUARDED. */
export async function monthlyCustomers(executor: Executor, ids: readonly number[], window: DayPeriod): Promise<Map<string, number>> {
  const rows = await queryRows<{ merchant_id: number; month: string; n: number }>(
    executor,
    sql`select merchant_id, month, sum(n)::bigint as n from (
          select merchant_id, date_trunc('month', day::timestamp)::date as month, chunk, bit_count(bit_or(bits)) as n
          from merchant_day_customer_bitmaps where merchant_id in (${inList(ids)}) and ${between(sql`day`, window)}
          group by merchant_id, month, chunk) c
        group by merchant_id, month`,
  );
  return new Map(rows.map((r) => [`${r.merchant_id}|${r.month}`, Number(r.n)]));
}

/**
 * The monthly revenue index of the merchant and the peers' aggregate over the window (pure
 * post-processing of daily rows; exported for tests). A month's peer figure is released when its
 * peer contributions pass checkAggregate and at least one peer had ≥ MIN_CELL_CUSTOMERS
 * customers that month (the aggregate then describes at least that many). Both indices are 100
 * at the first month where both revenues are positive and the peers' is released.
 */
export function buildRevenueIndex(
  selfId: number,
  peerIds: readonly number[],
  daily: readonly DailyRow[],
  customersByMerchantMonth: Map<string, number>,
  window: DayPeriod,
): Guarded<RevenueIndex> {
  const months = monthStarts(window);
  const own = new Map<string, number>();
  const perPeer = new Map<string, Map<number, number>>();
  for (const m of months) perPeer.set(m, new Map(peerIds.map((id) => [id, 0])));
  for (const r of daily) {
    const month = `${String(r.day).slice(0, 7)}-01`;
    const id = Number(r.merchant_id);
    if (id === selfId) own.set(month, (own.get(month) ?? 0) + Number(r.net));
    else perPeer.get(month)?.set(id, (perPeer.get(month)!.get(id) ?? 0) + Number(r.net));
  }
  const raw = months.map((month) => {
    const contributions = [...perPeer.get(month)!.values()];
    let withheld = checkAggregate(contributions);
    if (!withheld) {
      const maxCustomers = Math.max(0, ...peerIds.map((id) => customersByMerchantMonth.get(`${id}|${month}`) ?? 0));
      withheld = checkCell(maxCustomers);
    }
    return { month, own: own.get(month) ?? 0, peers: withheld ? null : contributions.reduce((s, c) => s + c, 0), withheld };
  });
  const base = raw.find((p) => p.own > 0 && p.peers !== null && p.peers > 0);
  if (!base) {
    const firstWithheld = raw.find((p) => p.withheld)?.withheld;
    return { released: false, withheld: firstWithheld ?? { rule: "min_peers", peers: 0, largestShare: null, customers: null } };
  }
  const points: IndexPoint[] = raw.map((p) => {
    const started = p.month >= base.month;
    return {
      month: p.month,
      merchant: started ? round1((100 * p.own) / base.own) : null,
      peers: started && p.peers !== null ? round1((100 * p.peers) / base.peers!) : null,
      withheld: p.withheld,
    };
  });
  return { released: true, value: { baseMonth: base.month, points } };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Pearson's correlation coefficient r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²) (Pearson 1895);
 * null with fewer than 3 pairs or a constant series.
 */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error("pearson: series of different lengths");
  const n = x.length;
  if (n < 3) return null;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** The minimum number of full weeks behind a released correlation. */
export const MIN_CORRELATION_WEEKS = 8;

function weeklyCorrelation(selfId: number, daily: readonly DailyRow[], window: DayPeriod): Guarded<RevenueCorrelation> {
  const weeks = fullWeekStarts(window);
  // Days since 1970-01-01 (a Thursday): the ISO week's Monday is day − (day + 3) mod 7.
  const dayNumber = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 86_400_000;
  const index = new Map(weeks.map((w, i) => [dayNumber(w), i]));
  const own = weeks.map(() => 0);
  const peers = weeks.map(() => 0);
  for (const r of daily) {
    const day = dayNumber(String(r.day));
    const i = index.get(day - ((((day + 3) % 7) + 7) % 7));
    if (i === undefined) continue;
    if (Number(r.merchant_id) === selfId) own[i] += Number(r.net);
    else peers[i] += Number(r.net);
  }
  const r = weeks.length >= MIN_CORRELATION_WEEKS ? pearson(own, peers) : null;
  if (r === null) return { released: false, withheld: { rule: "min_customers", peers: 0, largestShare: null, customers: null } };
  return { released: true, value: { r: Math.round(r * 1000) / 1000, weeks: weeks.length } };
}

// ---------------------------------------------------------------------------------------------
// Cross-shopping, share of wallet, switching: the merchant's customers at the members

/** One customer's category purchases at one member in one month (minor units). */
interface CategoryCell {
  /** The customer's index in the base (0 … customerCount − 1). */
  customer: number;
  member: number;
  /** Gross sales. */
  spend: number;
  /** Purchases. */
  n: number;
  /** Gross sales on days on or after the customer's first purchase at the merchant. */
  since: number;
}

/** One month of share of wallet before the guard: customers with spend since their first purchase here, that spend here and per peer. */
interface ShareOfWalletMonth {
  customers: number;
  here: number;
  peers: number[];
}

/** A month as one integer, year × 12 + month − 1, from any 'YYYY-MM-DD' of it. */
const monthNumber = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;

/**
 * The merchant's customers' category rows, folded to customer × member × month: every customer
 * who ever bought at the merchant (merchant_customers), with the purchases at each loaded member
 * in each loaded month, indexed by month so a request touches only its own months. Loaded once,
 * it serves any number of requests (the job computes all offered periods from one). NOT GUARDED:
 * internal to lib/privacy.
 */
export interface CategoryBase {
  selfId: number;
  /** The months loaded, [from, to) (whole months). */
  range: DayPeriod;
  customerCount: number;
  /** Month number → the cells of that month. */
  byMonth: Map<number, CategoryCell[]>;
  /** Share of wallet per "month|member ids", filled on first use (it depends on nothing else). */
  shareOfWalletCache: Map<string, ShareOfWalletMonth | null>;
}

/**
 * Loads the category rows of `selfId`'s customers at the members `ids` over the whole months of
 * `range` (merchant_customer_daily joined to the merchant's merchant_customers, folded by month;
 * `since` counts the days from the customer's first purchase here on). NOT GUARDED.
 */
export async function loadCategoryBase(executor: Executor, selfId: number, ids: readonly number[], range: DayPeriod): Promise<CategoryBase> {
  const rows = await queryRows<{ customer_id: number; merchant_id: number; month: string; spend: number; n: number; since: number }>(
    executor,
    sql`select d.customer_id, d.merchant_id, to_char(date_trunc('month', d.day::timestamp), 'YYYY-MM-DD') as month,
          sum(d.gross_sales_minor)::bigint as spend, sum(d.purchases)::bigint as n,
          coalesce(sum(d.gross_sales_minor) filter (where d.day >= mc.first_purchase_day), 0)::bigint as since
        from merchant_customer_daily d
        join merchant_customers mc on mc.merchant_id = ${selfId} and mc.customer_id = d.customer_id
        where d.merchant_id in (${inList(ids)}) and ${between(sql`d.day`, range)} and d.purchases > 0
        group by 1, 2, 3`,
  );
  const index = new Map<number, number>();
  const byMonth = new Map<number, CategoryCell[]>();
  for (const r of rows) {
    const id = Number(r.customer_id);
    let customer = index.get(id);
    if (customer === undefined) index.set(id, (customer = index.size));
    const month = monthNumber(String(r.month));
    let cells = byMonth.get(month);
    if (!cells) byMonth.set(month, (cells = []));
    cells.push({ customer, member: Number(r.merchant_id), spend: Number(r.spend), n: Number(r.n), since: Number(r.since) });
  }
  return { selfId, range: { ...range }, customerCount: index.size, byMonth, shareOfWalletCache: new Map() };
}

/** Raw counts of the customer-category figures before the guard (internal to lib/privacy). */
export interface CategoryCounts {
  /** The merchant's customers of the period who also bought at a peer: in all, and per peer who had any. */
  cross: { alsoAtPeers: number; perPeer: number[] };
  /** Per month of the window: the customers with spend since their first purchase here, the merchant's and each peer's such spend. */
  shareOfWallet: Map<string, ShareOfWalletMonth>;
  switching: SwitchingCounts;
}

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

type SwitchSide = "out" | "in" | "here" | "peers" | "light" | "mixed";

/**
 * The customer's main side in two periods (see switchingCounts): "out" = here then peers, "in" =
 * peers then here, "here"/"peers" = unchanged, "light" = fewer than SWITCH_MIN_PURCHASES category
 * purchases in either period, "mixed" = anything else.
 */
function switchSide(t: { here0: number; peers0: number; here1: number; peers1: number; n0: number; n1: number }): SwitchSide {
  if (t.n0 < SWITCH_MIN_PURCHASES || t.n1 < SWITCH_MIN_PURCHASES) return "light";
  if (t.here0 >= 2 * t.peers0 && 2 * t.here1 <= t.peers1) return "out";
  if (t.peers0 >= 2 * t.here0 && 2 * t.peers1 <= t.here1) return "in";
  if (t.here0 > t.peers0 && t.here1 > t.peers1) return "here";
  if (t.peers0 > t.here0 && t.peers1 > t.here1) return "peers";
  return "mixed";
}

/**
 * The customer-category figures of one request from the loaded rows (pure): cross-shopping in
 * `period`, share of wallet by month of `window`, switching from `prev` to `period`, counting
 * only the members `ids` (the merchant among them). All windows are whole months inside
 * `base.range`, so the monthly fold loses nothing. NOT GUARDED (internal to lib/privacy).
 *
 * - cross: customers with a purchase here in the period, and of them those with one at a peer in
 *   the period (distinct, and per peer);
 * - share of wallet: per month, customers with any spend since their first purchase here, and
 *   that spend here and at each peer;
 * - switching: every customer of the merchant with category spend in both periods, classified by
 *   switchSide; for the switchers, each peer's spend on the peers' side (after the switch for
 *   "out", before it for "in").
 *
 * @throws Error when a window reaches outside the loaded months
 */
export function categoryFigures(
  base: CategoryBase,
  ids: ReadonlySet<number>,
  w: { period: DayPeriod; prev: DayPeriod; window: DayPeriod },
): CategoryCounts {
  for (const p of [w.period, w.prev, w.window]) {
    if (p.from < base.range.from || p.to > base.range.to) {
      throw new Error(`categoryFigures: ${p.from}..${p.to} is outside the loaded ${base.range.from}..${base.range.to}`);
    }
  }
  const self = base.selfId;
  const add = (m: Map<number, number>, k: number, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const monthsOf = (p: DayPeriod) => {
    const out: number[] = [];
    for (let m = monthNumber(p.from); m < monthNumber(p.to); m++) out.push(m);
    return out;
  };
  const cellsOf = function* (p: DayPeriod) {
    for (const m of monthsOf(p)) for (const c of base.byMonth.get(m) ?? []) if (ids.has(c.member)) yield c;
  };

  // Per customer over the two periods: spend here and at peers, category purchases.
  const n = base.customerCount;
  const sums = { here0: new Float64Array(n), peers0: new Float64Array(n), here1: new Float64Array(n), peers1: new Float64Array(n), n0: new Float64Array(n), n1: new Float64Array(n) };
  const herePeriod = new Uint8Array(n);
  const touched: number[] = [];
  const seen = new Uint8Array(n);
  const touch = (c: number) => {
    if (!seen[c]) {
      seen[c] = 1;
      touched.push(c);
    }
  };
  for (const c of cellsOf(w.prev)) {
    touch(c.customer);
    if (c.member === self) sums.here0[c.customer] += c.spend;
    else sums.peers0[c.customer] += c.spend;
    sums.n0[c.customer] += c.n;
  }
  for (const c of cellsOf(w.period)) {
    touch(c.customer);
    if (c.member === self) {
      sums.here1[c.customer] += c.spend;
      herePeriod[c.customer] = 1;
    } else sums.peers1[c.customer] += c.spend;
    sums.n1[c.customer] += c.n;
  }

  // Cross-shopping: customers of the period here who also bought at a peer then, in all and per peer.
  const pairs = new Set<number>();
  const alsoAt = new Uint8Array(n);
  let alsoAtPeers = 0;
  const crossPerPeer = new Map<number, number>();
  for (const c of cellsOf(w.period)) {
    if (c.member === self || !herePeriod[c.customer]) continue;
    if (!alsoAt[c.customer]) {
      alsoAt[c.customer] = 1;
      alsoAtPeers += 1;
    }
    const key = c.customer * 2 ** 31 + c.member;
    if (!pairs.has(key)) {
      pairs.add(key);
      add(crossPerPeer, c.member, 1);
    }
  }

  // Switching.
  const sideOf = new Map<number, "out" | "in">();
  const sides = new Map<SwitchSide, { customers: number; here0: number; here1: number }>();
  for (const c of touched) {
    const t = { here0: sums.here0[c], peers0: sums.peers0[c], here1: sums.here1[c], peers1: sums.peers1[c], n0: sums.n0[c], n1: sums.n1[c] };
    if (t.here0 + t.peers0 <= 0 || t.here1 + t.peers1 <= 0) continue;
    const side = switchSide(t);
    const s = sides.get(side) ?? { customers: 0, here0: 0, here1: 0 };
    s.customers += 1;
    s.here0 += t.here0;
    s.here1 += t.here1;
    sides.set(side, s);
    if (side === "out" || side === "in") sideOf.set(c, side);
  }
  const peerSpend: Record<"out" | "in", Map<number, number>> = { out: new Map(), in: new Map() };
  for (const [side, p] of [["out", w.period], ["in", w.prev]] as const) {
    for (const c of cellsOf(p)) if (c.member !== self && sideOf.get(c.customer) === side) add(peerSpend[side], c.member, c.spend);
  }
  const flow = (side: "out" | "in") => ({
    customers: sides.get(side)?.customers ?? 0,
    here0: sides.get(side)?.here0 ?? 0,
    here1: sides.get(side)?.here1 ?? 0,
    peerSpend: [...peerSpend[side].values()],
  });

  // Share of wallet by month: it depends only on the month and the members, so it is cached.
  const idsKey = [...ids].sort((a, b) => a - b).join(",");
  const shareOfWallet = new Map<string, ShareOfWalletMonth>();
  for (const month of monthStarts(w.window)) {
    const m = monthNumber(month);
    const key = `${m}|${idsKey}`;
    let sow = base.shareOfWalletCache.get(key);
    if (sow === undefined) {
      let customers = 0;
      let here = 0;
      const peers = new Map<number, number>();
      const counted = new Set<number>();
      for (const c of base.byMonth.get(m) ?? []) {
        if (c.since <= 0 || !ids.has(c.member)) continue;
        if (!counted.has(c.customer)) {
          counted.add(c.customer);
          customers += 1;
        }
        if (c.member === self) here += c.since;
        else add(peers, c.member, c.since);
      }
      sow = customers > 0 ? { customers, here, peers: [...peers.values()] } : null;
      base.shareOfWalletCache.set(key, sow);
    }
    if (sow) shareOfWallet.set(month, sow);
  }
  return {
    cross: { alsoAtPeers, perPeer: [...crossPerPeer.values()] },
    shareOfWallet,
    switching: {
      out: flow("out"),
      in: flow("in"),
      stayedHere: sides.get("here")?.customers ?? 0,
      stayedAtPeers: sides.get("peers")?.customers ?? 0,
    },
  };
}

function crossShopping(cross: CategoryCounts["cross"], customers: number): Guarded<CrossShopping> {
  const total = cross.alsoAtPeers;
  const withheld = checkAggregate(cross.perPeer) ?? checkCell(total) ?? checkCell(customers - total) ?? checkCell(customers);
  if (withheld) return { released: false, withheld };
  return { released: true, value: { customers, alsoAtPeers: total, share: total / customers } };
}

function shareOfWallet(byMonth: CategoryCounts["shareOfWallet"], window: DayPeriod): ShareOfWalletPoint[] {
  // Spend of the merchant's customers from the day of their first purchase here on: before it
  // they were not yet its customers.
  return monthStarts(window).map((month) => {
    const m = byMonth.get(month) ?? { customers: 0, here: 0, peers: [] };
    const withheld = checkCell(m.customers) ?? checkAggregate(m.peers);
    if (withheld) return { month, share: null, customers: null, withheld };
    const total = m.here + m.peers.reduce((s, x) => s + x, 0);
    return { month, share: total > 0 ? m.here / total : null, customers: m.customers, withheld: null };
  });
}

/**
 * Classifies the merchant's customers (merchant_customers: bought here at least once) with at
 * least SWITCH_MIN_PURCHASES category purchases (at the group's members) in each of `prev` and
 * `period` (whole months) by their main side in each: the merchant when its spend there is at
 * least twice the peers' (≥ 2/3 of the category spend), the peers in the mirror case. "out" = here
 * then peers, "in" = peers then here, "here"/"peers" = unchanged. NOT GUARDED: internal to
 * lib/privacy (the report releases it through guardSwitching); exported for the test that checks
 * it against the synthetic bank's planted switches.
 */
export async function switchingCounts(executor: Executor, selfId: number, ids: readonly number[], prev: DayPeriod, period: DayPeriod): Promise<SwitchingCounts> {
  const range = { from: prev.from, to: period.to };
  const base = await loadCategoryBase(executor, selfId, ids, range);
  return categoryFigures(base, new Set(ids), { period, prev, window: range }).switching;
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

// ---------------------------------------------------------------------------------------------
// Entry points

/** The windows of one request: the period, its grain and the windows derived from it. */
export type ReportWindows = ReturnType<typeof reportWindows>;

/**
 * The windows of a request for `period` (a whole month, quarter or year): previous period of the
 * grain, the same period a year earlier, the 3-month retention windows and the 12-month
 * reference window (lib/privacy/periods.ts).
 * @throws Error when the period is not one whole calendar month, quarter or year
 */
export function reportWindows(period: DayPeriod) {
  const grain = requireGrain(period);
  return {
    grain,
    period: { from: period.from, to: period.to },
    prev: previousGrainPeriod(period, grain),
    yearAgo: yearAgoPeriod(period),
    retention: retentionWindows(period),
    window: referenceWindow(period),
  };
}

/**
 * Where {@link buildCompetitorReport} reads its inputs (internal to lib/privacy): straight from
 * the rollups for one request ({@link liveSources}), or loaded once and shared across the
 * periods and merchants of a batch (lib/privacy/precompute.ts). Every implementation must give
 * the same answers; tests compare the two.
 */
export interface ReportSources {
  peerGroup(window: DayPeriod): Promise<PeerGroup>;
  memberFigures(ids: readonly number[], w: ReportWindows): Promise<Map<number, MemberFigures>>;
  dailyNet(ids: readonly number[], window: DayPeriod): Promise<DailyRow[]>;
  monthlyCustomers(ids: readonly number[], window: DayPeriod): Promise<Map<string, number>>;
  category(ids: readonly number[], w: ReportWindows): Promise<CategoryCounts>;
}

/** The months the customer-category figures of `w` read: [min(window, previous period), period end). */
export function categoryRange(w: ReportWindows): DayPeriod {
  return { from: w.window.from < w.prev.from ? w.window.from : w.prev.from, to: w.period.to };
}

/** Sources that query the rollups for each call, for merchant `selfId` on `executor` (the owner connection). */
export function liveSources(executor: Executor, selfId: number): ReportSources {
  return {
    peerGroup: (window) => resolvePeerGroup(executor, selfId, window),
    memberFigures: (ids, w) => memberFigures(executor, ids, w),
    dailyNet: (ids, window) => dailyNet(executor, ids, window),
    monthlyCustomers: (ids, window) => monthlyCustomers(executor, ids, window),
    category: async (ids, w) => categoryFigures(await loadCategoryBase(executor, selfId, ids, categoryRange(w)), new Set(ids), w),
  };
}

/**
 * Computes the report of {@link getCompetitorReportIn} for the windows `w` from `sources`,
 * guarding every peer figure. Pure apart from what the sources read.
 */
export async function buildCompetitorReport(
  merchant: Pick<MerchantRef, "id" | "slug" | "currency">,
  w: ReportWindows,
  sources: ReportSources,
): Promise<CompetitorReport> {
  const group = await sources.peerGroup(w.window);
  const ids = group.level === null ? [merchant.id] : group.memberIds;
  const peerIds = ids.filter((id) => id !== merchant.id);
  const figures = await sources.memberFigures(ids, w);
  const report: CompetitorReport = {
    merchant: { slug: merchant.slug, currency: merchant.currency },
    period: w.period,
    grain: w.grain,
    previousPeriod: w.prev,
    yearAgoPeriod: w.yearAgo,
    retention: w.retention,
    peerGroup: peerGroupInfo(group),
    benchmarks: benchmarks(merchant.id, figures, group),
    index: WITHHELD_GROUP(group),
    correlation: WITHHELD_GROUP(group),
    crossShopping: WITHHELD_GROUP(group),
    shareOfWallet: WITHHELD_GROUP(group),
    switching: WITHHELD_GROUP(group),
  };
  if (group.level === null) return report;
  const daily = await sources.dailyNet(ids, w.window);
  report.index = buildRevenueIndex(merchant.id, peerIds, daily, await sources.monthlyCustomers(peerIds, w.window), w.window);
  report.correlation = weeklyCorrelation(merchant.id, daily, w.window);
  const counts = await sources.category(ids, w);
  report.crossShopping = crossShopping(counts.cross, figures.get(merchant.id)!.customers);
  report.shareOfWallet = { released: true, value: shareOfWallet(counts.shareOfWallet, w.window) };
  report.switching = { released: true, value: guardSwitching(counts.switching, w.prev, w.period) };
  return report;
}

/**
 * The Competitors page's report for one merchant and one whole calendar month, quarter or year
 * (the grain is read off the period). The peer group is resolved for the period's reference
 * window (the 12 months ending with it; lib/privacy/peerGroups.ts) and every peer figure passes
 * the guard (lib/privacy/guard.ts); withheld figures carry { rule, peers, largestShare, customers }.
 *
 * Figures (docs/competitors.md): benchmarks of the period (growth of net revenue vs the previous
 * period of the grain and vs a year earlier, customers, average check = gross / purchases in
 * minor units, purchase frequency = purchases / customers, new-customer share, 3-month retention
 * ending with the period), the monthly revenue index over the reference window, the weekly
 * revenue correlation, cross-shopping in the period, monthly share of wallet over the reference
 * window and switching flows from the previous period to the period.
 *
 * Served from competitor_reports when the job stored this period's report and the data of the
 * merchant's MCC group has not changed since (same fingerprint; lib/privacy/reportStore.ts,
 * docs/adr/0007-stored-competitor-reports.md); otherwise computed now from the rollups, with the
 * same result.
 *
 * Sources: competitor_reports, or merchants, merchant_daily, merchant_day_customer_bitmaps,
 * merchant_customers, merchant_customer_daily (rollups only), on the owner connection.
 *
 * @param database the owner connection (never a merchant scope)
 * @param opts.stored false to skip the stored report and always compute (tests, benchmarks)
 * @throws Error when the period is not one whole month, quarter or year, or the merchant is unknown
 */
export async function getCompetitorReportIn(
  database: Database,
  merchant: Pick<MerchantRef, "id" | "slug" | "currency">,
  period: DayPeriod,
  opts: { stored?: boolean } = {},
): Promise<CompetitorReport> {
  const w = reportWindows(period);
  if (opts.stored !== false) {
    const stored = await readStoredReport<CompetitorReport>(database.db, merchant.id, w.period);
    if (stored) return { ...stored, merchant: { slug: merchant.slug, currency: merchant.currency } };
  }
  return buildCompetitorReport(merchant, w, liveSources(database.db, merchant.id));
}

/** {@link getCompetitorReportIn} on the process database (getDatabase()): what route handlers call. */
export async function getCompetitorReport(merchant: Pick<MerchantRef, "id" | "slug" | "currency">, period: DayPeriod): Promise<CompetitorReport> {
  return getCompetitorReportIn(await getDatabase(), merchant, period);
}

/**
 * The merchant's monthly revenue index against its peer group's aggregate over the 12 months
 * ending with `period` (a whole month, quarter or year), both 100 at the base month: the series
 * to tell a market-wide movement from the merchant's own. Shape:
 * `{ period, grain, peerGroup, index: { released: true, value: { baseMonth, points: [{ month,
 * merchant, peers, withheld }] } } | { released: false, withheld: { rule, peers, largestShare,
 * customers } } }`; `points[i].peers` is null for a withheld month.
 *
 * @param database the owner connection, or omitted for the process database
 * @throws Error when the period is not one whole month, quarter or year, or the merchant is unknown
 */
export async function getPeerRevenueIndex(merchantId: number, period: DayPeriod, database?: Database): Promise<PeerRevenueIndex> {
  const p = reportWindows(period);
  const db = database ?? (await getDatabase());
  const group = await resolvePeerGroup(db.db, merchantId, p.window);
  if (group.level === null) return { period: p.period, grain: p.grain, peerGroup: peerGroupInfo(group), index: WITHHELD_GROUP(group) };
  const peerIds = group.memberIds.filter((id) => id !== merchantId);
  const daily = await dailyNet(db.db, group.memberIds, p.window);
  const index = buildRevenueIndex(merchantId, peerIds, daily, await monthlyCustomers(db.db, peerIds, p.window), p.window);
  return { period: p.period, grain: p.grain, peerGroup: peerGroupInfo(group), index };
}
