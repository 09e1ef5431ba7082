import type { Database } from "@/db/client";
import { addDays } from "@/lib/days";
import type { OfferUnit } from "@/lib/offers/measure";
import { loadMeasuredUnits } from "@/lib/offers/units";
import type { MerchantRef } from "@/lib/tenancy/context";
import type { PooledTraining } from "./pooledTraining";
import { poolSegmentRows } from "./segmentPool";

/*
 * The win-back uplift model's segment pool (issue 17; wall 2 of ARCHITECTURE.md: lib/privacy owns
 * every cross-merchant read). Until issue 17's last review lib/offers/winback.ts read each peer's
 * measured offers itself, holding the peer's identity; now it asks here and gets anonymous units.
 */

/**
 * The segment's pooled units of measured offers (poolSegmentRows' rules 1–3: ≥ 5 merchants with
 * units, the asker counted; no merchant above 25 % of the units; peers' customer ids anonymised),
 * each member's units scaled to the reference window (lib/offers/units.ts `loadMeasuredUnits`).
 *
 * @param merchant the asker; members must have a purchase in [asOf − 365 days, asOf)
 * @param asOf the churn run's as-of day
 * @param own the asker's own units (already scaled with the same `ref`)
 * @param ref the reference window and pre-period, days
 * @returns as poolSegmentRows, one set
 * @throws Error for an unknown merchant, and whatever the reads throw
 */
export function poolSegmentOfferUnits(
  database: Database,
  merchant: MerchantRef,
  asOf: string,
  own: readonly OfferUnit[],
  ref: { windowDays: number; preDays: number },
): Promise<PooledTraining<OfferUnit>> {
  return poolSegmentRows(database, merchant, { from: addDays(asOf, -365), to: asOf }, [own], async (peer) => [(await loadMeasuredUnits(database, peer.id, ref)).units]);
}
