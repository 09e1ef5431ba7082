import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { isIsoDay } from "@/lib/days";

/*
 * Category spend of a merchant's customers at its competitors (wall 2 of ARCHITECTURE.md: the
 * only code of the churn model that reads other merchants' rows). For each customer of the
 * merchant it sums, per window, what the customer spent here and what they spent at ALL other
 * merchants of the same MCC together, bank-wide. No figure is ever per competitor, and nothing
 * about a customer who never bought here is returned.
 *
 * Guard: the sum is only computed when at least MIN_PEER_MERCHANTS other merchants of the MCC
 * had purchases in the windows; otherwise one customer's "spend at competitors" could be one
 * named competitor's sales to them. Then the result is withheld with a reason, the churn run
 * omits the competitor features and its summary says why.
 *
 * Runs on the bank's (owner) connection: a merchant scope cannot read peers' rows (RLS), by design.
 * The merchant only ever sees the derived per-customer share inside its own model run.
 */

/** The fewest other merchants of the MCC (with purchases in the windows) the sums may cover. */
export const MIN_PEER_MERCHANTS = 5;

/** Spend of one customer, one entry per requested window (same order), gross purchases in minor units. */
interface CustomerCategorySpend {
  /** Gross purchase amount at this merchant. */
  spendHereMinor: number[];
  /** Gross purchase amount at all other merchants of the MCC, summed. */
  spendAtPeersMinor: number[];
  /** Days with a purchase at this merchant. */
  daysHere: number[];
  /** Days with a purchase at any other merchant of the MCC (a day counts once, whatever the number of peers). */
  daysAtPeers: number[];
}

/** The result: the sums, or why they are withheld. */
export type CategorySpendResult =
  | {
      available: true;
      /** Other merchants of the MCC with purchases in the windows (≥ MIN_PEER_MERCHANTS). */
      peerMerchants: number;
      /** Customer id → spend per window; customers of the merchant with no category spend in any window are absent. */
      byCustomer: Map<number, CustomerCategorySpend>;
    }
  | { available: false; peerMerchants: number; reason: string };

const MAX_WINDOWS = 16;

/** A half-open window [from, to) of local days 'YYYY-MM-DD' (the shape of lib/analytics' Period). */
export interface SpendWindow {
  from: string;
  to: string;
}

/**
 * Category spend per customer of `merchantId`, per window: gross purchases (refunds not
 * subtracted, so a share stays in 0..1) at this merchant and at all other merchants of the same
 * MCC together, over each half-open window [from, to) of local days (each merchant's own local
 * days). Customers are those of `merchant_customers` of the merchant; their spend elsewhere
 * counts only at merchants of the same MCC.
 *
 * Withheld (available: false, reason "fewer than 5 peer merchants") when fewer than
 * MIN_PEER_MERCHANTS other merchants of the MCC had a purchase in the union of the windows.
 *
 * Sources: merchants (MCC), merchant_daily (active peers), merchant_customer_daily (the
 * merchant's and its peers' customer-day rollups), merchant_customers (the merchant's customers).
 *
 * @param database the owner connection (never a merchant scope)
 * @param windows  1..16 periods
 * @param opts.span when it covers every window: the sums are taken in memory from the MCC's
 *        purchase days over the span, read once per MCC, span and data version and kept by this
 *        process (the worker's churn jobs ask for every member of a segment at several cutoffs);
 *        the same figures as the query, integer sums
 * @throws Error on an unknown merchant, a malformed window or too many windows
 */
export async function getCategorySpendByCustomer(
  database: Database,
  merchantId: number,
  windows: readonly SpendWindow[],
  opts: { span?: SpendWindow } = {},
): Promise<CategorySpendResult> {
  if (!Number.isInteger(merchantId) || merchantId <= 0) throw new Error(`categorySpend: invalid merchant id ${merchantId}`);
  if (windows.length === 0 || windows.length > MAX_WINDOWS) {
    throw new Error(`categorySpend: between 1 and ${MAX_WINDOWS} windows expected, got ${windows.length}`);
  }
  for (const w of windows) {
    if (!isIsoDay(w?.from) || !isIsoDay(w?.to) || !(w.from < w.to)) throw new Error(`categorySpend: invalid window ${JSON.stringify(w)}`);
  }
  const from = windows.map((w) => w.from).reduce((a, b) => (a < b ? a : b));
  const to = windows.map((w) => w.to).reduce((a, b) => (a > b ? a : b));

  const [merchant] = await queryRows<{ mcc: string }>(database.db, sql`select mcc from merchants where id = ${merchantId}`);
  if (!merchant) throw new Error(`categorySpend: unknown merchant ${merchantId}`);

  // A peer counts when it sold anything inside one of the windows (not merely in their hull).
  const inAnyWindow = (alias: string) =>
    sql.join(
      windows.map((w) => sql`(${sql.raw(alias)}.day >= ${w.from}::date and ${sql.raw(alias)}.day < ${w.to}::date)`),
      sql` or `,
    );
  const [peers] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(distinct md.merchant_id)::int as n
        from merchant_daily md
        join merchants m on m.id = md.merchant_id
        where m.mcc = ${merchant.mcc} and m.id <> ${merchantId} and md.purchases > 0
          and md.day >= ${from}::date and md.day < ${to}::date and (${inAnyWindow("md")})`,
  );
  if (peers.n < MIN_PEER_MERCHANTS) {
    return { available: false, peerMerchants: peers.n, reason: `fewer than ${MIN_PEER_MERCHANTS} peer merchants` };
  }

  if (opts.span && opts.span.from <= from && to <= opts.span.to) {
    return { available: true, peerMerchants: peers.n, byCustomer: await sumsInMemory(database, merchantId, merchant.mcc, windows, opts.span) };
  }

  const columns = sql.join(
    windows.map((w, i) => {
      const inWindow = sql`d.day >= ${w.from}::date and d.day < ${w.to}::date`;
      return sql`coalesce(sum(d.gross_sales_minor) filter (where d.merchant_id = ${merchantId} and ${inWindow}), 0)::bigint as ${sql.raw(`here_${i}`)},
                 coalesce(sum(d.gross_sales_minor) filter (where d.merchant_id <> ${merchantId} and ${inWindow}), 0)::bigint as ${sql.raw(`peers_${i}`)},
                 count(*) filter (where d.merchant_id = ${merchantId} and ${inWindow})::int as ${sql.raw(`days_here_${i}`)},
                 count(distinct d.day) filter (where d.merchant_id <> ${merchantId} and ${inWindow})::int as ${sql.raw(`days_peers_${i}`)}`;
    }),
    sql`, `,
  );
  const rows = await queryRows<Record<string, number>>(
    database.db,
    sql`
      with scope as (
        select id from merchants where mcc = ${merchant.mcc}
      ),
      -- the merchant's customers first, on their own: on Citus one shard's rows, then joined to
      -- every member's shards (a join of two distributed tables off merchant_id is not planned)
      mine as materialized (
        select customer_id from merchant_customers where merchant_id = ${merchantId}
      )
      select d.customer_id, ${columns}
      from merchant_customer_daily d
      join mine mc on mc.customer_id = d.customer_id
      where d.merchant_id in (select id from scope) and d.day >= ${from}::date and d.day < ${to}::date and d.purchases > 0
      group by d.customer_id
      order by d.customer_id`,
  );
  const byCustomer = new Map<number, CustomerCategorySpend>();
  for (const r of rows) {
    const spend: CustomerCategorySpend = { spendHereMinor: [], spendAtPeersMinor: [], daysHere: [], daysAtPeers: [] };
    let any = false;
    windows.forEach((_, i) => {
      const here = Number(r[`here_${i}`]);
      const peer = Number(r[`peers_${i}`]);
      spend.spendHereMinor.push(here);
      spend.spendAtPeersMinor.push(peer);
      spend.daysHere.push(Number(r[`days_here_${i}`]));
      spend.daysAtPeers.push(Number(r[`days_peers_${i}`]));
      if (here > 0 || peer > 0) any = true;
    });
    if (any) byCustomer.set(Number(r.customer_id), spend);
  }
  return { available: true, peerMerchants: peers.n, byCustomer };
}

/** Every purchase customer-day of one MCC's merchants over a span, by customer then day. */
interface MccPurchaseDays {
  /** Customer id → rows [start, end). */
  rowsOf: Map<number, [number, number]>;
  merchant: Int32Array;
  /** Days since 1970-01-01. */
  day: Int32Array;
  gross: Float64Array;
}

/** The MCCs' purchase days this process holds: at most this many (MCC, span, version) sets. */
const MCC_DAYS_KEPT = 6;
const mccDays = new Map<string, Promise<MccPurchaseDays>>();
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/**
 * The purchase customer-days (purchases > 0) of every merchant of `mcc` over `span`, from this
 * process's memory while no merchant of the MCC has new rollups (their rollup_version), else
 * read (merchant_customer_daily on the owner connection). Stays inside lib/privacy: only the
 * per-customer sums of {@link getCategorySpendByCustomer} leave, under its guard.
 */
async function readMccPurchaseDays(database: Database, mcc: string, span: SpendWindow): Promise<MccPurchaseDays> {
  const [v] = await queryRows<{ version: string }>(
    database.db,
    sql`select coalesce(json_agg(json_build_array(id, rollup_version) order by id)::text, '') as version from merchants where mcc = ${mcc}`,
  );
  const key = `${mcc}|${span.from}|${span.to}|${v?.version ?? ""}`;
  let entry = mccDays.get(key);
  if (entry) {
    mccDays.delete(key);
    mccDays.set(key, entry);
    return entry;
  }
  // The same span at an older data version is stale for good.
  for (const k of [...mccDays.keys()]) if (k.startsWith(`${mcc}|${span.from}|${span.to}|`)) mccDays.delete(k);
  entry = (async () => {
    const rows = await queryRows<{ customer_id: number; merchant_id: number; day: number; gross: number }>(
      database.db,
      sql`select d.customer_id, d.merchant_id, (d.day - date '1970-01-01')::int as day, d.gross_sales_minor::bigint as gross
          from merchant_customer_daily d
          where d.merchant_id in (select id from merchants where mcc = ${mcc})
            and d.day >= ${span.from}::date and d.day < ${span.to}::date and d.purchases > 0
          order by d.customer_id, d.day`,
    );
    const out: MccPurchaseDays = { rowsOf: new Map(), merchant: new Int32Array(rows.length), day: new Int32Array(rows.length), gross: new Float64Array(rows.length) };
    let start = 0;
    rows.forEach((r, i) => {
      out.merchant[i] = Number(r.merchant_id);
      out.day[i] = Number(r.day);
      out.gross[i] = Number(r.gross);
      const c = Number(r.customer_id);
      if (i + 1 === rows.length || Number(rows[i + 1].customer_id) !== c) {
        out.rowsOf.set(c, [start, i + 1]);
        start = i + 1;
      }
    });
    return out;
  })();
  mccDays.set(key, entry);
  entry.catch(() => mccDays.delete(key));
  while (mccDays.size > MCC_DAYS_KEPT) mccDays.delete(mccDays.keys().next().value!);
  return entry;
}

/** The per-customer sums of getCategorySpendByCustomer's query, taken in memory (same figures). */
async function sumsInMemory(
  database: Database,
  merchantId: number,
  mcc: string,
  windows: readonly SpendWindow[],
  span: SpendWindow,
): Promise<Map<number, CustomerCategorySpend>> {
  const days = await readMccPurchaseDays(database, mcc, span);
  const mine = await queryRows<{ customer_id: number }>(
    database.db,
    sql`select customer_id from merchant_customers where merchant_id = ${merchantId} order by customer_id`,
  );
  const bounds = windows.map((w) => [dayNumber(w.from), dayNumber(w.to)] as const);
  const byCustomer = new Map<number, CustomerCategorySpend>();
  for (const m of mine) {
    const customerId = Number(m.customer_id);
    const range = days.rowsOf.get(customerId);
    if (!range) continue;
    const here = bounds.map(() => 0);
    const atPeers = bounds.map(() => 0);
    const daysHere = bounds.map(() => 0);
    const daysAtPeers = bounds.map(() => 0);
    // Rows come by day: a peer day is counted once however many peers sold that day.
    const lastPeerDay = bounds.map(() => -Infinity);
    for (let i = range[0]; i < range[1]; i++) {
      const d = days.day[i];
      const own = days.merchant[i] === merchantId;
      for (let w = 0; w < bounds.length; w++) {
        if (d >= bounds[w][0] && d < bounds[w][1]) {
          if (own) {
            here[w] += days.gross[i];
            daysHere[w]++;
          } else {
            atPeers[w] += days.gross[i];
            if (lastPeerDay[w] !== d) {
              daysAtPeers[w]++;
              lastPeerDay[w] = d;
            }
          }
        }
      }
    }
    if (here.some((x) => x > 0) || atPeers.some((x) => x > 0)) byCustomer.set(customerId, { spendHereMinor: here, spendAtPeersMinor: atPeers, daysHere, daysAtPeers });
  }
  return byCustomer;
}
