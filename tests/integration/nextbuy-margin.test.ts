/**
 * Issue 17, "speak in money and dates", on a real database (PGlite and PostgreSQL):
 * - a stored CLV run (format 4) carries each customer's next purchase, equal to the pure model
 *   (lib/models/nextPurchase.ts) on the same summary and fit, and the value endpoint serves it
 *   with the merchant's value basis;
 * - the gross margin setting: round trip (set, change, clear) with audit entries, refusal of bad
 *   input and of a viewer with nothing written, another merchant's owner cannot reach it, and a
 *   merchant scope reads only its own row (RLS).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { auditLog, merchantSettings } from "@/db/schema";

const state = vi.hoisted(() => ({ database: undefined as Promise<unknown> | undefined }));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedBank } = await import("./jobs-seed");
const { seedUser } = await import("./tenancy-fixtures");
const { scoped } = await import("./analytics-seed");
const { runMerchantModels } = await import("@/lib/jobs/runModels");
const { readRfm, waitDay } = await import("@/lib/jobs/clv");
const { getCustomerValueList, getCustomerValueResults } = await import("@/lib/analytics/getModelResults");
const { getValueBasis } = await import("@/lib/analytics/getValueBasis");
const { probabilityPurchaseWithin } = await import("@/lib/models/mbgnbd");
const { nextPurchaseForecast } = await import("@/lib/models/nextPurchase");
const { loadActorIn, resolveMerchantAccessIn } = await import("@/lib/auth/access");
const { getGrossMargin, parseGrossMarginPercent, setGrossMargin } = await import("@/lib/accounts/settings");
const { customerValue } = await import("@/lib/endpoints/views/customerValue");
const { churn } = await import("@/lib/endpoints/views/churn");
const { withMerchantScope } = await import("@/lib/tenancy/scope");

type Ref = { id: number; slug: string; name: string; mcc: string; currency: string; timeZone: string };

let database: Database;
let a: Ref;
let b: Ref;
let users: Record<"ownerA" | "viewerA" | "rmA" | "ownerB", { id: string; email: string }>;

/** 30 repeat customers of A (2–5 visits, 7–19 days apart), one customer of B. */
function txs(): [string, number, number, string][] {
  const out: [string, number, number, string][] = [];
  for (let i = 0; i < 30; i++) {
    const visits = 2 + (i % 4);
    const gap = 7 + (i % 5) * 3;
    for (let k = 0; k < visits; k++) out.push(["A", i, 1000 + 100 * i + 10 * k, new Date(Date.UTC(2024, 0, 1 + i + k * gap)).toISOString().slice(0, 10)]);
  }
  out.push(["B", 30, 500, "2024-03-01"]);
  return out;
}

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  const seeded = await seedBank(database, {
    merchants: { A: { mcc: "5411" }, B: { mcc: "5411" } },
    customers: Array.from({ length: 31 }, (_, i) => ({ gender: i % 2 ? "male" : "female", birthYear: 1970 + i })),
    txs: txs(),
  });
  a = seeded.merchants.A;
  b = seeded.merchants.B;
  users = {
    ownerA: await seedUser(database, { memberships: [[a.id, "merchant_owner"]], prefix: "owner-a" }),
    viewerA: await seedUser(database, { memberships: [[a.id, "merchant_viewer"]], prefix: "viewer-a" }),
    rmA: await seedUser(database, { bankRole: "relationship_manager", memberships: [[a.id, "relationship_manager"]], prefix: "rm-a" }),
    ownerB: await seedUser(database, { memberships: [[b.id, "merchant_owner"]], prefix: "owner-b" }),
  };
}, 180_000);
afterAll(async () => {
  await database?.close();
});

const accessOf = async (userId: string, m: Ref) => resolveMerchantAccessIn(database, (await loadActorIn(database, userId))!, m.slug);

describe("next purchase in the stored CLV run", () => {
  it("every output carries the chances within 30 / 90 days and the next purchase the model gives for its summary", async () => {
    const [outcome] = await runMerchantModels(database, a.id, { kinds: ["clv"] });
    expect(outcome).toMatchObject({ kind: "clv", status: "succeeded", customers: 30 });
    const run = (await scoped(database, a, (ctx) => getCustomerValueResults(ctx)))!;
    expect(run.params.nextPurchase).toEqual({ horizonDays: 365.25, quantiles: [0.1, 0.5, 0.9], threshold: 0.5, chanceDays: [30, 90] });
    const list = (await scoped(database, a, (ctx) => getCustomerValueList(ctx, { limit: 100 })))!;
    expect(list.rows).toHaveLength(30);
    const rfm = new Map((await readRfm(database, a, run.params.calibrationEnd, "week")).map((c) => [c.customerId, c]));
    const bg = run.metrics.mbgnbd;
    const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
    let expected = 0;
    for (const row of list.rows) {
      const c = rfm.get(row.customerId)!;
      const s = { x: c.x, tx: c.tx, T: c.T };
      expect(row.pBuy30d).toBe(round6(probabilityPurchaseWithin(bg, s, 30 / 7)));
      expect(row.pBuy90d).toBe(round6(probabilityPurchaseWithin(bg, s, 90 / 7)));
      expect(row.pBuy30d).toBeLessThanOrEqual(row.pBuy90d);
      expect(row.pBuy90d).toBeLessThanOrEqual(row.pBuyAgain12m);
      const f = nextPurchaseForecast(bg, s, { horizon: 365.25 / 7, quantiles: [0.1, 0.5, 0.9], threshold: 0.5 });
      if (f.wait === null) {
        expect(row.nextPurchase).toBeNull();
        expect(row.pBuyAgain12m).toBeLessThan(0.5);
      } else {
        expected += 1;
        expect(row.nextPurchase).toEqual({
          from: waitDay(run.params.calibrationEnd, f.wait.low * 7),
          median: waitDay(run.params.calibrationEnd, f.wait.median * 7),
          to: waitDay(run.params.calibrationEnd, f.wait.high * 7),
        });
        const { from, median, to } = row.nextPurchase!;
        expect(run.params.calibrationEnd < from && from <= median && median <= to).toBe(true);
      }
    }
    expect(run.summary.nextPurchaseExpected).toBe(expected);
    expect(expected).toBeGreaterThan(0);
    expect(run.summary.expectedBuyers30d).toBeCloseTo(list.rows.reduce((s, r) => s + r.pBuy30d, 0), 1);
    expect(run.summary.expectedBuyers90d).toBeCloseTo(list.rows.reduce((s, r) => s + r.pBuy90d, 0), 1);
  });

  it("the value endpoint serves the 20 highest-value customers with their next purchase, and the value basis", async () => {
    const access = (await accessOf(users.viewerA.id, a))!;
    const page = await customerValue.load(access, {});
    expect(page.run).not.toBeNull();
    expect(page.customers).toHaveLength(20);
    expect(page.customers.map((r) => r.clvMinor)).toEqual([...page.customers.map((r) => r.clvMinor)].sort((x, y) => y - x));
    expect(page.customers.every((r) => "nextPurchase" in r && r.pBuy30d >= 0)).toBe(true);
    expect(page.valueBasis).toEqual({ grossMarginBp: null });
  });
});

describe("gross margin setting", () => {
  const auditRows = (merchantId: number) =>
    database.db
      .select({ action: auditLog.action, target: auditLog.target, details: auditLog.details, actor: auditLog.actorEmail })
      .from(auditLog)
      .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.action, "settings.set")))
      .orderBy(auditLog.id);

  it("parses a percentage into basis points, and refuses 0, above 100, text and 3 decimals with a clear error", () => {
    expect(parseGrossMarginPercent("35")).toBe(3500);
    expect(parseGrossMarginPercent(" 35,5 % ")).toBe(3550);
    expect(parseGrossMarginPercent("0.01")).toBe(1);
    expect(parseGrossMarginPercent("100")).toBe(10_000);
    expect(parseGrossMarginPercent("")).toBeNull();
    expect(() => parseGrossMarginPercent("0")).toThrow(/more than 0 % and at most 100 %, got 0 %/);
    expect(() => parseGrossMarginPercent("100.01")).toThrow(/more than 0 % and at most 100 %/);
    expect(() => parseGrossMarginPercent("abc")).toThrow(/percentage with at most 2 decimals, got "abc"/);
    expect(() => parseGrossMarginPercent("-5")).toThrow(/percentage with at most 2 decimals/);
    expect(() => parseGrossMarginPercent("12.345")).toThrow(/at most 2 decimals/);
    expect(() => parseGrossMarginPercent("1e2")).toThrow(/at most 2 decimals/);
  });

  it("round trip: the owner sets 35 %, the RM changes it to 42.5 %, the owner clears it; each change audit-logged, a repeat writes nothing", async () => {
    const owner = (await accessOf(users.ownerA.id, a))!;
    const rm = (await accessOf(users.rmA.id, a))!;
    expect(await setGrossMargin(database, owner, 3500)).toBe(3500);
    expect(await getGrossMargin(database, a.id)).toBe(3500);
    expect(await scoped(database, a, (ctx) => getValueBasis(ctx))).toEqual({ grossMarginBp: 3500 });
    expect((await customerValue.load(owner, {})).valueBasis).toEqual({ grossMarginBp: 3500 });
    expect((await churn.load(owner, {})).valueBasis).toEqual({ grossMarginBp: 3500 });
    expect(await setGrossMargin(database, owner, 3500)).toBe(3500); // unchanged: no audit entry
    expect(await setGrossMargin(database, rm, 4250)).toBe(4250);
    expect(await getGrossMargin(database, a.id)).toBe(4250);
    expect(await setGrossMargin(database, owner, null)).toBeNull();
    expect(await getGrossMargin(database, a.id)).toBeNull();
    expect(await scoped(database, a, (ctx) => getValueBasis(ctx))).toEqual({ grossMarginBp: null });
    expect(await auditRows(a.id)).toEqual([
      { action: "settings.set", target: "grossMargin", details: { fromBp: null, toBp: 3500 }, actor: users.ownerA.email },
      { action: "settings.set", target: "grossMargin", details: { fromBp: 3500, toBp: 4250 }, actor: users.rmA.email },
      { action: "settings.set", target: "grossMargin", details: { fromBp: 4250, toBp: null }, actor: users.ownerA.email },
    ]);
  });

  it("refuses a viewer and out-of-range values, changing nothing", async () => {
    const owner = (await accessOf(users.ownerA.id, a))!;
    const viewer = (await accessOf(users.viewerA.id, a))!;
    await setGrossMargin(database, owner, 2000);
    const before = (await auditRows(a.id)).length;
    await expect(setGrossMargin(database, viewer, 3000)).rejects.toMatchObject({ code: "forbidden", status: 403 });
    for (const bad of [0, 10_001, 12.5, -100, Number.NaN]) {
      await expect(setGrossMargin(database, owner, bad)).rejects.toMatchObject({ code: "invalid_input", status: 400 });
    }
    expect(await getGrossMargin(database, a.id)).toBe(2000);
    expect((await auditRows(a.id)).length).toBe(before);
    // The database refuses it too (check constraint), whatever the caller.
    const raw = await database.db
      .update(merchantSettings)
      .set({ grossMarginBp: 0 })
      .where(eq(merchantSettings.merchantId, a.id))
      .then(
        () => "written",
        () => "refused",
      );
    expect(raw).toBe("refused");
    expect(await getGrossMargin(database, a.id)).toBe(2000);
  });

  it("another merchant's owner cannot reach A's setting, and B's scope never sees A's row (RLS)", async () => {
    expect(await accessOf(users.ownerB.id, a)).toBeNull();
    const ownerB = (await accessOf(users.ownerB.id, b))!;
    await setGrossMargin(database, ownerB, 5000);
    expect(await getGrossMargin(database, a.id)).toBe(2000);
    expect(await getGrossMargin(database, b.id)).toBe(5000);
    const seen = await withMerchantScope(database, b.id, (tx) =>
      queryRows<{ merchant_id: number; bp: number }>(tx, sql`select merchant_id, gross_margin_bp as bp from merchant_settings order by merchant_id`),
    );
    expect(seen.map((r) => [Number(r.merchant_id), Number(r.bp)])).toEqual([[b.id, 5000]]);
    // Even asking for A inside B's scope returns nothing.
    expect(await scoped(database, b, (ctx) => getValueBasis({ ...ctx, merchant: a }))).toEqual({ grossMarginBp: null });
    // The scoped role cannot write settings at all.
    const write = await withMerchantScope(database, b.id, (tx) => queryRows(tx, sql`update merchant_settings set gross_margin_bp = 1`)).then(
      () => "allowed",
      () => "denied",
    );
    expect(write).toBe("denied");
    expect(await getGrossMargin(database, b.id)).toBe(5000);
  });
});
