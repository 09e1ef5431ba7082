/**
 * Upgrade requests (issue 19, item 6) on a real database: the owner asks in one click, the
 * merchant's relationship manager gets an e-mail and sees the request (with plan and churn-risk
 * columns) in the portfolio; asking again replaces the plan; a viewer, a lower plan or the same
 * plan are refused with nothing written; setting a plan at or above it closes the request; a
 * merchant scope reads only its own requests (RLS).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq, isNull, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { auditLog, upgradeRequests } from "@/db/schema";

const state = vi.hoisted(() => ({ database: undefined as Promise<unknown> | undefined }));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedMerchant, seedUser } = await import("./tenancy-fixtures");
const { requestUpgrade } = await import("@/lib/accounts/upgrades");
const { loadActorIn, resolveMerchantAccessIn } = await import("@/lib/auth/access");
const { setPlanIn, getOpenUpgradeRequest } = await import("@/lib/billing");
const { listOutbox } = await import("@/lib/mail");
const { loadPortfolio } = await import("@/lib/endpoints/portfolio");
const { withMerchantScope } = await import("@/lib/tenancy/scope");

const ORIGIN = "http://127.0.0.1:3109";
let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
}, 60_000);
afterAll(async () => {
  await database?.close();
});

async function startMerchant(name: string) {
  const m = await seedMerchant(database, name, 4);
  await database.db.transaction((tx) => setPlanIn(tx, m.id, { plan: "start", trial: false }, null));
  const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]], prefix: "owner" });
  const viewer = await seedUser(database, { memberships: [[m.id, "merchant_viewer"]], prefix: "viewer" });
  const rm = await seedUser(database, { bankRole: "relationship_manager", memberships: [[m.id, "relationship_manager"]], prefix: "rm" });
  const access = async (userId: string) => (await resolveMerchantAccessIn(database, (await loadActorIn(database, userId))!, m.slug))!;
  return { m, owner, viewer, rm, access };
}

const openRows = (merchantId: number) =>
  database.db.select().from(upgradeRequests).where(and(eq(upgradeRequests.merchantId, merchantId), isNull(upgradeRequests.closedAt)));

describe("upgrade requests", () => {
  it("the owner asks in one click: one open request, the RM e-mailed with plan and price, an audit entry", async () => {
    const { m, owner, rm, access } = await startMerchant("Upgrade Bakery");
    const result = await requestUpgrade(database, await access(owner.id), "pro", ORIGIN);
    expect(result).toMatchObject({ plan: "pro", notified: 1 });
    expect((await openRows(m.id)).map((r) => r.plan)).toEqual(["pro"]);
    const mail = await listOutbox(database.db, { merchantId: m.id, to: rm.email });
    expect(mail).toHaveLength(1);
    expect(mail[0].subject).toBe("Upgrade Bakery asks for the Pro plan");
    expect(mail[0].text).toContain(`${owner.email} of Upgrade Bakery asks to move to the Pro plan (RUB\u00a04,900.00 a month).`);
    expect(mail[0].text).toContain(`${ORIGIN}/portfolio`);
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.id), eq(auditLog.action, "upgrade.request")));
    expect(audit.map((a) => [a.actorEmail, a.target])).toEqual([[owner.email, "pro"]]);

    // Asking again (for Business) replaces the open request rather than adding one.
    await requestUpgrade(database, await access(owner.id), "business", ORIGIN);
    expect((await openRows(m.id)).map((r) => r.plan)).toEqual(["business"]);
  });

  it("refuses a viewer, the current plan and a lower one, writing nothing", async () => {
    const { m, owner, viewer, access } = await startMerchant("Refusing Shop");
    await expect(requestUpgrade(database, await access(viewer.id), "pro", ORIGIN)).rejects.toMatchObject({ code: "not_allowed", status: 403 });
    await expect(requestUpgrade(database, await access(owner.id), "start", ORIGIN)).rejects.toMatchObject({ code: "invalid_input", status: 400 });
    await database.db.transaction((tx) => setPlanIn(tx, m.id, { plan: "pro", trial: false }, null));
    await expect(requestUpgrade(database, await access(owner.id), "pro", ORIGIN)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(requestUpgrade(database, await access(owner.id), "nope" as "pro", ORIGIN)).rejects.toMatchObject({ code: "invalid_input" });
    expect(await openRows(m.id)).toEqual([]);
    expect(await database.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.id), eq(auditLog.action, "upgrade.request")))).toEqual([]);
  });

  it("the RM's portfolio shows the request and the plan; setting the plan closes it; a lower plan does not", async () => {
    const { m, owner, rm, access } = await startMerchant("Portfolio Grocer");
    await requestUpgrade(database, await access(owner.id), "business", ORIGIN);
    const rmActor = (await loadActorIn(database, rm.id))!;
    const row = (await loadPortfolio(rmActor, null)).rows.find((r) => r.slug === m.slug)!;
    expect(row).toMatchObject({ plan: "start", status: "active", trialEndsAt: null, upgradeRequest: { plan: "business" }, risk: null });

    await database.db.transaction((tx) => setPlanIn(tx, m.id, { plan: "pro", trial: true }, null));
    expect((await openRows(m.id)).map((r) => r.plan)).toEqual(["business"]);
    const trial = (await loadPortfolio(rmActor, null)).rows.find((r) => r.slug === m.slug)!;
    expect(trial).toMatchObject({ plan: "pro", status: "trialing", upgradeRequest: { plan: "business" } });
    expect(trial.trialEndsAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    await database.db.transaction((tx) => setPlanIn(tx, m.id, { plan: "business", trial: false }, null));
    expect(await openRows(m.id)).toEqual([]);
    expect((await loadPortfolio(rmActor, null)).rows.find((r) => r.slug === m.slug)!.upgradeRequest).toBeNull();
  });

  it("a merchant scope reads its own open request and never another merchant's (RLS)", async () => {
    const a = await startMerchant("Scoped A");
    const b = await startMerchant("Scoped B");
    await requestUpgrade(database, await a.access(a.owner.id), "pro", ORIGIN);
    expect(await withMerchantScope(database, a.m.id, (tx) => getOpenUpgradeRequest(tx, a.m.id))).toMatchObject({ plan: "pro" });
    // B's scope asks for A's request by id: the policy hides it.
    expect(await withMerchantScope(database, b.m.id, (tx) => getOpenUpgradeRequest(tx, a.m.id))).toBeNull();
    const visible = await withMerchantScope(database, b.m.id, (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from upgrade_requests`));
    expect(visible[0].n).toBe(0);
  });
});
