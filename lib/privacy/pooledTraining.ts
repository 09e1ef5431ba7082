import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";

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
 * 3. Peer rows leave the pool (./segmentPool.ts) anonymous: their customer ids are replaced by −1, −2, …, and
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

/** Deterministic pseudo-random rank of a customer id (Knuth's multiplicative hash, TAOCP vol. 3 §6.4), for subsampling and folds. */
export function customerIdHash(id: number): number {
  return Math.imul(id | 0, 2654435761) >>> 0;
}

/**
 * Keeps at most `max` rows: those with the smallest customer id hash, ties by id (deterministic,
 * the same customers every run and whoever asks). Rule 2's cut of a large contribution, and the
 * churn job's cap of its training sets.
 */
export function subsampleRows<R extends { customerId: number }>(rows: readonly R[], max: number): R[] {
  if (rows.length <= max) return [...rows];
  const keep = new Set(
    [...rows]
      .sort((a, b) => customerIdHash(a.customerId) - customerIdHash(b.customerId) || a.customerId - b.customerId)
      .slice(0, max)
      .map((r) => r.customerId),
  );
  return rows.filter((r) => keep.has(r.customerId));
}
