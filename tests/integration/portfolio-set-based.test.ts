/**
 * The portfolio read by one set-based statement in a portfolio scope (issue 18, drizzle/0025,
 * lib/analytics/getPortfolioFigures.ts) answers exactly what the per-merchant reads it replaced
 * answered (getDataRange, getOverview of the merchant's own last 30 days or of a requested
 * period, getOpenUpgradeRequest, getChurnResults' risk), for every merchant of a small synthetic
 * bank (63 merchants, seed 7) as a bank admin sees it, and for a relationship manager's subset.
 * It also pins the portfolio scope's access (ADR 0026): only the listed merchants' rows of the
 * portfolio's six tables (merchant_settings since drizzle/0032: revenue at risk in margin), no
 * other table at all, and a merchant scope cannot widen itself.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { upgradeRequests } from "@/db/schema";

const state = vi.hoisted(() => ({ database: undefined as Promise<unknown> | undefined }));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedUser } = await import("./tenancy-fixtures");
const { syntheticChurnInputs } = await import("../helpers/syntheticChurn");
const { loadActorIn, listMerchantAccessesIn } = await import("@/lib/auth/access");
const { setPlanIn } = await import("@/lib/billing");
const { getDataRange } = await import("@/lib/analytics/getDataRange");
const { getOverview } = await import("@/lib/analytics/getOverview");
const { getChurnResults } = await import("@/lib/analytics/getModelResults");
const { getValueBasis } = await import("@/lib/analytics/getValueBasis");
const { inMargin } = await import("@/lib/format");
const { getOpenUpgradeRequest } = await import("@/lib/billing");
const { loadPortfolio } = await import("@/lib/endpoints/portfolio");
const { getPortfolioFigures } = await import("@/lib/analytics/getPortfolioFigures");
const { buildChurnRun } = await import("@/lib/jobs/churnModel");
const { storeSucceededRun } = await import("@/lib/jobs/store");
const { ingestFile } = await import("@/lib/ingest");
const { BANK_FILES, writeBank } = await import("@/lib/synthetic");
const { addDays } = await import("@/lib/days");
const { withMerchantScope, withPortfolioScope } = await import("@/lib/tenancy/scope");

type Actor = NonNullable<Awaited<ReturnType<typeof loadActorIn>>>;
type Period = { from: string; to: string };

let database: Database;
let dir: string;
let admin: Actor;
let rm: Actor;
let merchantIds: number[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "portfolio-set-"));
  await writeBank(dir, { seed: 7, customers: 600, targetTransactions: 15_000 });
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  for (const [format, name] of [
    ["merchants", BANK_FILES.merchants],
    ["customers", BANK_FILES.customers],
    ["transactions", BANK_FILES.transactions],
  ] as const) {
    const report = await ingestFile(database, { format, file: path.join(dir, name) });
    if (!report.ok) throw new Error(`${name} failed to ingest: ${JSON.stringify(report.errors.slice(0, 3))}`);
  }
  merchantIds = (await queryRows<{ id: number }>(database.db, sql`select id from merchants order by id`)).map((r) => r.id);
  const [m0, m1, m2, m3] = merchantIds;
  // Plans: Pro (churn shown) with a churn run; Start (no churn) with a churn run and an open
  // request; a Pro trial; a Pro merchant without any run. The rest stay bank data (no plan).
  const churn = { ...buildChurnRun(syntheticChurnInputs()), outputs: [] };
  await database.db.transaction((tx) => setPlanIn(tx, m0, { plan: "pro", trial: false }, null));
  await storeSucceededRun(database, m0, "churn", churn, new Date());
  await database.db.transaction((tx) => setPlanIn(tx, m1, { plan: "start", trial: false }, null));
  await storeSucceededRun(database, m1, "churn", churn, new Date());
  await database.db.insert(upgradeRequests).values({ merchantId: m1, plan: "business" });
  await database.db.transaction((tx) => setPlanIn(tx, m2, { plan: "pro", trial: true }, null));
  await database.db.transaction((tx) => setPlanIn(tx, m3, { plan: "pro", trial: false }, null));
  // m0 set a gross margin of 35.5 % (issue 17): its revenue at risk shows in margin.
  await database.db.execute(sql`insert into merchant_settings (merchant_id, gross_margin_bp) values (${m0}, 3550)`);
  const adminUser = await seedUser(database, { bankRole: "bank_admin", prefix: "admin" });
  const rmUser = await seedUser(database, { bankRole: "relationship_manager", memberships: [[m1, "relationship_manager"], [m3, "relationship_manager"], [merchantIds[40], "relationship_manager"]], prefix: "rm" });
  admin = (await loadActorIn(database, adminUser.id))!;
  rm = (await loadActorIn(database, rmUser.id))!;
}, 900_000);
afterAll(async () => {
  await database?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The rows as loadPortfolio built them before issue 18: one scoped transaction per merchant. */
async function perMerchantReference(actor: Actor, requested: Period | null) {
  const rows = [];
  for (const access of await listMerchantAccessesIn(database, actor)) {
    const e = access.entitlements;
    const figures = await access.run(async (ctx) => {
      const range = await getDataRange(ctx);
      const period = requested ?? (range.lastDay ? { from: addDays(addDays(range.lastDay, 1), -30), to: addDays(range.lastDay, 1) } : null);
      const overview = period ? await getOverview(ctx, period) : null;
      const request = await getOpenUpgradeRequest(ctx.tx, ctx.merchant.id);
      const run = e.features.has("churn") ? await getChurnResults(ctx) : null;
      const s = run?.summary;
      const { grossMarginBp } = await getValueBasis(ctx);
      return {
        firstDay: range.firstDay,
        lastDay: range.lastDay,
        period,
        overview,
        upgradeRequest: request ? { plan: request.plan, requestedAt: request.requestedAt.toISOString() } : null,
        risk:
          s && s.scoredCustomers > 0
            ? { expectedShare: s.expectedChurners / s.scoredCustomers, revenueAtRiskMinor: inMargin(s.totalRevenueAtRiskMinor, grossMarginBp), grossMarginBp }
            : null,
      };
    });
    rows.push({
      slug: access.merchant.slug,
      name: access.merchant.name,
      mcc: access.merchant.mcc,
      currency: access.merchant.currency,
      role: access.role,
      plan: e.plan,
      status: e.status,
      trialEndsAt: e.status === "trialing" && e.endsAt ? e.endsAt.toISOString() : null,
      ...figures,
    });
  }
  return rows;
}

describe("portfolio, set-based", () => {
  it("a bank admin's portfolio of all 63 merchants equals the per-merchant reads, own periods", async () => {
    const portfolio = await loadPortfolio(admin, null);
    const reference = await perMerchantReference(admin, null);
    expect(portfolio.rows).toHaveLength(63);
    expect(portfolio.rows).toEqual(reference);
    // The fixture's cases are present, so the comparison covers them.
    const [m0, m1, m2] = merchantIds;
    const bySlug = new Map(portfolio.rows.map((r) => [r.slug, r]));
    const slugOf = async (id: number) => (await queryRows<{ slug: string }>(database.db, sql`select slug from merchants where id = ${id}`))[0].slug;
    const churn = buildChurnRun(syntheticChurnInputs()).summary;
    // In margin: round(total × 0.355), the merchant's setting beside it.
    expect(bySlug.get(await slugOf(m0))!.risk).toEqual({
      expectedShare: churn.expectedChurners / churn.scoredCustomers,
      revenueAtRiskMinor: Math.round(churn.totalRevenueAtRiskMinor * 0.355),
      grossMarginBp: 3550,
    });
    expect(bySlug.get(await slugOf(m1))).toMatchObject({ plan: "start", risk: null, upgradeRequest: { plan: "business" } });
    expect(bySlug.get(await slugOf(m2))!.status).toBe("trialing");
    expect(portfolio.rows.filter((r) => r.overview && r.overview.current.customers > 0).length).toBeGreaterThan(50);
    const latest = reference.map((r) => r.lastDay!).sort().at(-1)!;
    expect(portfolio.end).toBe(addDays(latest, 1));
  });

  it("with a requested period (a month, and one beyond the data) it equals the per-merchant reads", async () => {
    const latest = (await perMerchantReference(admin, null)).map((r) => r.lastDay!).sort().at(-1)!;
    const month = { from: `${addDays(latest, -40).slice(0, 7)}-01`, to: `${latest.slice(0, 7)}-01` };
    const portfolio = await loadPortfolio(admin, month);
    expect(portfolio.period).toEqual(month);
    expect(portfolio.rows).toEqual(await perMerchantReference(admin, month));
    const beyond = { from: addDays(latest, 10), to: addDays(latest, 17) };
    expect((await loadPortfolio(admin, beyond)).rows).toEqual(await perMerchantReference(admin, beyond));
  });

  it("a relationship manager's portfolio is their three merchants, equal to the per-merchant reads", async () => {
    const portfolio = await loadPortfolio(rm, null);
    expect(portfolio.rows.map((r) => r.role)).toEqual(["relationship_manager", "relationship_manager", "relationship_manager"]);
    expect(portfolio.rows).toEqual(await perMerchantReference(rm, null));
  });

  it("a portfolio scope reads the listed merchants' portfolio rows and nothing else", async () => {
    const [a, b] = merchantIds;
    const seen = await withPortfolioScope(database, [a], (tx) =>
      queryRows<{ daily: number; others: number; bitmaps: number; customers: number; requests: number; runs: number; settings: number }>(
        tx,
        sql`select (select count(*)::int from merchant_daily where merchant_id = ${a}) as daily,
                   (select count(*)::int from merchant_daily where merchant_id <> ${a}) as others,
                   (select count(*)::int from merchant_day_customer_bitmaps) as bitmaps,
                   (select count(*)::int from merchant_customers) as customers,
                   (select count(*)::int from upgrade_requests) as requests,
                   (select count(*)::int from model_runs) as runs,
                   (select count(*)::int from merchant_settings) as settings`,
      ),
    );
    const [own] = await queryRows<{ daily: number; bitmaps: number; customers: number; runs: number }>(
      database.db,
      sql`select (select count(*)::int from merchant_daily where merchant_id = ${a}) as daily,
                 (select count(*)::int from merchant_day_customer_bitmaps where merchant_id = ${a}) as bitmaps,
                 (select count(*)::int from merchant_customers where merchant_id = ${a}) as customers,
                 (select count(*)::int from model_runs where merchant_id = ${a}) as runs`,
    );
    expect(own.daily).toBeGreaterThan(0);
    expect(own.runs).toBe(1);
    expect(seen[0]).toEqual({ daily: own.daily, others: 0, bitmaps: own.bitmaps, customers: own.customers, requests: 0, runs: 1, settings: 1 });
    // Another merchant's portfolio does not see a's margin setting (drizzle/0032: the listed merchants' rows only).
    const [otherSettings] = await withPortfolioScope(database, [b], (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from merchant_settings`));
    expect(otherSettings.n).toBe(0);
    // The set is a bit string: the listed ids across bytes, and none of their neighbours.
    const last = merchantIds[62];
    const perMerchant = (tx: Parameters<Parameters<typeof withPortfolioScope>[2]>[0]) =>
      queryRows<{ merchant_id: number; n: number }>(tx, sql`select merchant_id, count(*)::int as n from merchant_daily group by merchant_id order by merchant_id`);
    const owner = new Map((await perMerchant(database.db as never)).map((r) => [r.merchant_id, r.n]));
    expect(await withPortfolioScope(database, [last, a, merchantIds[8]], perMerchant)).toEqual(
      [a, merchantIds[8], last].sort((x, y) => x - y).map((id) => ({ merchant_id: id, n: owner.get(id) })),
    );
    // Every other table is closed to the portfolio role (no grant), not merely empty.
    for (const table of ["transactions", "merchant_customer_daily", "merchants", "customers", "model_customer_outputs"]) {
      const refused = await withPortfolioScope(database, [a], (tx) => queryRows(tx, sql.raw(`select 1 from ${table} limit 1`))).then(
        () => "(no error)",
        (error: Error & { cause?: unknown }) => (error.cause instanceof Error ? error.cause.message : error.message),
      );
      expect(refused).toMatch(new RegExp(`permission denied for table ${table}`));
    }
    // A merchant scope does not see the other merchant through the portfolio policies…
    const [fromB] = await withMerchantScope(database, b, (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from merchant_daily where merchant_id = ${a}`));
    expect(fromB.n).toBe(0);
    // …and cannot set the portfolio list: the guard refuses SET, the role may not call set_config.
    await expect(withMerchantScope(database, b, (tx) => tx.execute(sql.raw(`set local app.portfolio_merchants = '01'`)))).rejects.toThrow(/not allowed inside a merchant scope/);
    const denied = await withMerchantScope(database, b, (tx) => tx.execute(sql`select set_config('app.portfolio_merchants', 'ff', true)`)).then(
      () => "(no error)",
      (error: Error & { cause?: unknown }) => (error.cause instanceof Error ? error.cause.message : error.message),
    );
    expect(denied).toMatch(/permission denied for function set_config/);
    await expect(withPortfolioScope(database, [], async () => 0)).rejects.toThrow(/no merchants/);
    await expect(withPortfolioScope(database, [a, 0], async () => 0)).rejects.toThrow(/invalid merchant id 0/);
    // Each part of the statement groups by merchant, so a merchant listed twice is refused rather than counted twice.
    await expect(withPortfolioScope(database, [a, b], (tx) => getPortfolioFigures(tx, [a, b, a], null, 30, []))).rejects.toThrow("getPortfolioFigures: a merchant is listed twice");
  });

  it("without a margin setting the revenue at risk stays revenue and says so (grossMarginBp null)", async () => {
    const [m0] = merchantIds;
    await database.db.execute(sql`delete from merchant_settings where merchant_id = ${m0}`);
    try {
      const portfolio = await loadPortfolio(admin, null);
      const churn = buildChurnRun(syntheticChurnInputs()).summary;
      const [{ slug }] = await queryRows<{ slug: string }>(database.db, sql`select slug from merchants where id = ${m0}`);
      expect(portfolio.rows.find((r) => r.slug === slug)!.risk).toEqual({
        expectedShare: churn.expectedChurners / churn.scoredCustomers,
        revenueAtRiskMinor: churn.totalRevenueAtRiskMinor,
        grossMarginBp: null,
      });
      expect(portfolio.rows).toEqual(await perMerchantReference(admin, null));
    } finally {
      await database.db.execute(sql`insert into merchant_settings (merchant_id, gross_margin_bp) values (${m0}, 3550)`);
    }
  });
});
