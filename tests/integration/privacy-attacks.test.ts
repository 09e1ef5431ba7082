/**
 * Issue 13's attack suite on a synthetic bank with thin groups (1–7 merchants per MCC and
 * region; docs/synthetic-bank.md), on both databases. The releases are computed once (every
 * merchant × three periods) and attacked in memory (tests/privacy-attacks/attacks.ts):
 *
 *   (a) ratio inversion over every numeric field of every response;
 *   (b) k = 1, 2, 3 colluders and a chain owner (several memberships) solving the linear system
 *       of the released quantiles, knowing their own exact positions;
 *   (c) a single merchant's linear-program bounds on every competitor position in a window;
 *   (d) differencing: the same figure over requests, members, periods and group changes;
 *   (e) per-customer outputs and exports scanned for bank attributes, and cells under 5;
 *   (f) a cross-tenant sweep over every registered route × role × tenant.
 *
 * Every view of lib/endpoints/registry.ts is requested, scanned (a, e) and swept (f), so a new
 * view is attacked the day it is registered. Each attack logs its counts; the test asserts 0.
 * `PRIVACY_GUARDS_OFF=1` (honoured only in tests, lib/privacy/disclosure.ts) removes the noise
 * and the suppression: the same suite then fails (tests/privacy-attacks/README.md has the counts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";

const state = vi.hoisted(() => ({
  session: null as null | { user: { id: string } },
  database: undefined as Promise<unknown> | undefined,
}));
vi.mock("@/lib/auth/config", async () => (await import("../helpers/session")).mockAuthConfig(() => state.session));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { queryRows } = await import("@/db/client");
const { openTestDatabase, TEST_DIALECT } = await import("../helpers/db");
const { seedUser } = await import("./tenancy-fixtures");
const { ingestFile } = await import("@/lib/ingest");
const { BANK_FILES, writeBank } = await import("@/lib/synthetic");
const { ALL_ENDPOINTS, ENDPOINTS } = await import("@/lib/endpoints/registry");
const { createApiTokenIn } = await import("@/lib/auth/tokens");
const { getCompetitorReportIn } = await import("@/lib/privacy/competitors");
const { computeCompetitorReports } = await import("@/lib/privacy/precompute");
const { resolvePeerGroup } = await import("@/lib/privacy/peerGroups");
const { memberFigures } = await import("@/lib/privacy/competitors/members.internal");
const { benchmarkValue } = await import("@/lib/privacy/competitors/benchmarks");
const { reportWindows } = await import("@/lib/privacy/competitors/windows");
const { BENCHMARK_KEYS } = await import("@/lib/privacy/competitors/types");
const { MIN_CELL_CUSTOMERS, quantileWindow } = await import("@/lib/privacy/guard");
const { NOISE_BOUND, RELEASE_DIGITS, guardsRemovedForAttackDemo } = await import("@/lib/privacy/disclosure");
const { buildChurnRun } = await import("@/lib/jobs/churnModel");
const { churnSummaryWithTexts } = await import("@/lib/runs/render/churn");
const { importCampaign } = await import("@/lib/campaigns/import");
const { runCampaignReport } = await import("@/lib/campaigns/store");
const { syntheticChurnInputs } = await import("../helpers/syntheticChurn");
const attacks = await import("../privacy-attacks/attacks");
const sessionRoute = await import("@/app/api/m/[slug]/[view]/route");
const sessionExport = await import("@/app/api/m/[slug]/[view]/export/route");
const tokenRoute = await import("@/app/api/v1/m/[slug]/[view]/route");
const campaignRoute = await import("@/app/api/m/[slug]/campaigns/[id]/route");
const effectsRoute = await import("@/app/api/m/[slug]/campaigns/[id]/effects/route");

type Report = Awaited<ReturnType<typeof getCompetitorReportIn>>;
type Period = { from: string; to: string };
interface Merchant {
  id: number;
  slug: string;
  currency: string;
  name: string;
}

const GUARDS = !guardsRemovedForAttackDemo();
const MECHANISM = GUARDS ? { bound: NOISE_BOUND, digits: RELEASE_DIGITS } : { bound: 0, digits: null };

let database: Database;
let dir: string;
let merchants: Merchant[];
let periods: Period[];
/** `${merchantId}|${period.from}|${period.to}` → the merchant's released report. */
const reports = new Map<string, Report>();
const reportKey = (id: number, p: Period) => `${id}|${p.from}|${p.to}`;
/** Per period and merchant: the sorted member ids of its peer group (empty when withheld). */
const groups = new Map<string, number[]>();
/** Per window: each merchant's net revenue in it (minor units). */
const windowNet = new Map<string, Map<number, number>>();
const timing: Record<string, number> = {};

/** Counts of every attack, logged and asserted at the end. */
const found = {
  a: attacks.emptyCounts(),
  b: { k1: attacks.emptyCounts(), k2: attacks.emptyCounts(), k3: attacks.emptyCounts(), chain: attacks.emptyCounts() },
  c: attacks.emptyCounts(),
  d: { requests: 0, differentAcrossMembers: 0, differentOnRepeat: 0, groupPairs: 0, groupsDifferingByUnder5: 0 },
  e: { perPersonRows: 0, bankAttributes: 0, cells: 0, smallCells: 0, csvCells: 0, liveFormulas: 0, examples: [] as string[] },
  f: { requests: 0, crossTenantReads: 0 },
};

const addMonths = (day: string, k: number) => {
  const [y, m] = day.split("-").map(Number);
  const t = y * 12 + (m - 1) + k;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, "0")}-01`;
};

beforeAll(async () => {
  let t = performance.now();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "privacy-attacks-"));
  // Small enough for CI (≈ 30 k transactions), thin enough to attack: 63 merchants, 1–7 per MCC and region.
  await writeBank(dir, { seed: 42, customers: 1000, months: 14 });
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  for (const [format, name] of [
    ["merchants", BANK_FILES.merchants],
    ["customers", BANK_FILES.customers],
    ["transactions", BANK_FILES.transactions],
  ] as const) {
    const r = await ingestFile(database, { format, file: path.join(dir, name) });
    if (!r.ok) throw new Error(`${name} did not ingest: ${JSON.stringify(r.errors?.slice(0, 2))}`);
  }
  timing.bankSeconds = (performance.now() - t) / 1000;

  t = performance.now();
  merchants = await queryRows<Merchant>(database.db, sql`select id, slug, currency, name from merchants order by id`);
  const [{ last }] = await queryRows<{ last: string }>(database.db, sql`select to_char(max(day), 'YYYY-MM-DD') as last from merchant_daily`);
  const end = `${last.slice(0, 7)}-01`; // the last month with data may be partial: periods end before it
  const quarterEnd = addMonths(end, -((Number(end.slice(5, 7)) - 1) % 3));
  periods = [
    { from: addMonths(end, -1), to: end },
    { from: addMonths(end, -2), to: addMonths(end, -1) },
    { from: addMonths(quarterEnd, -3), to: quarterEnd },
  ];
  // Computed as the worker computes them (inputs shared across a group's members), then attacked in memory.
  for (const [id, list] of await computeCompetitorReports(database.db, merchants, periods)) list.forEach((r, i) => reports.set(reportKey(id, periods[i]), r));
  timing.releaseSeconds = (performance.now() - t) / 1000;
  for (const p of periods) {
    const w = reportWindows(p).window;
    for (const m of merchants) groups.set(reportKey(m.id, p), [...(await resolvePeerGroup(database.db, m.id, w)).memberIds].sort((x, y) => x - y));
    const rows = await queryRows<{ merchant_id: number; net: number }>(
      database.db,
      sql`select merchant_id, sum(gross_sales_minor - refunds_minor)::bigint as net from merchant_daily
          where day >= ${w.from}::date and day < ${w.to}::date group by merchant_id`,
    );
    windowNet.set(`${w.from}|${w.to}`, new Map(rows.map((r) => [Number(r.merchant_id), Number(r.net)])));
  }
}, 600_000);

afterAll(async () => {
  console.log(`privacy attacks (${TEST_DIALECT}, guards ${GUARDS ? "on" : "REMOVED"}):`, JSON.stringify({ found, timing }, null, 1));
  await database?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Distinct (group, period) pairs: each released distribution once, with its truth. */
async function distributions() {
  const seen = new Set<string>();
  const out: { period: Period; members: number[]; key: (typeof BENCHMARK_KEYS)[number]; target: import("../privacy-attacks/attacks").QuantileTarget; peers: number }[] = [];
  for (const p of periods) {
    for (const m of merchants) {
      const members = groups.get(reportKey(m.id, p))!;
      const id = `${p.from}|${p.to}|${members.join(",")}`;
      if (members.length === 0 || seen.has(id)) continue;
      seen.add(id);
      const figures = await memberFigures(database.db, members, reportWindows(p));
      const report = reports.get(reportKey(m.id, p))!;
      for (const key of BENCHMARK_KEYS) {
        const released = report.benchmarks.find((b) => b.key === key)!.peers;
        if (!released.released) continue;
        const values = members
          .map((mid) => ({ mid, ...benchmarkValue(key, figures.get(mid)!) }))
          .filter((v) => v.value !== null && Number.isFinite(v.value) && v.customers >= MIN_CELL_CUSTOMERS)
          .sort((x, y) => x.value! - y.value! || x.mid - y.mid);
        expect(values.length).toBe(released.value.peers);
        const { p25, median, p75 } = released.value;
        const sortedValues = values.map((v) => v.value!);
        const scale = (q: number) => quantileWindow(sortedValues.length, q).reduce((s, i) => s + Math.abs(sortedValues[i]), 0) / 3;
        out.push({
          period: p, members, key, peers: report.peerGroup.peers,
          target: { sorted: sortedValues, holders: values.map((v) => v.mid), released: { p25, median, p75 }, scales: { p25: scale(0.25), median: scale(0.5), p75: scale(0.75) } },
        });
      }
    }
  }
  return out;
}

describe(`privacy attacks on the synthetic bank (${TEST_DIALECT})`, () => {
  it("(b) colluders (k = 1, 2, 3) and chain owners solving the linear system, (c) a single merchant's LP bounds: nothing recovered or pinned within ±5 %", async () => {
    const t = performance.now();
    const chains = new Map<string, number[]>();
    for (const m of merchants) {
      const brand = m.name.split(",")[0];
      chains.set(brand, [...(chains.get(brand) ?? []), m.id]);
    }
    let utilityErrors: number[] = [];
    for (const d of await distributions()) {
      const n = d.target.sorted.length;
      const inWindows = [...new Set([0.25, 0.5, 0.75].flatMap((q) => quantileWindow(n, q)))];
      const holders = inWindows.map((i) => d.target.holders[i]);
      // Every coalition of 1–3 members holding window positions (the only ones the equations involve).
      for (let a = 0; a < holders.length; a++) {
        attacks.addCounts(found.b.k1, attacks.solveLinearSystem(d.target, new Set([holders[a]]), MECHANISM));
        for (let b = a + 1; b < holders.length; b++) {
          attacks.addCounts(found.b.k2, attacks.solveLinearSystem(d.target, new Set([holders[a], holders[b]]), MECHANISM));
          for (let c = b + 1; c < holders.length; c++) {
            attacks.addCounts(found.b.k3, attacks.solveLinearSystem(d.target, new Set([holders[a], holders[b], holders[c]]), MECHANISM));
          }
        }
      }
      for (const ids of chains.values()) {
        const inside = ids.filter((id) => d.members.includes(id));
        if (inside.length >= 2) attacks.addCounts(found.b.chain, attacks.solveLinearSystem(d.target, new Set(inside), MECHANISM));
      }
      // (c): every member alone, LP over order, windows and release intervals.
      const floor = d.key.startsWith("revenueGrowth") ? 10 : 0;
      for (const h of d.target.holders) attacks.addCounts(found.c, attacks.lpBounds(d.target, new Set([h]), MECHANISM, floor));
      // Utility: the error the protection adds, groups of ≥ 8 peers.
      if (d.peers >= 8) {
        for (const [name, q] of [["p25", 0.25], ["median", 0.5], ["p75", 0.75]] as const) {
          const exact = quantileWindow(n, q).reduce((s, i) => s + d.target.sorted[i], 0) / 3;
          if (exact !== 0) utilityErrors.push(Math.abs(d.target.released[name] / exact - 1));
        }
      }
    }
    utilityErrors = utilityErrors.sort((x, y) => x - y);
    const released = [...reports.values()].filter((r) => r.peerGroup.level !== null && r.benchmarks.some((b) => b.peers.released)).length;
    timing.bcSeconds = (performance.now() - t) / 1000;
    Object.assign(timing, {
      utilityReleasedMerchantPeriods: `${released}/${reports.size}`,
      utilityMedianRelativeError: utilityErrors[Math.floor(utilityErrors.length / 2)] ?? null,
      utilityP90RelativeError: utilityErrors[Math.floor(utilityErrors.length * 0.9)] ?? null,
      utilityComparedQuantiles: utilityErrors.length,
    });
    expect(found.b.k1.attempts + found.b.k2.attempts + found.b.k3.attempts).toBeGreaterThan(100);
    expect(found.c.attempts).toBeGreaterThan(100);
    for (const counts of [found.b.k1, found.b.k2, found.b.k3, found.b.chain, found.c]) expect([counts.exact, counts.pinned]).toEqual([0, 0]);
  });

  it("(a) ratio inversion over every numeric field of every response recovers no competitor's revenue", async () => {
    for (const p of periods) {
      const w = reportWindows(p).window;
      const net = windowNet.get(`${w.from}|${w.to}`)!;
      for (const m of merchants) {
        const members = groups.get(reportKey(m.id, p))!;
        const segment = members.length ? members : merchants.map((x) => x.id);
        const competitors = segment.filter((id) => id !== m.id).map((id) => net.get(id) ?? 0);
        attacks.addCounts(found.a, attacks.ratioInversion(reports.get(reportKey(m.id, p)), net.get(m.id) ?? 0, competitors));
      }
    }
    expect(found.a.attempts).toBeGreaterThan(0);
    expect([found.a.exact, found.a.pinned]).toEqual([0, 0]);
  });

  it("(d) differencing: one release per figure for every member and request; groups of one window never differ by 1–4 merchants", async () => {
    const byFigure = new Map<string, { benchmarks: string; index: (number | null)[] | null }>();
    for (const p of periods) {
      for (const m of merchants) {
        const members = groups.get(reportKey(m.id, p))!;
        if (members.length === 0) continue;
        const r = reports.get(reportKey(m.id, p))!;
        const figure = {
          benchmarks: JSON.stringify(r.benchmarks.map((b) => (b.peers.released ? [b.peers.value.p25, b.peers.value.median, b.peers.value.p75] : null))),
          // The index is normalised at the asker's own base month: compare it rescaled to its last month.
          index: r.index.released ? normalised(r.index.value.points.map((x) => x.peers)) : null,
        };
        const id = `${p.from}|${members.join(",")}`;
        found.d.requests++;
        const before = byFigure.get(id);
        if (before && (before.benchmarks !== figure.benchmarks || !sameSeries(before.index, figure.index))) found.d.differentAcrossMembers++;
        byFigure.set(id, figure);
      }
    }
    // Asking again (the averaging attack) returns the same draw.
    for (const m of merchants.slice(0, 5)) {
      const again = await getCompetitorReportIn(database, m, periods[0], { stored: false });
      if (JSON.stringify(again) !== JSON.stringify(reports.get(reportKey(m.id, periods[0])))) found.d.differentOnRepeat++;
    }
    // Group changes between consecutive windows: a month both windows contain sums over both groups.
    for (const m of merchants) {
      const a = groups.get(reportKey(m.id, periods[0]))!;
      const b = groups.get(reportKey(m.id, periods[1]))!;
      if (!a.length || !b.length) continue;
      found.d.groupPairs++;
      const diff = a.filter((x) => !b.includes(x)).length + b.filter((x) => !a.includes(x)).length;
      if (diff > 0 && diff < 5) found.d.groupsDifferingByUnder5++;
    }
    expect(found.d.requests).toBeGreaterThan(50);
    expect([found.d.differentAcrossMembers, found.d.differentOnRepeat, found.d.groupsDifferingByUnder5]).toEqual([0, 0, 0]);
  });

  it("(e) per-customer outputs and exports carry no bank attribute; no released cell under 5 customers; exports defuse formulas", async () => {
    // Every registered view of three merchants, as JSON and as its CSV export.
    const owners: { m: Merchant; user: { id: string } }[] = [];
    for (const m of [merchants[0], merchants[7], merchants[20]]) owners.push({ m, user: await seedUser(database, { memberships: [[m.id, "merchant_owner"]] }) });
    for (const { m, user } of owners) {
      state.session = { user: { id: user.id } };
      for (const def of ALL_ENDPOINTS) {
        const query = queryFor(def);
        if (!query) continue;
        const params = { params: Promise.resolve({ slug: m.slug, view: def.name }) };
        const res = await sessionRoute.GET(new Request(`http://localhost/api/m/${m.slug}/${def.name}?${new URLSearchParams(query)}`), params);
        if (res.status !== 200) continue;
        const body = await res.json();
        const scan = attacks.scanPerPerson(body, found.e.examples);
        const cells = attacks.smallCells(body, 5, found.e.examples);
        found.e.perPersonRows += scan.rows;
        found.e.bankAttributes += scan.bankAttributes;
        found.e.cells += cells.cells;
        found.e.smallCells += cells.small;
        const csv = await sessionExport.GET(new Request(`http://localhost/api/m/${m.slug}/${def.name}/export?format=csv&${new URLSearchParams(query)}`), params);
        if (csv.status === 200) scanCsv(await csv.text());
      }
    }
    state.session = null;
    // The churn run's per-customer outputs, rendered as the page, the API and the CSV show them.
    const churn = buildChurnRun(syntheticChurnInputs());
    const summary = churnSummaryWithTexts(churn.summary, "EUR");
    for (const body of [churn.outputs, summary]) {
      const scan = attacks.scanPerPerson(body, found.e.examples);
      found.e.perPersonRows += scan.rows;
      found.e.bankAttributes += scan.bankAttributes;
      const cells = attacks.smallCells(body, 5, found.e.examples);
      found.e.cells += cells.cells;
      found.e.smallCells += cells.small;
    }
    const churnTables = ENDPOINTS.churn.tables!({ run: { summary }, valueBasis: { grossMarginBp: null } } as never, { locale: "en" } as never) ?? [];
    for (const table of churnTables) for (const row of table.rows) found.e.bankAttributes += attacks.scanPerPerson([{ customerRef: "x", cells: table.columns.map((c) => String(c.value(row as never))) }], found.e.examples).bankAttributes;

    // An uploaded campaign: bank gender and age split into cells, a formula as the action name.
    const target = merchants[0];
    const lines = ["customer_id,group,action,sent_at,conversion"];
    const [{ ids }] = await queryRows<{ ids: string[] }>(
      database.db,
      sql`select coalesce(array_agg(c.bank_customer_id order by c.bank_customer_id), '{}') as ids from (select distinct c.bank_customer_id from merchant_customers mc join customers c on c.id = mc.customer_id where mc.merchant_id = ${target.id} limit 60) c`,
    );
    ids.forEach((id, i) => lines.push(`${id},${i % 2 ? "treatment" : "control"},${i % 2 ? '"=HYPERLINK(""http://evil.example"",""x"")"' : ""},2026-01-05,${i % 3 === 0 ? 1 : 0}`));
    const file = path.join(dir, "campaign.csv");
    fs.writeFileSync(file, lines.join("\n"));
    const imported = await importCampaign(database, { merchantId: target.id, file, name: "=cmd|' /C calc'!A0" });
    expect(imported.ok).toBe(true);
    const stored = await runCampaignReport(database, imported.campaignId!);
    const owner = owners[0];
    state.session = { user: { id: owner.user.id } };
    const cParams = { params: Promise.resolve({ slug: target.slug, id: String(imported.campaignId) }) };
    const reportRes = await campaignRoute.GET(new Request(`http://localhost/api/m/${target.slug}/campaigns/${imported.campaignId}`), cParams);
    if (reportRes.status === 200) {
      const body = await reportRes.json();
      const cells = attacks.smallCells(body, 5, found.e.examples);
      found.e.cells += cells.cells;
      found.e.smallCells += cells.small;
    }
    const effects = await effectsRoute.GET(new Request(`http://localhost/api/m/${target.slug}/campaigns/${imported.campaignId}/effects`), cParams);
    if (effects.status === 200) scanCsv(await effects.text());
    const list = await sessionExport.GET(new Request(`http://localhost/api/m/${target.slug}/campaigns/export?format=csv`), { params: Promise.resolve({ slug: target.slug, view: "campaigns" }) });
    expect(list.status).toBe(200);
    const listed = await list.text();
    expect(listed).toContain(`'=HYPERLINK`);
    scanCsv(listed);
    state.session = null;
    expect(stored.status === "succeeded" || stored.status === "failed").toBe(true);

    expect(found.e.perPersonRows).toBeGreaterThan(0);
    expect(found.e.cells).toBeGreaterThan(0);
    expect(found.e.csvCells).toBeGreaterThan(0);
    expect([found.e.bankAttributes, found.e.smallCells, found.e.liveFormulas]).toEqual([0, 0, 0]);
  });

  it("(f) cross-tenant sweep: every registered route × role × other tenant answers 404", async () => {
    const [home, other] = [merchants[1], merchants[2]];
    const users = [
      await seedUser(database, { memberships: [[home.id, "merchant_owner"]] }),
      await seedUser(database, { memberships: [[home.id, "merchant_viewer"]] }),
      await seedUser(database, { memberships: [[home.id, "relationship_manager"]] }),
    ];
    const owner = users[0];
    const { token } = await createApiTokenIn(database, { actor: { userId: owner.id, email: owner.email }, merchant: { id: home.id, slug: home.slug }, role: "merchant_owner" } as never, "attack");
    for (const def of ALL_ENDPOINTS) {
      const query = new URLSearchParams(queryFor(def) ?? {}).toString();
      const params = { params: Promise.resolve({ slug: other.slug, view: def.name }) };
      for (const user of users) {
        state.session = { user: { id: user.id } };
        for (const res of [
          await sessionRoute.GET(new Request(`http://localhost/api/m/${other.slug}/${def.name}?${query}`), params),
          await sessionExport.GET(new Request(`http://localhost/api/m/${other.slug}/${def.name}/export?format=csv&${query}`), params),
        ]) {
          found.f.requests++;
          if (res.status !== 404) found.f.crossTenantReads++;
        }
      }
      state.session = null;
      const api = await tokenRoute.GET(new Request(`http://localhost/api/v1/m/${other.slug}/${def.name}?${query}`, { headers: { authorization: `Bearer ${token}` } }), params);
      found.f.requests++;
      if (api.status !== 404) found.f.crossTenantReads++;
    }
    expect(found.f.requests).toBe(ALL_ENDPOINTS.length * 7);
    expect(found.f.crossTenantReads).toBe(0);
  });
});

/** A series divided by its last non-zero value. */
function normalised(series: (number | null)[]): (number | null)[] {
  const last = [...series].reverse().find((x) => x !== null && x !== 0);
  return series.map((x) => (x === null || !last ? null : x / last));
}

/** Two normalised index series equal up to the 0.1 rounding of index points (1 %), over the months both show. */
function sameSeries(a: (number | null)[] | null, b: (number | null)[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.every((x, i) => x === null || b[i] === null || Math.abs(x - b[i]!) <= 0.01 * Math.max(Math.abs(x), Math.abs(b[i]!)) + 1e-3);
}

/** The first query the view's own schema accepts: none, the suite's first period, an id. */
function queryFor(def: (typeof ALL_ENDPOINTS)[number]): Record<string, string> | null {
  const candidates: Record<string, string>[] = [{}, { from: periods[0].from, to: periods[0].to }, { id: "1" }];
  for (const q of candidates) if (def.query.safeParse(q).success) return q;
  return null;
}

/** Scans a CSV download: rows naming a customer for bank attributes; every cell for a live formula. */
function scanCsv(text: string) {
  const lines = text.split(/\r?\n/).filter(Boolean);
  const header = lines[0] ?? "";
  // A per-customer table names one customer per line (the churn list's bankCustomerId, the campaign effects' customer_ref).
  const perPerson = /bankCustomerId|customer_ref|customerRef|customer_id/i.test(header);
  for (const line of lines.slice(1)) {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [];
    for (const raw of cells) {
      const cell = raw.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"');
      if (cell === "") continue;
      found.e.csvCells++;
      if (/^[=+\-@\t\r]/.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell)) found.e.liveFormulas++;
    }
    if (perPerson) found.e.bankAttributes += attacks.scanPerPerson([{ customerRef: "x", line }], found.e.examples).bankAttributes;
  }
}
