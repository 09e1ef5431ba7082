import type { Database } from "@/db/client";
import { addMonthsToMonthStart, daysIn, monthStart } from "@/lib/days";
import type { MerchantRef } from "@/lib/tenancy/context";
import type { PeerIndexInput } from "@/lib/findings/types";
import { getPeerRevenueIndex, type PeerRevenueIndex } from "@/lib/privacy/competitors";

/*
 * The findings job's market input: the merchant's peer revenue index as lib/privacy releases it
 * (docs/competitors.md, ADR 0006), turned into the daily step series the market-effect split
 * (lib/findings/market.ts) averages over its comparison windows.
 */

/**
 * Converts a released monthly peer index to a daily step series: every day of a month carries
 * that month's index (100 = base month), so a window's mean index weights each month by its days
 * inside the window. Months whose peer figure is withheld (null) contribute no days.
 *
 * @returns `{ released: true, series: [{ date: 'YYYY-MM-DD', index }] }`, or the withheld rule
 *          and its figures in words (`{ released: false, reason }`)
 */
function peerIndexInput(index: PeerRevenueIndex): PeerIndexInput {
  if (!index.index.released) {
    const w = index.index.withheld;
    return { released: false, reason: `peer index withheld (${w.rule}: ${w.peers} peers)` };
  }
  const series: Array<{ date: string; index: number }> = [];
  for (const p of index.index.value.points) {
    if (p.peers === null) continue;
    for (const date of daysIn({ from: p.month, to: addMonthsToMonthStart(p.month, 1) })) series.push({ date, index: p.peers });
  }
  return { released: true, series };
}

/**
 * The peer index for a findings run as of `asOf` (exclusive): the 12 months ending with the last
 * complete calendar month before `asOf` (the month grain's fixed peer group, so repeated runs
 * cannot be differenced). The findings' current 28-day window may reach into the incomplete
 * month; those days have no index and the market split averages over the covered days only.
 *
 * @param database the owner connection (lib/privacy reads the peers there)
 * @throws Error for an unknown merchant (from lib/privacy)
 */
export async function loadPeerIndexInput(database: Database, merchant: MerchantRef, asOf: string): Promise<PeerIndexInput> {
  const to = monthStart(asOf);
  return peerIndexInput(await getPeerRevenueIndex(merchant.id, { from: addMonthsToMonthStart(to, -1), to }, database));
}
