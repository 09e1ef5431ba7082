import type { Database } from "@/db/client";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { getRfmSummary, type CustomerRfm, type RfmTimeUnit } from "@/lib/analytics/getRfmSummary";
import { addDays } from "@/lib/days";
import type { MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { segmentFingerprint, type PooledTraining } from "./pooledTraining";
import { segmentRowCache } from "./segmentCache";
import { poolSegmentRows } from "./segmentPool";

/*
 * The customer-value job's segment pool (issue 17; wall 2 of ARCHITECTURE.md: lib/privacy owns
 * every cross-merchant read). Until issue 17's last review lib/jobs/clv.ts read each peer's RFM
 * summary itself, holding the peer's identity; now it asks here and gets anonymous rows only.
 */

/**
 * The segment's pooled RFM rows for a merchant whose own MBG/NBD + Gamma-Gamma fit failed
 * (poolSegmentRows' rules 1–3): each segment member's RFM summary (getRfmSummary, in the member's
 * own read-only scope, with the asker's calibration end and time unit), read once per segment data
 * version through the worker's segment cache. A member whose data end before `asOf` gives no rows
 * (its customers would look lapsed).
 *
 * @param merchant the asker; its members must have a purchase in [asOf − 365 days, asOf)
 * @param read.asOf the run's as-of day (exclusive); read.calibrationEnd asOf − 1 day; read.timeUnit "week" or "day"
 * @param own the asker's own RFM rows (one set)
 * @returns as poolSegmentRows, one set: peer customer ids anonymised (−1, −2, …)
 * @throws Error for an unknown merchant, and whatever the reads throw
 */
export async function poolSegmentRfmRows(
  database: Database,
  merchant: MerchantRef,
  read: { asOf: string; calibrationEnd: string; timeUnit: RfmTimeUnit },
  own: readonly CustomerRfm[],
): Promise<PooledTraining<CustomerRfm>> {
  const { asOf, calibrationEnd, timeUnit } = read;
  const version = await segmentFingerprint(database, merchant.id);
  const readPeer = (peer: MerchantRef): Promise<CustomerRfm[][]> =>
    segmentRowCache.get(version.group, version.fingerprint, `clv|${peer.id}|${asOf}|${timeUnit}`, () =>
      withMerchantScope(database, peer.id, async (tx) => {
        const ctx = { tx, merchant: peer };
        const { lastDay } = await getDataRange(ctx);
        if (lastDay === null || addDays(lastDay, 1) < asOf) return [[]];
        return [await getRfmSummary(ctx, { calibrationEnd, timeUnit })];
      }),
    );
  return poolSegmentRows(database, merchant, { from: addDays(asOf, -365), to: asOf }, [own], readPeer);
}
