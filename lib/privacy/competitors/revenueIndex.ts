import { epochDay } from "@/lib/days";
import { releaseMagnitude } from "../disclosure";
import { checkCell, checkGroup, type Guarded } from "../guard";
import type { PeerGroup } from "../peerGroups";
import { fullWeekStarts, monthStarts, type DayPeriod } from "../periods";
import type { DailyRow } from "./members.internal";
import type { IndexPoint, RevenueCorrelation, RevenueIndex } from "./types";

/*
 * The revenue index and the weekly correlation over the reference window (docs/competitors.md,
 * "Revenue index"): the merchant's net revenue against the peers' aggregate, each month's peer
 * figure released by the guard. Pure post-processing of the members' daily rows.
 */

/**
 * The monthly revenue index of the merchant and of its whole peer group over the window (pure
 * post-processing of daily rows; exported for tests). The group's figure of a month is the net
 * revenue summed over every member (the merchant included), so it is the same for every member
 * who asks; it is released when the positive contributions pass the symmetric group rule
 * (checkGroup: at least MIN_PEERS others for each, none above 25 % in any member's frame) and at
 * least one member had ≥ MIN_CELL_CUSTOMERS customers that month, then with keyed bounded noise
 * (lib/privacy/disclosure.ts; key: the group, the month, "index.total"). Both indices are 100 at
 * the first month where both revenues are positive and the group's is released; indices are
 * rounded to 0.1.
 */
export function buildRevenueIndex(
  selfId: number,
  group: Pick<PeerGroup, "memberIds" | "releaseKey">,
  daily: readonly DailyRow[],
  customersByMerchantMonth: Map<string, number>,
  window: DayPeriod,
): Guarded<RevenueIndex> {
  const months = monthStarts(window);
  const own = new Map<string, number>();
  const perMember = new Map<string, Map<number, number>>();
  for (const m of months) perMember.set(m, new Map(group.memberIds.map((id) => [id, 0])));
  for (const r of daily) {
    const month = `${String(r.day).slice(0, 7)}-01`;
    const id = Number(r.merchant_id);
    if (id === selfId) own.set(month, (own.get(month) ?? 0) + Number(r.net));
    perMember.get(month)?.set(id, (perMember.get(month)!.get(id) ?? 0) + Number(r.net));
  }
  const raw = months.map((month) => {
    const contributions = [...perMember.get(month)!.values()];
    let withheld = checkGroup(contributions.filter((c) => c > 0)).withheld;
    if (!withheld) {
      const maxCustomers = Math.max(0, ...group.memberIds.map((id) => customersByMerchantMonth.get(`${id}|${month}`) ?? 0));
      withheld = checkCell(maxCustomers);
    }
    const total = contributions.reduce((s, c) => s + c, 0);
    const released = withheld ? null : releaseMagnitude(total, { group: group.releaseKey, period: month, field: "index.total" });
    return { month, own: own.get(month) ?? 0, peers: released, withheld };
  });
  const base = raw.find((p) => p.own > 0 && p.peers !== null && p.peers > 0);
  if (!base) {
    const firstWithheld = raw.find((p) => p.withheld)?.withheld;
    return { released: false, withheld: firstWithheld ?? { rule: "min_peers", peers: 0 } };
  }
  const points: IndexPoint[] = raw.map((p) => {
    const started = p.month >= base.month;
    return {
      month: p.month,
      merchant: started ? round1((100 * p.own) / base.own) : null,
      peers: started && p.peers !== null ? round1((100 * p.peers) / base.peers!) : null,
      withheld: p.withheld,
    };
  });
  return { released: true, value: { baseMonth: base.month, points } };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Pearson's correlation coefficient r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²) (Pearson 1895);
 * null with fewer than 3 pairs or a constant series.
 */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error("pearson: series of different lengths");
  const n = x.length;
  if (n < 3) return null;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** The minimum number of full weeks behind a released correlation. */
const MIN_CORRELATION_WEEKS = 8;

/**
 * Pearson's r between the merchant's weekly net revenue and the other members' aggregate over
 * the ISO weeks (Monday start) wholly inside `window`, rounded to 2 decimals (one number over at
 * least 8 weeks and 5 peers: it bounds no competitor's value); withheld (`min_customers`) with
 * fewer than MIN_CORRELATION_WEEKS weeks or a constant series. Pure.
 */
export function weeklyCorrelation(selfId: number, daily: readonly DailyRow[], window: DayPeriod): Guarded<RevenueCorrelation> {
  const weeks = fullWeekStarts(window);
  // Days since 1970-01-01 (a Thursday): the ISO week's Monday is day − (day + 3) mod 7.
  const index = new Map(weeks.map((w, i) => [epochDay(w), i]));
  const own = weeks.map(() => 0);
  const peers = weeks.map(() => 0);
  // Each member's rows repeat the same days: each day is parsed once (−1: outside the weeks).
  const weekOf = new Map<string, number>();
  for (const r of daily) {
    const text = String(r.day);
    let i = weekOf.get(text);
    if (i === undefined) {
      const day = epochDay(text);
      weekOf.set(text, (i = index.get(day - ((((day + 3) % 7) + 7) % 7)) ?? -1));
    }
    if (i < 0) continue;
    if (Number(r.merchant_id) === selfId) own[i] += Number(r.net);
    else peers[i] += Number(r.net);
  }
  const r = weeks.length >= MIN_CORRELATION_WEEKS ? pearson(own, peers) : null;
  if (r === null) return { released: false, withheld: { rule: "min_customers", peers: 0 } };
  return { released: true, value: { r: Math.round(r * 100) / 100, weeks: weeks.length } };
}
