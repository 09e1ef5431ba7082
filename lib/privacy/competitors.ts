import { sql, type SQL } from "drizzle-orm";
import { getDatabase, queryRows, type Database, type Executor } from "@/db/client";
import type { MerchantRef } from "@/lib/analytics/types";
import { checkAggregate, checkCell, MIN_CELL_CUSTOMERS, releaseQuantiles, type Guarded, type QuantileRelease, type Withheld } from "./guard";
import { peerGroupInfo, resolvePeerGroup, type PeerGroup, type PeerGroupInfo } from "./peerGroups";
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

interface MemberFigures {
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

async function memberFigures(
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

interface DailyRow {
  merchant_id: number;
  day: string;
  net: number;
}

async function dailyNet(executor: Executor, ids: readonly number[], window: DayPeriod): Promise<DailyRow[]> {
  return queryRows<DailyRow>(
    executor,
    sql`select merchant_id, day, (gross_sales_minor - refunds_minor)::bigint as net
        from merchant_daily where merchant_id in (${inList(ids)}) and ${between(sql`day`, window)}`,
  );
}

async function monthlyCustomers(executor: Executor, ids: readonly number[], window: DayPeriod): Promise<Map<string, number>> {
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
  const index = new Map(weeks.map((w, i) => [w, i]));
  const own = weeks.map(() => 0);
  const peers = weeks.map(() => 0);
  const ms = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  for (const r of daily) {
    const t = ms(String(r.day));
    const dow = (new Date(t).getUTCDay() + 6) % 7;
    const monday = new Date(t - dow * 86_400_000).toISOString().slice(0, 10);
    const i = index.get(monday);
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

interface CategoryRow {
  kind: "cross" | "sow" | "switch" | "swpeer";
  merchant_id: number | null;
  month: string | null;
  dir: string | null;
  customers: number;
  a: number;
  b: number;
}

const monthIn = (p: DayPeriod) => sql`b.month >= ${p.from}::date and b.month < ${p.to}::date`;

/**
 * One pass over the merchant's customers' category rows (merchant_customer_daily at the group's
 * members, joined to merchant_customers of the merchant), folded to customer × member × month
 * and materialized once, then read three ways: cross-shopping in the period, share of wallet by
 * month of the window, switching from the previous period to the period. All three windows are
 * whole months, so the monthly fold loses nothing. NOT GUARDED (internal to lib/privacy).
 */
async function categoryRows(
  executor: Executor,
  selfId: number,
  ids: readonly number[],
  w: { period: DayPeriod; prev: DayPeriod; window: DayPeriod },
): Promise<CategoryRow[]> {
  const lo = w.window.from < w.prev.from ? w.window.from : w.prev.from;
  const both = { from: w.prev.from, to: w.period.to };
  const rows = await queryRows<CategoryRow>(
    executor,
    sql`with base as materialized (
          select d.customer_id, d.merchant_id, date_trunc('month', d.day::timestamp)::date as month,
            sum(d.gross_sales_minor)::bigint as spend, sum(d.purchases)::bigint as n,
            coalesce(sum(d.gross_sales_minor) filter (where d.day >= mc.first_purchase_day), 0)::bigint as since
          from merchant_customer_daily d
          join merchant_customers mc on mc.merchant_id = ${selfId} and mc.customer_id = d.customer_id
          where d.merchant_id in (${inList(ids)}) and d.day >= ${lo}::date and d.day < ${w.period.to}::date and d.purchases > 0
          group by d.customer_id, d.merchant_id, date_trunc('month', d.day::timestamp)::date),
        mine as (select distinct b.customer_id from base b where b.merchant_id = ${selfId} and ${monthIn(w.period)}),
        -- Per customer × member row of the two periods, with the customer's totals as window
        -- aggregates (no self-join on a CTE, whose row estimates would steer the planner wrong).
        cw as (
          select b.customer_id, b.merchant_id, b.month, b.spend,
            coalesce(sum(b.spend) filter (where b.merchant_id = ${selfId} and b.month < ${w.period.from}::date) over cust, 0) as here0,
            coalesce(sum(b.spend) filter (where b.merchant_id <> ${selfId} and b.month < ${w.period.from}::date) over cust, 0) as peers0,
            coalesce(sum(b.spend) filter (where b.merchant_id = ${selfId} and b.month >= ${w.period.from}::date) over cust, 0) as here1,
            coalesce(sum(b.spend) filter (where b.merchant_id <> ${selfId} and b.month >= ${w.period.from}::date) over cust, 0) as peers1,
            coalesce(sum(b.n) filter (where b.month < ${w.period.from}::date) over cust, 0) as n0,
            coalesce(sum(b.n) filter (where b.month >= ${w.period.from}::date) over cust, 0) as n1,
            row_number() over cust as rn
          from base b where ${monthIn(both)}
          window cust as (partition by b.customer_id)),
        k as (
          select customer_id, merchant_id, month, spend, here0, here1, rn,
            case when n0 < ${SWITCH_MIN_PURCHASES} or n1 < ${SWITCH_MIN_PURCHASES} then 'light'
                 when here0 >= 2 * peers0 and 2 * here1 <= peers1 then 'out'
                 when peers0 >= 2 * here0 and 2 * peers1 <= here1 then 'in'
                 when here0 > peers0 and here1 > peers1 then 'here'
                 when peers0 > here0 and peers1 > here1 then 'peers'
                 else 'mixed' end as dir
          from cw where here0 + peers0 > 0 and here1 + peers1 > 0)
        select 'cross' as kind, b.merchant_id, null::date as month, null::text as dir,
          count(distinct b.customer_id)::bigint as customers, 0::bigint as a, 0::bigint as b
        from base b join mine on mine.customer_id = b.customer_id
        where b.merchant_id <> ${selfId} and ${monthIn(w.period)}
        group by grouping sets ((b.merchant_id), ())
        union all
        select 'sow', b.merchant_id, b.month, null, count(distinct b.customer_id)::bigint, sum(b.since)::bigint, 0::bigint
        from base b where ${monthIn(w.window)} and b.since > 0
        group by grouping sets ((b.month, b.merchant_id), (b.month))
        union all
        select 'switch', null, null, k.dir, count(*)::bigint, sum(k.here0)::bigint, sum(k.here1)::bigint
        from k where k.rn = 1 group by k.dir
        union all
        select 'swpeer', k.merchant_id, null, k.dir, count(distinct k.customer_id)::bigint, sum(k.spend)::bigint, 0::bigint
        from k
        where k.dir in ('out', 'in') and k.merchant_id <> ${selfId}
          and ((k.dir = 'out' and k.month >= ${w.period.from}::date and k.month < ${w.period.to}::date)
            or (k.dir = 'in' and k.month >= ${w.prev.from}::date and k.month < ${w.prev.to}::date))
        group by k.dir, k.merchant_id`,
  );
  return rows.map((r) => ({
    ...r,
    merchant_id: r.merchant_id === null ? null : Number(r.merchant_id),
    month: r.month === null ? null : String(r.month),
    customers: Number(r.customers),
    a: Number(r.a),
    b: Number(r.b),
  }));
}

function crossShopping(rows: readonly CategoryRow[], customers: number): Guarded<CrossShopping> {
  const cross = rows.filter((r) => r.kind === "cross");
  const total = cross.find((r) => r.merchant_id === null)?.customers ?? 0;
  const perPeer = cross.filter((r) => r.merchant_id !== null).map((r) => r.customers);
  const withheld =
    checkAggregate(perPeer) ?? checkCell(total) ?? checkCell(customers - total) ?? checkCell(customers);
  if (withheld) return { released: false, withheld };
  return { released: true, value: { customers, alsoAtPeers: total, share: total / customers } };
}

function shareOfWallet(rows: readonly CategoryRow[], selfId: number, window: DayPeriod): ShareOfWalletPoint[] {
  // Spend of the merchant's customers from the day of their first purchase here on: before it
  // they were not yet its customers.
  const sow = rows.filter((r) => r.kind === "sow");
  return monthStarts(window).map((month) => {
    const inMonth = sow.filter((r) => r.month === month);
    const base = inMonth.find((r) => r.merchant_id === null)?.customers ?? 0;
    const here = inMonth.find((r) => r.merchant_id === selfId)?.a ?? 0;
    const peers = inMonth.filter((r) => r.merchant_id !== null && r.merchant_id !== selfId).map((r) => r.a);
    const withheld = checkCell(base) ?? checkAggregate(peers);
    if (withheld) return { month, share: null, customers: null, withheld };
    const total = here + peers.reduce((s, x) => s + x, 0);
    return { month, share: total > 0 ? here / total : null, customers: base, withheld: null };
  });
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

function switchingFromRows(rows: readonly CategoryRow[]): SwitchingCounts {
  const total = (dir: string) => rows.find((r) => r.kind === "switch" && r.dir === dir);
  const side = (dir: "out" | "in") => {
    const t = total(dir);
    return {
      customers: t?.customers ?? 0,
      here0: t?.a ?? 0,
      here1: t?.b ?? 0,
      peerSpend: rows.filter((r) => r.kind === "swpeer" && r.dir === dir).map((r) => r.a),
    };
  };
  return { out: side("out"), in: side("in"), stayedHere: total("here")?.customers ?? 0, stayedAtPeers: total("peers")?.customers ?? 0 };
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
  return switchingFromRows(await categoryRows(executor, selfId, ids, { period, prev, window: { from: prev.from, to: period.to } }));
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

function periods(period: DayPeriod) {
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
 * Sources: merchants, merchant_daily, merchant_day_customer_bitmaps, merchant_customers,
 * merchant_customer_daily (rollups only), on the owner connection.
 *
 * @param database the owner connection (never a merchant scope)
 * @throws Error when the period is not one whole month, quarter or year, or the merchant is unknown
 */
export async function getCompetitorReportIn(database: Database, merchant: Pick<MerchantRef, "id" | "slug" | "currency">, period: DayPeriod): Promise<CompetitorReport> {
  const p = periods(period);
  const executor = database.db;
  const group = await resolvePeerGroup(executor, merchant.id, p.window);
  const ids = group.level === null ? [merchant.id] : group.memberIds;
  const peerIds = ids.filter((id) => id !== merchant.id);
  const figures = await memberFigures(executor, ids, p);
  const report: CompetitorReport = {
    merchant: { slug: merchant.slug, currency: merchant.currency },
    period: p.period,
    grain: p.grain,
    previousPeriod: p.prev,
    yearAgoPeriod: p.yearAgo,
    retention: p.retention,
    peerGroup: peerGroupInfo(group),
    benchmarks: benchmarks(merchant.id, figures, group),
    index: WITHHELD_GROUP(group),
    correlation: WITHHELD_GROUP(group),
    crossShopping: WITHHELD_GROUP(group),
    shareOfWallet: WITHHELD_GROUP(group),
    switching: WITHHELD_GROUP(group),
  };
  if (group.level === null) return report;
  const daily = await dailyNet(executor, ids, p.window);
  report.index = buildRevenueIndex(merchant.id, peerIds, daily, await monthlyCustomers(executor, peerIds, p.window), p.window);
  report.correlation = weeklyCorrelation(merchant.id, daily, p.window);
  const rows = await categoryRows(executor, merchant.id, ids, { period: p.period, prev: p.prev, window: p.window });
  report.crossShopping = crossShopping(rows, figures.get(merchant.id)!.customers);
  report.shareOfWallet = { released: true, value: shareOfWallet(rows, merchant.id, p.window) };
  report.switching = { released: true, value: guardSwitching(switchingFromRows(rows), p.prev, p.period) };
  return report;
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
  const p = periods(period);
  const db = database ?? (await getDatabase());
  const group = await resolvePeerGroup(db.db, merchantId, p.window);
  if (group.level === null) return { period: p.period, grain: p.grain, peerGroup: peerGroupInfo(group), index: WITHHELD_GROUP(group) };
  const peerIds = group.memberIds.filter((id) => id !== merchantId);
  const daily = await dailyNet(db.db, group.memberIds, p.window);
  const index = buildRevenueIndex(merchantId, peerIds, daily, await monthlyCustomers(db.db, peerIds, p.window), p.window);
  return { period: p.period, grain: p.grain, peerGroup: peerGroupInfo(group), index };
}
