import type { Database } from "@/db/client";
import type { ChurnFeatureDays } from "@/lib/analytics/churnFeaturesFromDays";
import { getChurnFeatureDays } from "@/lib/analytics/getChurnFeatureDays";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { addDays } from "@/lib/days";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { getCategorySpendByCustomer, type SpendWindow } from "./categorySpend";
import type { PooledTraining, SegmentVersion } from "./pooledTraining";
import { poolSegmentRows } from "./segmentPool";
import { segmentRowCache } from "./segmentCache";

/*
 * The reads of segment members' customer rows for the churn and switching pools (wall 2 of
 * ARCHITECTURE.md: lib/privacy owns every cross-merchant read). Until issue 17's review the jobs
 * (lib/jobs/churn.ts, lib/jobs/switching.ts) opened each peer's scope themselves and handed the
 * rows to poolSegmentRows; now they never hold a peer's identity: they give a `shape` that turns
 * one peer's data (its customer-day rows and a handle on its category spend, read here in the
 * peer's own read-only scope) into feature rows, and poolSegmentRows caps and anonymises those as
 * before. `.dependency-cruiser.cjs` (rule `peer-reads-in-privacy`) fails any import of the
 * customer-day reader outside lib/privacy. The figures are those of before, to the bit
 * (tests/integration/jobs-pooled.test.ts, jobs-switching.test.ts, privacy-attacks.test.ts).
 */

/**
 * A segment member's customer-day rows over [asOf − spanDays, asOf) (getChurnFeatureDays, in that
 * merchant's own read-only scope), read once per segment data version and as-of day through the
 * worker's segment cache (./segmentCache.ts), for the churn features of any cutoff of that span
 * (lib/analytics/churnFeaturesFromDays.ts, the rows of getChurnFeatures to the bit): the churn
 * and the switching jobs of every member share them, the member's own jobs included. Null when
 * the merchant's data end before asOf (as a peer its label windows would be incomplete: it gives
 * no rows; its own jobs then query the features directly).
 *
 * @param version the segment's data version (segmentFingerprint), the cache's key
 * @param spanDays days of rows before asOf (the churn job's lookback before its earliest cutoff)
 */
export function readChurnDays(database: Database, version: SegmentVersion, merchant: MerchantRef, asOf: string, spanDays: number): Promise<ChurnFeatureDays | null> {
  return segmentRowCache.get(
    version.group,
    version.fingerprint,
    `churnDays|${merchant.id}|${asOf}`,
    () =>
      withMerchantScope(database, merchant.id, async (tx) => {
        const ctx = { tx, merchant };
        const { lastDay } = await getDataRange(ctx);
        if (lastDay === null || addDays(lastDay, 1) < asOf) return null;
        return getChurnFeatureDays(ctx, { from: addDays(asOf, -spanDays), to: asOf });
      }),
    (d) => d?.day.length ?? 0,
  );
}

/** One peer's data as this module hands it to a pool's `shape`: no identity, only its rows. */
export interface PeerChurnData {
  /** The peer's customer-day rows (see {@link readChurnDays}); null when its data end before asOf. */
  days: ChurnFeatureDays | null;
  /** The peer's customers' category spend in `windows` over `span` (getCategorySpendByCustomer for the peer). */
  spend(windows: SpendWindow[], span: { from: string; to: string }): ReturnType<typeof getCategorySpendByCustomer>;
}

/**
 * The segment's pooled rows for the churn or switching job (poolSegmentRows' rules 1–3: segment,
 * share cap, anonymous peers): each candidate peer's data read here, turned into rows by `shape`.
 *
 * @param merchant the asker
 * @param read.asOf the as-of day; read.spanDays the days of customer-day rows before it; read.window [from, to) a member must have had a purchase in
 * @param own the asker's own rows, one array per set
 * @param shape one peer's rows, one array per set, from its data (called once per candidate peer)
 * @param cache where shaped rows are kept: `map` (a caller's map, keyed "<peer id>|<mapKey>"; tests
 *        re-reading a pool), else the process's segment cache under "<processKey>|<peer id>|<asOf>"
 *        when `processKey` is given, else nowhere (the customer-day rows are cached anyway)
 * @returns as poolSegmentRows
 * @throws as poolSegmentRows and the reads
 */
export function poolSegmentChurnRows<R extends { customerId: number }>(
  database: Database,
  merchant: MerchantRef,
  version: SegmentVersion,
  read: { asOf: string; spanDays: number; window: { from: string; to: string } },
  own: readonly (readonly R[])[],
  shape: (peer: PeerChurnData) => Promise<R[][]>,
  cache: { map?: Map<string, R[][]>; mapKey: string; processKey?: string },
): Promise<PooledTraining<R>> {
  const { asOf, spanDays, window } = read;
  const readPeerRows = async (peer: MerchantRef): Promise<R[][]> =>
    shape({
      days: await readChurnDays(database, version, peer, asOf, spanDays),
      spend: (windows, span) => getCategorySpendByCustomer(database, peer.id, windows, { span }),
    });
  const readPeer = async (peer: MerchantRef): Promise<R[][]> => {
    if (cache.map) {
      const key = `${peer.id}|${cache.mapKey}`;
      const cached = cache.map.get(key);
      if (cached) return cached;
      const out = await readPeerRows(peer);
      cache.map.set(key, out);
      return out;
    }
    if (cache.processKey !== undefined) return segmentRowCache.get(version.group, version.fingerprint, `${cache.processKey}|${peer.id}|${asOf}`, () => readPeerRows(peer));
    return readPeerRows(peer);
  };
  return poolSegmentRows(database, merchant, window, own, readPeer);
}
