import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import type { MerchantRef } from "@/lib/tenancy/context";
import { guardsRemovedForAttackDemo } from "./disclosure";
import { mccGroup } from "./peerGroups";
import { MAX_POOL_SHARE, MIN_POOL_MERCHANTS, poolWaterLevel, subsampleRows, type PoolLevel, type PooledRow, type PooledTraining } from "./pooledTraining";

/*
 * The pool itself (rules 1–3 of ./pooledTraining.ts). Its reader callback is handed each peer's
 * identity, so only lib/privacy may call it (`.dependency-cruiser.cjs`, rule
 * `peer-pool-in-privacy`): the jobs ask for a pool through ./churnDays.ts (churn, switching),
 * ./clvRows.ts (customer value) and ./offerUnits.ts (win-back uplift), which read each peer's rows
 * in that peer's own scope and never return an identity.
 */

/**
 * Pools rows of every merchant of the asker's segment under rules 1–3 above.
 *
 * @param database the owner connection (members' rows are read in their own scopes by `read`)
 * @param merchant the asker
 * @param window [from, to) local days: a member must have had a purchase in it
 * @param own the asker's own rows, one array per set (e.g. the training and the validation cutoff)
 * @param read reads one peer's rows, one array per set, in the same shape (the caller's feature
 *        query in that merchant's read-only scope); called once per candidate peer
 * @returns the pooled sets, each capped per rule 2, peer customer ids anonymised (−1, −2, …), or
 *          why nothing is pooled ("fewer than 5 merchants in the segment")
 * @throws Error on a malformed window or an unknown merchant
 */
export async function poolSegmentRows<R extends { customerId: number }>(
  database: Database,
  merchant: MerchantRef,
  window: { from: string; to: string },
  own: readonly (readonly R[])[],
  read: (peer: MerchantRef) => Promise<R[][]>,
): Promise<PooledTraining<R>> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(window.from) || !/^\d{4}-\d{2}-\d{2}$/.test(window.to) || !(window.from < window.to)) {
    throw new Error(`poolSegmentRows: invalid window ${JSON.stringify(window)}`);
  }
  const [self] = await queryRows<{ mcc: string; country: string }>(database.db, sql`select mcc, country from merchants where id = ${merchant.id}`);
  if (!self) throw new Error(`poolSegmentRows: unknown merchant ${merchant.id}`);
  const group = mccGroup(self.mcc);
  const candidates = await queryRows<MerchantRef & { mccMatch: boolean }>(
    database.db,
    sql`select m.id, m.slug, m.name, m.mcc, m.currency, m.time_zone as "timeZone", (m.mcc = ${self.mcc}) as "mccMatch"
        from merchants m
        where substr(m.mcc, 1, 2) = ${group} and m.country = ${self.country} and m.id <> ${merchant.id}
          -- IN, not a correlated EXISTS: Citus plans no correlated subquery over a distributed table
          -- from a reference table (docs/adr/0021-citus.md); PostgreSQL makes the same semi-join of both
          and m.id in (select d.merchant_id from merchant_daily d where d.day >= ${window.from}::date and d.day < ${window.to}::date and d.purchases > 0)
        order by m.id`,
  );
  const minMerchants = guardsRemovedForAttackDemo() ? 2 : MIN_POOL_MERCHANTS;
  const share = guardsRemovedForAttackDemo() ? 1 : MAX_POOL_SHARE;
  const sets = own.length;
  const contributes = (rows: readonly (readonly R[])[]) => rows.some((s) => s.length > 0);

  // Rule 1: the MCC first, the MCC group when the MCC alone has too few contributing merchants.
  const readPeers = new Map<number, R[][]>();
  const members = async (peers: readonly MerchantRef[]) => {
    for (const p of peers) {
      if (!readPeers.has(p.id)) {
        const rows = await read(p);
        if (rows.length !== sets) throw new Error(`poolSegmentRows: the reader returned ${rows.length} sets, expected ${sets}`);
        readPeers.set(p.id, rows);
      }
    }
    return peers.map((p) => readPeers.get(p.id)!).filter(contributes);
  };
  const ownCounts = contributes(own) ? 1 : 0;
  const strip = (r: MerchantRef & { mccMatch: boolean }): MerchantRef => ({ id: Number(r.id), slug: r.slug, name: r.name, mcc: r.mcc, currency: r.currency, timeZone: r.timeZone });
  let level: PoolLevel = "mcc";
  let peerRows = await members(candidates.filter((c) => c.mccMatch).map(strip));
  if (peerRows.length + ownCounts < minMerchants && candidates.some((c) => !c.mccMatch)) {
    level = "mccGroup";
    peerRows = await members(candidates.map(strip));
  }
  const merchants = peerRows.length + ownCounts;
  if (merchants < minMerchants) {
    return { available: false, merchants, reason: `fewer than ${MIN_POOL_MERCHANTS} merchants in the segment` };
  }

  // Rule 2 per set; rule 3: peer ids anonymised, members in a fixed order (by id).
  const out: PooledRow<R>[][] = [];
  for (let s = 0; s < sets; s++) {
    const contributions = [own[s], ...peerRows.map((p) => p[s])];
    const levelRows = poolWaterLevel(contributions.map((c) => c.length), share);
    if (levelRows === 0) return { available: false, merchants, reason: `no merchant may contribute more than ${Math.round(MAX_POOL_SHARE * 100)} % of the rows` };
    let anonymous = 0;
    const set: PooledRow<R>[] = subsampleRows(own[s], levelRows).map((r) => ({ ...r, own: true }));
    for (const rows of contributions.slice(1)) {
      for (const r of subsampleRows(rows, levelRows)) set.push({ ...r, customerId: -++anonymous, own: false });
    }
    out.push(set);
  }
  return { available: true, level, merchants, sets: out };
}
