import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { customers, merchants, transactions } from "@/db/schema";
import { refreshRollups } from "@/lib/rollups";
import { getCompetitorReportIn, getPeerRevenueIndex, type CompetitorReport } from "@/lib/privacy/competitors";
import { pearson } from "@/lib/privacy/competitors/revenueIndex";
import { fullWeekStarts, offeredPeriods } from "@/lib/privacy/periods";
import { refreshCompetitorReports, type StoredReportsOutcome } from "@/lib/privacy/precompute";
import { readStoredReport } from "@/lib/privacy/reportStore";
import { loadPeerIndexInput } from "@/lib/jobs/peerIndex";
import { openTestDatabase, uniqueSlug } from "../helpers/db";

/*
 * A small hand-built bank whose competitor figures are known by construction (all amounts in
 * minor units, one transaction per (customer, merchant, day) unless said otherwise):
 *
 * Segment 5812 / "North" (6 members: A and P1..P5):
 * - each member X has 10 own customers x0..x9, each buying on 2026-02-10 and 2026-03-10:
 *   A's for 500 then 1000, Pk's for 1000 then 1000 + 100 k;
 * - cross-shoppers: A's a0..a4 each also buy at P(i+1) on 2026-03-12 for 500;
 * - switchers out of A: s0..s4 buy twice at A in February (02-10, 02-11, 1000 each) and twice at
 *   P(i+1) in March (03-10, 03-11, 1000 each);
 * - switchers into A: t0..t4 buy twice at P(i+1) in February and twice at A in March.
 *
 * So in March 2026: A has 15 customers (a0..a9, t0..t4), 20 purchases, 20 000 gross; in February
 * 15 customers, 15 000. Pk has 12 customers, 13 purchases, 12 000 + 500 + 100·10·k gross in March
 * (13 500 … 17 500) and 12 000 in February. Net revenue over the reference window
 * [2025-04-01, 2026-04-01): A 35 000, Pk 25 500 … 29 500, total 172 500; worst frame
 * 35 000 / (172 500 − 29 500) = 24.48 % ≤ 25 %: the region level passes with 5 peers.
 *
 * Guard segments (each customer buys once in March 2026; revenue = 5 customers × unit):
 * - 5941 / "West": 5 equal members (4 peers)                         → withheld, min_peers;
 * - 5411 / "East": one member 3× the 6 others (3 / (9 − 1) = 37.5 %)  → dominance at the region,
 *   5411 nationwide adds the 5 equal members of "South" (3 / 13 = 23 %) → widened, 11 peers;
 * - 5499 / "Hills": 6 members, one 2× (2 / 6 = 33 %), and 5499 / "Lake" 2 more: nationwide would
 *   pass (2 / 8 = 25 %) but adds only 2 merchants, so it is refused ("differencing") and the group
 *   widens to 54xx (20 members);
 * - 5651 / "Coast": 6 members of 5 customers, and C6 with 4 customers (same revenue): the group
 *   has 6 peers, but C6's 4-customer cells stay out of every distribution.
 */
let database: Database;
const ids: Record<string, number> = {};
const refs: Record<string, { id: number; slug: string; currency: string }> = {};
let customerSeq = 0;

async function addMerchant(key: string, mcc: string, region: string) {
  const [m] = await database.db
    .insert(merchants)
    .values({ slug: uniqueSlug(key.toLowerCase()), name: key, mcc, region, country: "RU", timeZone: "UTC", currency: "RUB" })
    .returning();
  ids[key] = m.id;
  refs[key] = { id: m.id, slug: m.slug, currency: m.currency };
}

type Tx = [merchant: string, amount: number, day: string];
const pending: Array<{ customer: number; tx: Tx }> = [];

async function addCustomer(...txs: Tx[]) {
  customerSeq += 1;
  const [c] = await database.db.insert(customers).values({ bankCustomerId: `hb-${process.pid}-${customerSeq}` }).returning();
  for (const tx of txs) pending.push({ customer: c.id, tx });
}

async function flush() {
  await database.db.insert(transactions).values(
    pending.map(({ customer, tx: [merchant, amount, day] }, i) => ({
      bankTransactionId: `hb-${process.pid}-t${i}`,
      merchantId: ids[merchant],
      customerId: customer,
      amountMinor: amount,
      currency: "RUB",
      occurredAt: new Date(`${day}T12:00:00Z`),
      localDate: day,
      localHour: 12,
      channel: "offline",
      kind: "purchase",
    })),
  );
  const byMerchant = new Map<number, Set<string>>();
  for (const { tx } of pending) {
    const set = byMerchant.get(ids[tx[0]]) ?? new Set();
    set.add(tx[2]);
    byMerchant.set(ids[tx[0]], set);
  }
  for (const [id, days] of byMerchant) await database.db.transaction((t) => refreshRollups(t, id, [...days]));
}

const FEB = "2026-02-10";
const MAR = "2026-03-10";
const MARCH = { from: "2026-03-01", to: "2026-04-01" };

beforeAll(async () => {
  database = await openTestDatabase();
  for (const key of ["A", "P1", "P2", "P3", "P4", "P5"]) await addMerchant(key, "5812", "North");
  for (let k = 0; k <= 5; k++) {
    const key = k === 0 ? "A" : `P${k}`;
    for (let i = 0; i < 10; i++) {
      const cross: Tx[] = k === 0 && i < 5 ? [[`P${i + 1}`, 500, "2026-03-12"]] : [];
      await addCustomer([key, k === 0 ? 500 : 1000, FEB], [key, k === 0 ? 1000 : 1000 + 100 * k, MAR], ...cross);
    }
  }
  for (let i = 0; i < 5; i++) {
    await addCustomer(["A", 1000, FEB], ["A", 1000, "2026-02-11"], [`P${i + 1}`, 1000, MAR], [`P${i + 1}`, 1000, "2026-03-11"]);
    await addCustomer([`P${i + 1}`, 1000, FEB], [`P${i + 1}`, 1000, "2026-02-11"], ["A", 1000, MAR], ["A", 1000, "2026-03-11"]);
  }
  // Guard segments.
  const segment = async (prefix: string, mcc: string, region: string, units: number[]) => {
    for (let j = 0; j < units.length; j++) {
      await addMerchant(`${prefix}${j}`, mcc, region);
      for (let c = 0; c < 5; c++) await addCustomer([`${prefix}${j}`, 1000 * units[j], MAR]);
    }
  };
  await segment("W", "5941", "West", [1, 1, 1, 1, 1]);
  await segment("E", "5411", "East", [3, 1, 1, 1, 1, 1, 1]);
  await segment("S", "5411", "South", [1, 1, 1, 1, 1]);
  await segment("H", "5499", "Hills", [2, 1, 1, 1, 1, 1]);
  await segment("L", "5499", "Lake", [1, 1]);
  // 5651 / "Coast": 6 members of 5 customers and one (C6) of 4 customers with the same revenue.
  for (let j = 0; j < 7; j++) {
    await addMerchant(`C${j}`, "5651", "Coast");
    if (j < 6) for (let c = 0; c < 5; c++) await addCustomer([`C${j}`, 1000, MAR]);
    else for (let c = 0; c < 4; c++) await addCustomer([`C${j}`, 1250, MAR]);
  }
  await flush();
}, 120_000);
afterAll(async () => {
  await database?.close();
});

const bench = (r: CompetitorReport, key: string) => r.benchmarks.find((b) => b.key === key)!;

/**
 * The report with the keyed noise switched off (PRIVACY_GUARDS_OFF, honoured only in tests;
 * lib/privacy/disclosure.ts), never stored: the exact group-wide figures behind the release, so
 * the arithmetic can be checked to the unit. The released (noisy) report is checked separately.
 */
async function rawReport(ref: { id: number; slug: string; currency: string }, period: { from: string; to: string }): Promise<CompetitorReport> {
  process.env.PRIVACY_GUARDS_OFF = "1";
  try {
    return await getCompetitorReportIn(database, ref, period, { stored: false });
  } finally {
    delete process.env.PRIVACY_GUARDS_OFF;
  }
}

describe("competitor report: exact values on the hand-built bank (noise off)", () => {
  let r: CompetitorReport;
  beforeAll(async () => {
    r = await rawReport(refs.A, MARCH);
  });

  it("uses the region group of 5 peers and says so", () => {
    expect(r.grain).toBe("month");
    expect(r.previousPeriod).toEqual({ from: "2026-02-01", to: "2026-03-01" });
    expect(r.peerGroup.level).toBe("mcc_region");
    expect(r.peerGroup.peers).toBe(5);
    expect(r.peerGroup.window).toEqual({ from: "2025-04-01", to: "2026-04-01" });
    expect(r.peerGroup).not.toHaveProperty("memberIds");
    expect(r.peerGroup).not.toHaveProperty("releaseKey");
    // Issue 13: no ratio of members' values (largestShare) is released anywhere.
    expect(JSON.stringify(r)).not.toMatch(/memberIds|largestShare|releaseKey/);
  });

  it("benchmarks: own value, the whole group's p25/median/p75 (means of three order statistics, A included) and A's quarter band", () => {
    // Growth vs February: A 20 000 / 15 000 − 1 = 12 000 / 36 000; peers 1 500 … 5 500 over 12 000.
    // Sorted (× 1/36 000): 4 500, 7 500, 10 500, 12 000 (A), 13 500, 16 500.
    expect(bench(r, "revenueGrowthPrevious").own).toBeCloseTo(1 / 3, 12);
    expect(bench(r, "revenueGrowthPrevious").peers).toEqual({
      released: true,
      value: { peers: 6, p25: expect.closeTo(7_500 / 36_000, 12), median: expect.closeTo(12_000 / 36_000, 12), p75: expect.closeTo(14_000 / 36_000, 12), band: "p25_median" },
    });
    // No revenue a year earlier anywhere: undefined for everyone.
    expect(bench(r, "revenueGrowthYearAgo")).toEqual({ key: "revenueGrowthYearAgo", own: null, peers: { released: false, withheld: { rule: "min_peers", peers: 0 } } });
    // 12 × 5 and A's 15: p75 = (12 + 12 + 15) / 3.
    expect(bench(r, "customers")).toEqual({ key: "customers", own: 15, peers: { released: true, value: { peers: 6, p25: 12, median: 12, p75: 13, band: "above_p75" } } });
    const check = bench(r, "averageCheckMinor");
    expect(check.own).toBe(1000);
    expect(check.peers).toEqual({
      released: true,
      value: { peers: 6, p25: expect.closeTo(41_000 / 39, 9), median: expect.closeTo(46_500 / 39, 9), p75: expect.closeTo(49_500 / 39, 9), band: "below_p25" },
    });
    expect(bench(r, "frequency").own).toBeCloseTo(20 / 15, 12);
    expect(bench(r, "frequency").peers).toEqual({
      released: true,
      value: { peers: 6, p25: expect.closeTo(13 / 12, 12), median: expect.closeTo(13 / 12, 12), p75: expect.closeTo(7 / 6, 12), band: "above_p75" },
    });
    // New customers: A's t0..t4; at each Pk its cross-shopper and its switcher.
    expect(bench(r, "newCustomerShare").own).toBeCloseTo(5 / 15, 12);
    expect(bench(r, "newCustomerShare").peers).toEqual({
      released: true,
      value: { peers: 6, p25: expect.closeTo(1 / 6, 12), median: expect.closeTo(1 / 6, 12), p75: expect.closeTo(2 / 9, 12), band: "above_p75" },
    });
    // Nobody bought in the base window [2025-10-01, 2026-01-01).
    expect(bench(r, "retention3m").own).toBeNull();
    expect(bench(r, "retention3m").peers.released).toBe(false);
  });

  it("index: 100 at February, then 133.3 (A) against 130.0 (the whole group, A included: 97 500 / 75 000); empty months withheld", () => {
    expect(r.index.released).toBe(true);
    if (!r.index.released) return;
    expect(r.index.value.baseMonth).toBe("2026-02-01");
    expect(r.index.value.points).toHaveLength(12);
    expect(r.index.value.points.slice(-2)).toEqual([
      { month: "2026-02-01", merchant: 100, peers: 100, withheld: null },
      { month: "2026-03-01", merchant: 133.3, peers: 130, withheld: null },
    ]);
    expect(r.index.value.points[0]).toEqual({
      month: "2025-04-01",
      merchant: null,
      peers: null,
      withheld: { rule: "min_peers", peers: 0 },
    });
  });

  it("weekly correlation over the window's full weeks", () => {
    const weeks = fullWeekStarts(r.peerGroup.window);
    const own = weeks.map((w) => (w === "2026-02-09" ? 15_000 : w === "2026-03-09" ? 20_000 : 0));
    const peers = weeks.map((w) => (w === "2026-02-09" ? 60_000 : w === "2026-03-09" ? 77_500 : 0));
    expect(r.correlation).toEqual({ released: true, value: { r: Math.round(pearson(own, peers)! * 100) / 100, weeks: 51 } });
  });

  it("cross-shopping: 5 of A's 15 March customers also bought at peers", () => {
    expect(r.crossShopping).toEqual({ released: true, value: { customers: 15, alsoAtPeers: 5, share: 1 / 3 } });
  });

  it("share of wallet: March 20 000 / (20 000 + 5 × 2 500); February has no peer spend", () => {
    expect(r.shareOfWallet.released).toBe(true);
    if (!r.shareOfWallet.released) return;
    const [feb, mar] = r.shareOfWallet.value.slice(-2);
    expect(feb).toEqual({ month: "2026-02-01", share: null, customers: null, withheld: { rule: "min_peers", peers: 0 } });
    expect(mar).toEqual({ month: "2026-03-01", share: 20_000 / 32_500, customers: 20, withheld: null });
  });

  it("switching February → March: 5 customers out (−10 000), 5 in (+10 000); one-purchase customers not classified", () => {
    expect(r.switching).toEqual({
      released: true,
      value: {
        from: { from: "2026-02-01", to: "2026-03-01" },
        to: MARCH,
        toPeers: { released: true, value: { customers: 5, amountMinor: 10_000 } },
        fromPeers: { released: true, value: { customers: 5, amountMinor: 10_000 } },
        stayedHere: 0,
        stayedAtPeers: 0,
      },
    });
  });

  it("a peer's view of the same segment uses the same group (5 peers)", async () => {
    const p = await rawReport(refs.P3, MARCH);
    expect(p.peerGroup).toEqual(r.peerGroup);
  });
});

describe("the released report (keyed noise on)", () => {
  it("every member of the group gets the same released figures, each within ±15 % of the exact one at 3 significant digits, the same on every request", async () => {
    const raw = await rawReport(refs.A, MARCH);
    const a = await getCompetitorReportIn(database, refs.A, MARCH, { stored: false });
    const p3 = await getCompetitorReportIn(database, refs.P3, MARCH, { stored: false });
    const again = await getCompetitorReportIn(database, refs.A, MARCH, { stored: false });
    expect(again).toEqual(a);
    let compared = 0;
    for (const b of a.benchmarks) {
      const exact = bench(raw, b.key).peers;
      const other = bench(p3, b.key).peers;
      expect(b.peers.released).toBe(exact.released);
      if (!b.peers.released || !exact.released || !other.released) continue;
      // Everything but the asker's own band is the same for both members.
      expect({ ...other.value, band: null }).toEqual({ ...b.peers.value, band: null });
      for (const q of ["p25", "median", "p75"] as const) {
        const x = exact.value[q];
        expect(Math.abs(b.peers.value[q] - x)).toBeLessThanOrEqual(0.15 * Math.abs(x) + 0.005 * Math.abs(x));
        expect(Number(b.peers.value[q].toPrecision(3))).toBe(b.peers.value[q]);
        compared++;
      }
    }
    expect(compared).toBe(15);
    // The group's index is the same for both members.
    expect(a.index.released && p3.index.released).toBe(true);
    if (a.index.released && p3.index.released) expect(a.index.value.points.map((p) => p.peers)).toEqual(p3.index.value.points.map((p) => p.peers));
  });
});

describe("privacy guard on the database", () => {
  it("withholds everything built from a group of 4 peers, and still shows the merchant's own values", async () => {
    const r = await getCompetitorReportIn(database, refs.W0, MARCH);
    expect(r.peerGroup.level).toBeNull();
    expect(r.peerGroup.attempts).toEqual([{ level: "mcc_region", peers: 4, passed: false, rule: "min_peers" }]);
    expect(r.peerGroup.withheld).toEqual({ rule: "min_peers", peers: 4 });
    expect(bench(r, "customers")).toEqual({ key: "customers", own: 5, peers: { released: false, withheld: r.peerGroup.withheld } });
    for (const figure of [r.index, r.correlation, r.crossShopping, r.shareOfWallet, r.switching]) expect(figure.released).toBe(false);
  });

  it("widens a group with a dominant merchant (37.5 %) to the MCC nationwide (23 %)", async () => {
    const r = await rawReport(refs.E1, MARCH);
    expect(r.peerGroup.attempts.map((a) => [a.level, a.peers, a.rule])).toEqual([
      ["mcc_region", 6, "dominance"],
      ["mcc_country", 11, null],
    ]);
    expect(bench(r, "customers").peers).toEqual({ released: true, value: { peers: 12, p25: 5, median: 5, p75: 5, band: "p25_median" } });
    // The dominant merchant itself gets the same group.
    const d = await getCompetitorReportIn(database, refs.E0, MARCH);
    expect(d.peerGroup.level).toBe("mcc_country");
    expect(d.peerGroup.peers).toBe(11);
  });

  it("refuses a widening that adds fewer than 5 merchants (differencing) and widens to the MCC group", async () => {
    const r = await getCompetitorReportIn(database, refs.H1, MARCH);
    expect(r.peerGroup.attempts.map((a) => [a.level, a.peers, a.rule])).toEqual([
      ["mcc_region", 5, "dominance"],
      ["mcc_country", 7, "differencing"],
      ["mcc_group", 19, null],
    ]);
    expect(r.peerGroup.level).toBe("mcc_group");
    expect(r.peerGroup.mccGroup).toBe("54");
  });

  it("a 4-customer cell is left out of the peers' distribution", async () => {
    const r = await rawReport(refs.C0, MARCH);
    expect(r.peerGroup.level).toBe("mcc_region");
    expect(r.peerGroup.peers).toBe(6);
    // C6's customers (4) and average check (1 250) never enter: 6 members of 5 customers, check 1 000.
    expect(bench(r, "customers").peers).toEqual({ released: true, value: { peers: 6, p25: 5, median: 5, p75: 5, band: "p25_median" } });
    expect(bench(r, "averageCheckMinor").peers).toEqual({ released: true, value: { peers: 6, p25: 1000, median: 1000, p75: 1000, band: "p25_median" } });
    // C6 itself sees its own value and the same distribution of the 6 other members.
    const c6 = await rawReport(refs.C6, MARCH);
    expect(bench(c6, "customers")).toEqual({ key: "customers", own: 4, peers: { released: true, value: { peers: 6, p25: 5, median: 5, p75: 5, band: "below_p25" } } });
  });

  it("the group is fixed by the period's end, not by the request: a month and its quarter get the same group", async () => {
    const month = await getCompetitorReportIn(database, refs.A, MARCH);
    const quarter = await getCompetitorReportIn(database, refs.A, { from: "2026-01-01", to: "2026-04-01" });
    expect(quarter.grain).toBe("quarter");
    expect(quarter.peerGroup).toEqual(month.peerGroup);
    await expect(getCompetitorReportIn(database, refs.A, { from: "2026-03-05", to: "2026-03-20" })).rejects.toThrow(/whole calendar month, quarter or year/);
  });

  it("exports the peer revenue index in the report's shape", async () => {
    const index = await getPeerRevenueIndex(refs.A.id, MARCH, database);
    const r = await getCompetitorReportIn(database, refs.A, MARCH);
    expect(index).toEqual({ period: MARCH, grain: "month", peerGroup: r.peerGroup, index: r.index });
  });

  it("feeds the findings job's market split: the month grain's index as a daily step series", async () => {
    // As of 2026-04-15 the last complete month is March: the same fixed group and index as MARCH.
    process.env.PRIVACY_GUARDS_OFF = "1"; // the exact index (noise off; the released one is the same series with keyed noise)
    const input = await loadPeerIndexInput(database, { ...refs.A, name: "A", mcc: "5812", timeZone: "UTC" }, "2026-04-15").finally(() => delete process.env.PRIVACY_GUARDS_OFF);
    if (!input.released) throw new Error(`withheld: ${input.reason}`);
    const at = (date: string) => input.series.filter((p) => p.date === date).map((p) => p.index);
    // The group's net revenue (A included): February 5 × 12 000 + 15 000 = 75 000, March 77 500 + 20 000 = 97 500.
    expect(at("2026-02-01")).toEqual([100]);
    expect(at("2026-02-28")).toEqual([100]);
    expect(at("2026-03-01")).toEqual([130]); // 97 500 / 75 000 × 100, released to one decimal
    expect(at("2026-03-31")).toEqual(at("2026-03-01"));
    expect(at("2026-04-01")).toEqual([]);
    expect(input.series.filter((p) => p.date < "2026-02-01")).toEqual([]);
    expect(input.series.length).toBe(28 + 31);
  });
});

describe("stored reports (the post-ingest job, docs/adr/0007-stored-competitor-reports.md)", () => {
  /** One purchase of a new customer, through the rollups as an ingest writes them. */
  async function purchase(merchant: string, amount: number, day: string) {
    customerSeq += 1;
    const [c] = await database.db.insert(customers).values({ bankCustomerId: `hb-${process.pid}-${customerSeq}` }).returning();
    await database.db.insert(transactions).values({
      bankTransactionId: `hb-${process.pid}-late-${customerSeq}`,
      merchantId: ids[merchant],
      customerId: c.id,
      amountMinor: amount,
      currency: "RUB",
      occurredAt: new Date(`${day}T12:00:00Z`),
      localDate: day,
      localHour: 12,
      channel: "offline",
      kind: "purchase",
    });
    await database.db.transaction((t) => refreshRollups(t, ids[merchant], [day]));
  }
  const storedCount = async (merchant: string) =>
    Number((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from competitor_reports where merchant_id = ${ids[merchant]}`))[0].n);

  let outcomes: StoredReportsOutcome[];
  let marchBefore: CompetitorReport;
  beforeAll(async () => {
    // A purchase in April makes March a whole month of A's data, so the job stores March for A.
    // It changes none of March's figures (a new customer, after the period).
    marchBefore = await getCompetitorReportIn(database, refs.A, MARCH, { stored: false });
    await purchase("A", 700, "2026-04-02");
    outcomes = await refreshCompetitorReports(database, [ids.A]);
  });

  it("stores every offered period for A and for the rest of its MCC group (58xx: P1..P5), and skips them when nothing changed", async () => {
    expect(outcomes.map((o) => [o.merchantId, o.status])).toEqual(["A", "P1", "P2", "P3", "P4", "P5"].map((k) => [ids[k], "stored"]));
    expect(offeredPeriods("2026-04-03")).toHaveLength(35); // 24 months, 8 quarters, 3 years
    expect(offeredPeriods("2026-04-03")[0]).toEqual(MARCH);
    expect(outcomes[0].reports).toBe(35);
    expect(await storedCount("A")).toBe(35);
    expect(await storedCount("W0")).toBe(0); // another MCC group: untouched
    const again = await refreshCompetitorReports(database, [ids.A]);
    expect(again.map((o) => [o.status, o.reports])).toEqual(Array(6).fill(["fresh", 0]));
  });

  it("a stored report is exactly the live computation, for every offered period", async () => {
    for (const period of offeredPeriods("2026-04-03")) {
      const stored = await readStoredReport<CompetitorReport>(database.db, ids.A, period);
      expect(stored, `${period.from}..${period.to}`).toEqual(await getCompetitorReportIn(database, refs.A, period, { stored: false }));
    }
    // …and the page's March report is the hand-built one checked above (15 customers, 5 peers).
    const march = await getCompetitorReportIn(database, refs.A, MARCH);
    expect(march).toEqual(marchBefore);
    expect(march.peerGroup.peers).toBe(5);
    expect(bench(march, "customers").own).toBe(15);
  });

  it("serves the stored report while the group's data is unchanged, and computes live once a peer has new data", async () => {
    // Mark the stored March report so that serving it shows.
    await database.db.execute(
      sql`update competitor_reports set report = jsonb_set(report, '{grain}', '"stored"') where merchant_id = ${ids.A} and period_from = '2026-03-01' and period_to = '2026-04-01'`,
    );
    expect((await getCompetitorReportIn(database, refs.A, MARCH)).grain).toBe("stored");
    const before = Number((await queryRows<{ v: number }>(database.db, sql`select rollup_version as v from merchants where id = ${ids.P1}`))[0].v);
    await purchase("P1", 900, "2026-04-03");
    expect(Number((await queryRows<{ v: number }>(database.db, sql`select rollup_version as v from merchants where id = ${ids.P1}`))[0].v)).toBe(before + 1);
    const live = await getCompetitorReportIn(database, refs.A, MARCH);
    expect(live.grain).toBe("month");
    expect(live).toEqual(await getCompetitorReportIn(database, refs.A, MARCH, { stored: false }));
    expect(await readStoredReport(database.db, ids.A, MARCH)).toBeNull();
  });

  it("keys on the group's merchants: a changed region makes the reports stale, restoring it makes them current again", async () => {
    await refreshCompetitorReports(database, [ids.A]);
    expect(await readStoredReport(database.db, ids.A, MARCH)).not.toBeNull();
    await database.db.execute(sql`update merchants set region = 'South' where id = ${ids.P5}`);
    expect(await readStoredReport(database.db, ids.A, MARCH)).toBeNull();
    await database.db.execute(sql`update merchants set region = 'North' where id = ${ids.P5}`);
    expect(await readStoredReport(database.db, ids.A, MARCH)).not.toBeNull();
    // A merchant of another group (5411) does not enter 58xx's fingerprint.
    await database.db.execute(sql`update merchants set region = 'Far' where id = ${ids.E1}`);
    expect(await readStoredReport(database.db, ids.A, MARCH)).not.toBeNull();
    await database.db.execute(sql`update merchants set region = 'East' where id = ${ids.E1}`);
  });

  it("refreshing only the named merchants leaves the rest of the group as it was", async () => {
    await purchase("P2", 800, "2026-04-04");
    const only = await refreshCompetitorReports(database, [ids.P2], { neighbours: false });
    expect(only.map((o) => [o.merchantId, o.status])).toEqual([[ids.P2, "stored"]]);
    expect(await readStoredReport(database.db, ids.A, MARCH)).toBeNull(); // A's set predates P2's purchase
    expect(await refreshCompetitorReports(database, [999_999_999])).toEqual([]);
  });
});
