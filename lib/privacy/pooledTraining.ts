import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import type { MerchantRef } from "@/lib/tenancy/context";
import { guardsRemovedForAttackDemo } from "./disclosure";
import { mccGroup } from "./peerGroups";

/*
 * Pooled training sets (issue 17, docs/adr/0019-pooled-models.md): the rows a segment model is
 * trained on, drawn from the customers of every merchant of the merchant's MCC segment. Wall 2 of
 * ARCHITECTURE.md: this is the only road by which another merchant's customers reach a model, and
 * it releases rows to the training code only, never to a page. Its rules:
 *
 * 1. Segment: the merchants of the same MCC (and country) with a purchase in the window; when
 *    fewer than MIN_POOL_MERCHANTS of them contribute rows, the MCC group (first two digits,
 *    "59xx"), as lib/privacy/peerGroups.ts widens. Below MIN_POOL_MERCHANTS contributing
 *    merchants (the asker included) at both levels, nothing is pooled.
 * 2. No merchant above MAX_POOL_SHARE of each training set's rows, the asker included: larger
 *    contributions are cut down deterministically (smallest multiplicative hash of the customer
 *    id first, the same rows whoever asks) to the water level L with L = MAX_POOL_SHARE × Σ min(nᵢ, L).
 *    A model trained on the pool cannot then be mostly one peer's customers.
 * 3. Peer rows leave this module anonymous: their customer ids are replaced by −1, −2, …, and
 *    the caller gets no member id, no per-merchant count and no pool size; only `merchants` (how
 *    many contributed, as the Competitors page already says) and the level. The caller must store
 *    only figures computed on the asker's own customers (docs/models/churn-model.md, "Pooled").
 */

/** The fewest merchants (the asker included) whose customers a pooled training set covers. */
export const MIN_POOL_MERCHANTS = 5;
/** The largest share of a pooled training set's rows one merchant may contribute (0.25 = 25 %). */
export const MAX_POOL_SHARE = 0.25;

/** The segment level a pool was drawn from. */
export type PoolLevel = "mcc" | "mccGroup";

/** A pooled row: the reader's row, with `own` true for the asker's customers. */
export type PooledRow<R> = R & { own: boolean };

/** The pooled sets (one per requested set, in order), or why nothing is pooled. */
export type PooledTraining<R> =
  | { available: true; level: PoolLevel; merchants: number; sets: PooledRow<R>[][] }
  | { available: false; merchants: number; reason: string };

/** A segment's data version: see {@link segmentFingerprint}. */
export interface SegmentVersion {
  /** The widest segment a pool may draw from: "<country>|<first two MCC digits>". */
  group: string;
  /** Hex SHA-256 of (id, mcc, rollup_version) of every merchant of the group, by id. */
  fingerprint: string;
}

/**
 * The data version of the widest segment the merchant's pool can draw from (its MCC group and
 * country, rule 1): lib/rollups bumps a merchant's rollup_version in the same transaction as
 * every rollup write, so new data at any member, a member joining or leaving, or a changed MCC
 * changes the fingerprint. Peer rows read for a pool (and the category spend of a peer, which
 * reads its MCC) depend on nothing else, so the worker may reuse them while it holds
 * (./segmentCache.ts). Says nothing about a peer: the hash is kept in the worker's memory.
 *
 * @param database the owner connection
 * @throws Error for an unknown merchant
 */
export async function segmentFingerprint(database: Database, merchantId: number): Promise<SegmentVersion> {
  const [row] = await queryRows<{ group: string | null; fingerprint: string | null }>(
    database.db,
    sql`select s.country || '|' || substr(s.mcc, 1, 2) as "group",
               (select encode(sha256(convert_to(coalesce(json_agg(json_build_array(m.id, m.mcc, m.rollup_version) order by m.id)::text, ''), 'UTF8')), 'hex')
                from merchants m where m.country = s.country and substr(m.mcc, 1, 2) = substr(s.mcc, 1, 2)) as fingerprint
        from merchants s where s.id = ${merchantId}`,
  );
  if (!row?.group || !row.fingerprint) throw new Error(`segmentFingerprint: unknown merchant ${merchantId}`);
  return { group: row.group, fingerprint: row.fingerprint };
}

/** Knuth's multiplicative hash of a customer id (deterministic subsampling order). */
const idHash = (id: number): number => Math.imul(id, 2654435761) >>> 0;

/**
 * The water level L of rule 2: the largest per-merchant row count such that a merchant keeping
 * min(nᵢ, L) rows holds at most `share` of Σ min(nⱼ, L). Needs at least ⌈1/share⌉ merchants with
 * rows; returns 0 when no positive level exists (then nothing can be pooled).
 * @param counts rows per merchant (non-negative integers)
 * @param share the cap in (0, 1]
 */
export function poolWaterLevel(counts: readonly number[], share: number): number {
  if (!(share > 0 && share <= 1)) throw new Error(`poolWaterLevel: share must be in (0, 1], got ${share}`);
  const sorted = counts.filter((c) => c > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  // f(L) = share × Σ min(nᵢ, L) − L is concave with f(0) = 0, so {L : f(L) ≥ 0} is [0, L*].
  // Walk the ranges [n₍ᵢ₋₁₎, n₍ᵢ₎] upwards; in range i the merchants from i on are capped and
  // f(L) ≥ 0 ⇔ L (1 − share k) ≤ share × S_small (k capped, S_small the rows of the others).
  let small = 0;
  for (let i = 0; i < sorted.length; i++) {
    const capped = sorted.length - i;
    const denom = 1 - share * capped;
    if (denom > 0) {
      const bound = (share * small) / denom;
      if (bound < sorted[i]) return Math.floor(bound);
    }
    small += sorted[i];
  }
  return sorted[sorted.length - 1];
}

/** Keeps at most `max` rows, smallest id hash first (deterministic, the same whoever asks). */
function capRows<R extends { customerId: number }>(rows: readonly R[], max: number): R[] {
  if (rows.length <= max) return [...rows];
  const keep = new Set(
    [...rows]
      .sort((a, b) => idHash(a.customerId) - idHash(b.customerId) || a.customerId - b.customerId)
      .slice(0, max)
      .map((r) => r.customerId),
  );
  return rows.filter((r) => keep.has(r.customerId));
}

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
    const set: PooledRow<R>[] = capRows(own[s], levelRows).map((r) => ({ ...r, own: true }));
    for (const rows of contributions.slice(1)) {
      for (const r of capRows(rows, levelRows)) set.push({ ...r, customerId: -++anonymous, own: false });
    }
    out.push(set);
  }
  return { available: true, level, merchants, sets: out };
}
