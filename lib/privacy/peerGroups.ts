import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "@/db/client";
import { membersFingerprint } from "./disclosure";
import { checkGroup, MIN_PEERS, type PrivacyRule, type Withheld } from "./guard";

/*
 * Peer groups (docs/adr/0006-peer-groups-privacy.md). A merchant's peer group for a reference
 * window W is the set of merchants of its segment with at least one purchase in W, the merchant
 * itself included, at the narrowest level that passes the guard:
 *
 *   1. mcc_region  same MCC, same region
 *   2. mcc_country same MCC, same country (nationwide)
 *   3. mcc_group   same MCC group (the first two digits: 54xx food stores, 58xx eating places,
 *                  59xx miscellaneous retail …), same country
 *
 * The group depends only on the segment and W, never on who asks or on a parameter of the
 * request: every member of a segment gets the same set (checkGroup's rules are symmetric), and
 * W is fixed by the grain-aligned period (referenceWindow). A wider level is used only when it
 * adds at least MIN_PEERS merchants to the narrower one it replaces, so two groups a merchant can
 * ever be shown for one window never differ by fewer than five merchants.
 *
 * The member ids never leave lib/privacy: the public shape (PeerGroupInfo) carries counts only.
 */

/** Widening levels, narrowest first. */
const PEER_LEVELS = ["mcc_region", "mcc_country", "mcc_group"] as const;
type PeerLevel = (typeof PEER_LEVELS)[number];

/** The MCC group of an MCC: its first two digits ("5812" → "58", shown as "58xx"). */
export function mccGroup(mcc: string): string {
  if (!/^\d{4}$/.test(mcc)) throw new Error(`mccGroup: not a 4-digit MCC: ${mcc}`);
  return mcc.slice(0, 2);
}

/** One level tried while widening. */
interface PeerLevelAttempt {
  level: PeerLevel;
  /** Members other than the merchant itself. */
  peers: number;
  passed: boolean;
  /** Why it did not pass ("differencing": it adds fewer than MIN_PEERS merchants to the previous level). */
  rule: PrivacyRule | null;
}

/** What the merchant may know about its peer group. */
export interface PeerGroupInfo {
  /** Reference window [from, to): membership and the group-level rule are measured here. */
  window: { from: string; to: string };
  /** The level used; null when every level failed (everything built from peers is withheld). */
  level: PeerLevel | null;
  mcc: string;
  /** "58" for MCC 5812. */
  mccGroup: string;
  region: string | null;
  country: string;
  /** Peers in the group used (the merchant excluded); at the last level tried when withheld. */
  peers: number;
  /** Every level tried, in order, with its rule and peer count (words and counts, never a share). */
  attempts: PeerLevelAttempt[];
  /** Why the group is withheld; null when a level passed. */
  withheld: Withheld | null;
}

/** Internal: the info plus the member ids (never returned outside lib/privacy). */
export interface PeerGroup extends PeerGroupInfo {
  /** The merchant itself first, then the other members by id. Empty when withheld. */
  memberIds: number[];
  /**
   * The group's identity for the noise key (./disclosure.ts): level, segment, window and a keyed
   * fingerprint of the member set, the same for every member; "" when withheld.
   */
  releaseKey: string;
}

interface Candidate {
  id: number;
  net: number;
  region: string | null;
  mcc: string;
}

/**
 * The peer group of `merchantId` for the reference window [from, to): candidates of each level
 * (merchants of the segment with at least one purchase in the window, plus the merchant itself),
 * the guard's group rule on their net revenue in the window (checkGroup), widened until a level
 * passes and adds at least MIN_PEERS members to the previous level tried.
 *
 * Sources: merchants (mcc, region, country), merchant_daily (net revenue in the window), on the
 * owner connection: a merchant scope cannot see its peers (RLS).
 *
 * @throws Error on an unknown merchant or a malformed window
 */
export async function resolvePeerGroup(executor: Executor, merchantId: number, window: { from: string; to: string }): Promise<PeerGroup> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(window.from) || !/^\d{4}-\d{2}-\d{2}$/.test(window.to) || !(window.from < window.to)) {
    throw new Error(`resolvePeerGroup: invalid window ${JSON.stringify(window)}`);
  }
  const [self] = await queryRows<{ mcc: string; region: string | null; country: string }>(
    executor,
    sql`select mcc, region, country from merchants where id = ${merchantId}`,
  );
  if (!self) throw new Error(`resolvePeerGroup: unknown merchant ${merchantId}`);
  const group = mccGroup(self.mcc);

  // Every merchant of the widest level in one pass; narrower levels are filters of it.
  const rows = await queryRows<Candidate>(
    executor,
    sql`select m.id, m.mcc, m.region, coalesce(sum(d.gross_sales_minor - d.refunds_minor), 0)::bigint as net
        from merchants m
        join merchant_daily d on d.merchant_id = m.id and d.day >= ${window.from}::date and d.day < ${window.to}::date
        where substr(m.mcc, 1, 2) = ${group} and m.country = ${self.country} and m.id <> ${merchantId}
        group by m.id, m.mcc, m.region
        having sum(d.purchases) > 0`,
  );
  const [own] = await queryRows<{ net: number }>(
    executor,
    sql`select coalesce(sum(gross_sales_minor - refunds_minor), 0)::bigint as net
        from merchant_daily where merchant_id = ${merchantId} and day >= ${window.from}::date and day < ${window.to}::date`,
  );

  const inLevel: Record<PeerLevel, (c: Candidate) => boolean> = {
    mcc_region: (c) => self.region !== null && c.mcc === self.mcc && c.region === self.region,
    mcc_country: (c) => c.mcc === self.mcc,
    mcc_group: () => true,
  };
  const attempts: PeerLevelAttempt[] = [];
  let previousSize = -1;
  let last = { peers: 0, withheld: null as Withheld | null };
  for (const level of PEER_LEVELS) {
    if (level === "mcc_region" && self.region === null) continue;
    const members = rows.filter(inLevel[level]).sort((a, b) => a.id - b.id);
    if (members.length === previousSize) continue; // same set as the narrower level: nothing new to try
    const check = checkGroup([Number(own.net), ...members.map((m) => Number(m.net))]);
    const added = previousSize < 0 ? Infinity : members.length - previousSize;
    let rule: PrivacyRule | null = check.withheld?.rule ?? null;
    if (!rule && added < MIN_PEERS) rule = "differencing";
    const passed = rule === null;
    attempts.push({ level, peers: check.peers, passed, rule });
    last = { peers: check.peers, withheld: check.withheld ?? (rule ? { rule, peers: check.peers } : null) };
    if (passed) {
      const memberIds = [merchantId, ...members.map((m) => m.id)];
      const segment = level === "mcc_region" ? `${self.mcc}:${self.region}` : level === "mcc_country" ? self.mcc : `${group}xx`;
      return {
        window: { ...window },
        level,
        mcc: self.mcc,
        mccGroup: group,
        region: self.region,
        country: self.country,
        peers: check.peers,
        attempts,
        withheld: null,
        memberIds,
        releaseKey: `${level}:${segment}:${self.country}:${window.from}/${window.to}:${membersFingerprint(memberIds)}`,
      };
    }
    previousSize = members.length;
  }
  const withheld: Withheld = last.withheld ?? { rule: "min_peers", peers: last.peers };
  return {
    window: { ...window },
    level: null,
    mcc: self.mcc,
    mccGroup: group,
    region: self.region,
    country: self.country,
    peers: last.peers,
    attempts,
    withheld,
    memberIds: [],
    releaseKey: "",
  };
}

/** The public part of a peer group (drops the member ids). */
export function peerGroupInfo(group: PeerGroup): PeerGroupInfo {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { memberIds, releaseKey, ...info } = group;
  return info;
}
