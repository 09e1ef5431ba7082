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
 * @throws Error on an unknown merchant, a malformed window or too many windows
 */
export async function getCategorySpendByCustomer(
  database: Database,
  merchantId: number,
  windows: readonly SpendWindow[],
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
