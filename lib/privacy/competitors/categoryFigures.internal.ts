import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "@/db/client";
import { monthStarts, type DayPeriod } from "../periods";
import { between, inList } from "./sql.internal";
import { switchSide, type SwitchingCounts, type SwitchSide } from "./switching";

/*
 * The customer-category figures before the guard (docs/competitors.md, "Cross-shopping", "Share
 * of wallet", "Switching"): the merchant's customers' purchases at every member of its peer
 * group, loaded once (loadCategoryBase) and folded by one pure pass per request
 * (categoryFigures; docs/adr/0007 "One computation"). NOT GUARDED: per-peer counts and spend of
 * the merchant's customers. Internal to lib/privacy (*.internal.ts); released only through
 * ./categoryFigures.ts and ./switching.ts.
 */

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
    // The merchant's customers first, on their own (on Citus: one shard, then joined to every
    // member's shards; a join of two distributed tables off merchant_id is not planned).
    sql`with mine as materialized (
          select customer_id, first_purchase_day from merchant_customers where merchant_id = ${selfId}
        )
        select d.customer_id, d.merchant_id, to_char(date_trunc('month', d.day::timestamp), 'YYYY-MM-DD') as month,
          sum(d.gross_sales_minor)::bigint as spend, sum(d.purchases)::bigint as n,
          coalesce(sum(d.gross_sales_minor) filter (where d.day >= mc.first_purchase_day), 0)::bigint as since
        from merchant_customer_daily d
        join mine mc on mc.customer_id = d.customer_id
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

/**
 * The category rows of a whole MCC group over whole months, loaded once for all its members
 * (the model jobs of a group's members share one read; issue 17's job time): every customer's
 * purchases at each member, folded by month, except in the months when the customer first bought
 * at some member — there by day, so each member's `since` (spend on or after the customer's first
 * purchase there) can be cut exactly. Columnar, rows sorted by customer, then member, month, day.
 * Memory: about 24 bytes a row (a group of 23 grocers, 1.24 M customer-days over three years:
 * ≈ 0.6 M month rows and 0.3 M day rows). NOT GUARDED: internal to lib/privacy.
 */
export interface GroupCategoryRows {
  /** The group's members (any peer group of a member is a subset). */
  memberIds: readonly number[];
  /** The months loaded, [from, to) (whole months). */
  range: DayPeriod;
  /** Customer id → [first row, end row) of its rows. */
  spans: Map<number, [number, number]>;
  member: Int32Array;
  /** Month number (year × 12 + month − 1). */
  month: Int32Array;
  /** Day of the month for a day row; 0 for a row that is the whole month's. */
  dayOfMonth: Uint8Array;
  /** Gross sales of the row's purchase days (minor units). */
  spend: Float64Array;
  /** Purchases. */
  purchases: Float64Array;
  /** Member id → its customers (merchant_customers) and their first purchase there as month number × 32 + day (−1 while none). */
  customersOf: Map<number, { ids: Float64Array; firstPurchase: Int32Array }>;
}

/** A day 'YYYY-MM-DD' as month number × 32 + day of month (ordered like the days). */
const dayKey = (day: string) => monthNumber(day) * 32 + Number(day.slice(8, 10));

/**
 * Loads {@link GroupCategoryRows} for the members `memberIds` over the whole months of `range`:
 * two queries (the members' merchant_customers; merchant_customer_daily's purchase days folded
 * by customer × member × month, kept by day in the (customer, month) pairs that hold some
 * member's first purchase of the customer). NOT GUARDED.
 * @throws Error on an empty or invalid member list (inList)
 */
export async function loadGroupCategoryRows(executor: Executor, memberIds: readonly number[], range: DayPeriod): Promise<GroupCategoryRows> {
  const members = inList(memberIds);
  const customerRows = await queryRows<{ merchant_id: number; customer_id: number; first_purchase_day: string | null }>(
    executor,
    sql`select merchant_id, customer_id, first_purchase_day::text as first_purchase_day
        from merchant_customers where merchant_id in (${members}) order by merchant_id`,
  );
  const customersOf = new Map<number, { ids: Float64Array; firstPurchase: Int32Array }>();
  for (let i = 0; i < customerRows.length; ) {
    const id = Number(customerRows[i].merchant_id);
    let j = i;
    while (j < customerRows.length && Number(customerRows[j].merchant_id) === id) j++;
    const ids = new Float64Array(j - i);
    const firstPurchase = new Int32Array(j - i);
    for (let k = i; k < j; k++) {
      ids[k - i] = Number(customerRows[k].customer_id);
      const day = customerRows[k].first_purchase_day;
      firstPurchase[k - i] = day === null ? -1 : dayKey(String(day));
    }
    customersOf.set(id, { ids, firstPurchase });
    i = j;
  }
  const rows = await queryRows<{ customer_id: number; merchant_id: number; month: number; dom: number; spend: number; n: number }>(
    executor,
    // The (customer, month) pairs holding a first purchase at some member are kept by day; on
    // Citus the materialized list is an intermediate result joined to each member's shard.
    sql`with first_months as materialized (
          select distinct customer_id, date_trunc('month', first_purchase_day::timestamp) as month
          from merchant_customers
          where merchant_id in (${members}) and ${between(sql`first_purchase_day`, range)}
        )
        select d.customer_id, d.merchant_id,
          (extract(year from d.day)::int * 12 + extract(month from d.day)::int - 1) as month,
          case when f.customer_id is null then 0 else extract(day from d.day)::int end as dom,
          sum(d.gross_sales_minor)::bigint as spend, sum(d.purchases)::bigint as n
        from merchant_customer_daily d
        left join first_months f on f.customer_id = d.customer_id and f.month = date_trunc('month', d.day::timestamp)
        where d.merchant_id in (${members}) and ${between(sql`d.day`, range)} and d.purchases > 0
        group by 1, 2, 3, 4
        order by 1, 2, 3, 4`,
  );
  const n = rows.length;
  const out: GroupCategoryRows = {
    memberIds: [...memberIds],
    range: { ...range },
    spans: new Map(),
    member: new Int32Array(n),
    month: new Int32Array(n),
    dayOfMonth: new Uint8Array(n),
    spend: new Float64Array(n),
    purchases: new Float64Array(n),
    customersOf,
  };
  let start = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    out.member[i] = Number(r.merchant_id);
    out.month[i] = Number(r.month);
    out.dayOfMonth[i] = Number(r.dom);
    out.spend[i] = Number(r.spend);
    out.purchases[i] = Number(r.n);
    if (i + 1 === n || Number(rows[i + 1].customer_id) !== Number(r.customer_id)) {
      out.spans.set(Number(r.customer_id), [start, i + 1]);
      start = i + 1;
    }
  }
  return out;
}

/**
 * The {@link CategoryBase} of member `selfId` cut from its group's rows: the same figures as
 * `loadCategoryBase(executor, selfId, ids, group.range)` for any `ids` within the group's members
 * (categoryFigures counts only the requested members, so the group's others change nothing).
 * Pure; pinned by tests/integration/privacy-competitors-synthetic.test.ts.
 * @throws Error when `selfId` is not a member of the group
 */
export function categoryBaseOf(group: GroupCategoryRows, selfId: number): CategoryBase {
  if (!group.memberIds.includes(selfId)) throw new Error(`categoryBaseOf: merchant ${selfId} is not a member of the loaded group`);
  const customers = group.customersOf.get(selfId);
  const byMonth = new Map<number, CategoryCell[]>();
  let customerCount = 0;
  for (let c = 0; customers && c < customers.ids.length; c++) {
    const span = group.spans.get(customers.ids[c]);
    if (!span) continue;
    const customer = customerCount++;
    const first = customers.firstPurchase[c];
    const firstMonth = first < 0 ? Infinity : Math.floor(first / 32);
    let cell: CategoryCell | null = null;
    let cellMonth = -1;
    for (let i = span[0]; i < span[1]; i++) {
      const month = group.month[i];
      const member = group.member[i];
      const spend = group.spend[i];
      // Spend on or after the first purchase here: all of a later month, none of an earlier one,
      // and in the first month (kept by day) the days from it on.
      const since = month > firstMonth ? spend : month < firstMonth ? 0 : month * 32 + group.dayOfMonth[i] >= first ? spend : 0;
      if (cell && cell.member === member && cellMonth === month) {
        cell.spend += spend;
        cell.n += group.purchases[i];
        cell.since += since;
        continue;
      }
      cell = { customer, member, spend, n: group.purchases[i], since };
      cellMonth = month;
      let cells = byMonth.get(month);
      if (!cells) byMonth.set(month, (cells = []));
      cells.push(cell);
    }
  }
  return { selfId, range: { ...group.range }, customerCount, byMonth, shareOfWalletCache: new Map() };
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
  // The members' cells of a period's months, gathered once per period into a plain array: the
  // passes below read each period two or three times (a generator here was a fifth of the
  // Competitors job's own CPU time, docs/performance.md).
  const cellsOf = (p: DayPeriod): CategoryCell[] => {
    const out: CategoryCell[] = [];
    for (let m = monthNumber(p.from); m < monthNumber(p.to); m++) {
      for (const c of base.byMonth.get(m) ?? []) if (ids.has(c.member)) out.push(c);
    }
    return out;
  };
  const prevCells = cellsOf(w.prev);
  const periodCells = cellsOf(w.period);

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
  for (const c of prevCells) {
    touch(c.customer);
    if (c.member === self) sums.here0[c.customer] += c.spend;
    else sums.peers0[c.customer] += c.spend;
    sums.n0[c.customer] += c.n;
  }
  for (const c of periodCells) {
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
  for (const c of periodCells) {
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
  // Per customer index: 1 moved spend out to peers, 2 moved it in from them, 0 neither.
  const sideOf = new Uint8Array(n);
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
    if (side === "out") sideOf[c] = 1;
    else if (side === "in") sideOf[c] = 2;
  }
  const peerSpend: Record<"out" | "in", Map<number, number>> = { out: new Map(), in: new Map() };
  for (const c of periodCells) if (c.member !== self && sideOf[c.customer] === 1) add(peerSpend.out, c.member, c.spend);
  for (const c of prevCells) if (c.member !== self && sideOf[c.customer] === 2) add(peerSpend.in, c.member, c.spend);
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
