/**
 * The merchant API's tokens end to end on a real database (both dialects), through the real
 * route modules of /api/v1: created by owners only, shown once and stored as a hash, audited,
 * last use recorded, revoked -> 401, unknown/malformed/missing -> 401, a session cookie alone ->
 * 401, another merchant's slug -> 404 with the unknown-merchant body, the plan's entitlements,
 * the rate limit per token, the owner's removal disarming the token, and RLS on the token table.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { apiTokens, auditLog, memberships } from "@/db/schema";

const state = vi.hoisted(() => ({
  session: null as null | { user: { id: string } },
  database: undefined as Promise<unknown> | undefined,
}));
vi.mock("@/lib/auth/config", async () => (await import("../helpers/session")).mockAuthConfig(() => state.session));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedMerchant, seedUser } = await import("./tenancy-fixtures");
const tokens = await import("@/lib/auth/tokens");
const { ForbiddenError, NotFoundError } = await import("@/lib/auth/access");
const { setPlanIn } = await import("@/lib/billing");
const { withMerchantScope } = await import("@/lib/tenancy/scope");
const view = await import("@/app/api/v1/m/[slug]/[view]/route");
const exportRoute = await import("@/app/api/v1/m/[slug]/[view]/export/route");

let database: Database;
let a: { id: number; slug: string; name: string };
let b: { id: number; slug: string; name: string };
let ownerA: { id: string; email: string };
let ownerB: { id: string; email: string };
let viewerA: { id: string; email: string };
let admin: { id: string; email: string };

const manager = (user: { id: string; email: string }, merchant: { id: number }, role: string) => ({ actor: { userId: user.id, email: user.email }, merchant, role });
const call = (slug: string, name: string, query: string, headers: Record<string, string> = {}) =>
  view.GET(new Request(`http://localhost/api/v1/m/${slug}/${name}${query}`, { headers }), { params: Promise.resolve({ slug, view: name }) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PERIOD = "?from=2024-03-01&to=2024-03-03";

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  a = await seedMerchant(database, "Token Shop A", 4);
  b = await seedMerchant(database, "Token Shop B", 6);
  ownerA = await seedUser(database, { memberships: [[a.id, "merchant_owner"]] });
  ownerB = await seedUser(database, { memberships: [[b.id, "merchant_owner"]] });
  viewerA = await seedUser(database, { memberships: [[a.id, "merchant_viewer"]] });
  admin = await seedUser(database, { bankRole: "bank_admin" });
}, 120_000);
afterAll(async () => {
  await database?.close();
});
beforeEach(() => {
  state.session = null;
});
afterEach(() => {
  tokens.configureApiRateLimit(120, 60);
});

describe("creating and listing", () => {
  it("an owner gets the token once; only its SHA-256 and a short prefix are stored; the creation is audited", async () => {
    const { token, view: created } = await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "  Accounting sync ");
    expect(token).toMatch(/^mi_live_[A-Za-z0-9_-]{43}$/);
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row).toMatchObject({ merchantId: a.id, name: "Accounting sync", prefix: token.slice(0, 16), createdBy: ownerA.id, lastUsedAt: null, revokedAt: null });
    expect(row.tokenHash).toBe(tokens.hashApiToken(token));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    // Nothing stored holds the secret part of the token.
    expect(JSON.stringify(row)).not.toContain(token.slice(16));
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.merchantId, a.id), eq(auditLog.action, "api_token.create")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: ownerA.id, target: token.slice(0, 16), details: { name: "Accounting sync" } });
    const list = await tokens.listApiTokensIn(database, manager(ownerA, a, "merchant_owner"));
    expect(list.map((t) => t.prefix)).toContain(token.slice(0, 16));
    expect(Object.keys(list[0]).sort()).toEqual(["createdAt", "createdByEmail", "id", "lastUsedAt", "name", "prefix", "revokedAt"]);
  });

  it("viewers and bank staff may not create, list or revoke; a bad name changes nothing", async () => {
    const before = await database.db.select().from(apiTokens);
    await expect(tokens.createApiTokenIn(database, manager(viewerA, a, "merchant_viewer"), "x")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(tokens.createApiTokenIn(database, manager(admin, a, "bank_admin"), "x")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(tokens.listApiTokensIn(database, manager(viewerA, a, "merchant_viewer"))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "   ")).rejects.toMatchObject({ code: "invalid_input", status: 400 });
    await expect(tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "x".repeat(81))).rejects.toMatchObject({ code: "invalid_input" });
    expect(await database.db.select().from(apiTokens)).toEqual(before);
  });

  it(`at most ${tokens.MAX_ACTIVE_TOKENS} active tokens per merchant`, async () => {
    const m = await seedMerchant(database, "Many tokens", 1);
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    for (let i = 0; i < tokens.MAX_ACTIVE_TOKENS; i++) await tokens.createApiTokenIn(database, manager(owner, m, "merchant_owner"), `t${i}`);
    await expect(tokens.createApiTokenIn(database, manager(owner, m, "merchant_owner"), "one more")).rejects.toMatchObject({ code: "too_many", status: 409 });
  });
});

describe("calling /api/v1 with a token", () => {
  it("answers the merchant's view, records the last use, and carries the rate-limit headers", async () => {
    const { token, view: created } = await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "reader");
    const res = await call(a.slug, "overview", PERIOD, bearer(token));
    expect(res.status).toBe(200);
    const body = await res.json();
    // tenancy-fixtures: 4 purchases of 1000..1003 over two days, one refund of 500.
    expect(body.current).toMatchObject({ purchases: 4, refunds: 1, grossSalesMinor: 4006, refundsMinor: 500, netRevenueMinor: 3506 });
    expect(res.headers.get("x-ratelimit-limit")).toBe("120");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("119");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row.lastUsedAt).toBeInstanceOf(Date);
    expect(Math.abs(row.lastUsedAt!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("401 without a token, with a malformed or unknown one, and with a session cookie alone", async () => {
    const missing = await call(a.slug, "overview", PERIOD);
    expect([missing.status, await missing.json()]).toEqual([401, { error: "unauthorized" }]);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="merchant-api"');
    expect((await call(a.slug, "overview", PERIOD, { authorization: "Bearer nope" })).status).toBe(401);
    expect((await call(a.slug, "overview", PERIOD, bearer(`mi_live_${"A".repeat(43)}`))).status).toBe(401);
    expect((await call(a.slug, "overview", PERIOD, { authorization: `Basic ${btoa("a:b")}` })).status).toBe(401);
    // The owner is signed in (the session the cookie would carry): /api/v1 ignores it.
    state.session = { user: { id: ownerA.id } };
    expect((await call(a.slug, "overview", PERIOD, { cookie: "authjs.session-token=x" })).status).toBe(401);
  });

  it("a token of merchant A asking for merchant B answers 404 with the unknown-merchant body", async () => {
    const { token } = await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "A only");
    const other = await call(b.slug, "overview", PERIOD, bearer(token));
    const unknown = await call("no-such-shop", "overview", PERIOD, bearer(token));
    const unknownView = await call(a.slug, "no-such-view", PERIOD, bearer(token));
    expect([other.status, unknown.status, unknownView.status]).toEqual([404, 404, 404]);
    const bodies = [await other.text(), await unknown.text(), await unknownView.text()];
    expect(bodies).toEqual([JSON.stringify({ error: "not found" }), bodies[0], bodies[0]]);
  });

  it("revoked -> 401 at once; the revocation is audited; revoking twice or another merchant's token is 404", async () => {
    const { token, view: created } = await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "short-lived");
    expect((await call(a.slug, "overview", PERIOD, bearer(token))).status).toBe(200);
    await expect(tokens.revokeApiTokenIn(database, manager(ownerB, b, "merchant_owner"), created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(tokens.revokeApiTokenIn(database, manager(viewerA, a, "merchant_viewer"), created.id)).rejects.toBeInstanceOf(ForbiddenError);
    await tokens.revokeApiTokenIn(database, manager(ownerA, a, "merchant_owner"), created.id);
    expect((await call(a.slug, "overview", PERIOD, bearer(token))).status).toBe(401);
    await expect(tokens.revokeApiTokenIn(database, manager(ownerA, a, "merchant_owner"), created.id)).rejects.toBeInstanceOf(NotFoundError);
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.merchantId, a.id), eq(auditLog.action, "api_token.revoke")));
    expect(audit.map((e) => e.target)).toContain(created.prefix);
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row).toMatchObject({ revokedBy: ownerA.id });
  });

  it("a token stops working when its owner loses the ownership", async () => {
    const m = await seedMerchant(database, "Owner leaves", 2);
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    const { token } = await tokens.createApiTokenIn(database, manager(owner, m, "merchant_owner"), "leaver");
    expect((await call(m.slug, "overview", PERIOD, bearer(token))).status).toBe(200);
    await database.db.update(memberships).set({ role: "merchant_viewer" }).where(and(eq(memberships.userId, owner.id), eq(memberships.merchantId, m.id)));
    expect((await call(m.slug, "overview", PERIOD, bearer(token))).status).toBe(401);
  });

  it("the plan's entitlements: a Start merchant's token reads the overview, not churn, and exports nothing", async () => {
    const m = await seedMerchant(database, "Start plan", 2);
    const owner = await seedUser(database, { memberships: [[m.id, "merchant_owner"]] });
    await setPlanIn(database.db, m.id, { plan: "start", trial: false }, null);
    const { token } = await tokens.createApiTokenIn(database, manager(owner, m, "merchant_owner"), "start");
    expect((await call(m.slug, "overview", PERIOD, bearer(token))).status).toBe(200);
    const churn = await call(m.slug, "churn", "", bearer(token));
    expect([churn.status, await churn.json()]).toEqual([403, { error: "feature locked", feature: "churn", requiredPlan: "pro" }]);
    const exp = await exportRoute.GET(new Request(`http://localhost/api/v1/m/${m.slug}/overview/export${PERIOD}&format=csv`, { headers: bearer(token) }), {
      params: Promise.resolve({ slug: m.slug, view: "overview" }),
    });
    expect([exp.status, await exp.json()]).toEqual([403, { error: "feature locked", feature: "exports", requiredPlan: "business" }]);
  });

  it("exports the view's tables as CSV and XLSX with a token (bank-data merchant: every feature)", async () => {
    const { token } = await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "export");
    const get = (format: string) =>
      exportRoute.GET(new Request(`http://localhost/api/v1/m/${a.slug}/overview/export${PERIOD}&format=${format}&lang=en`, { headers: bearer(token) }), {
        params: Promise.resolve({ slug: a.slug, view: "overview" }),
      });
    const csv = await get("csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="overview-${a.slug}.csv"`);
    const lines = (await csv.text()).split("\r\n");
    expect(lines[0]).toBe(
      'From,To (exclusive),"Net revenue, RUB","Gross sales, RUB","Refunds, RUB",Purchases,Refunds (count),Customers,New customers,Returning customers,"Average check, RUB",Purchase frequency',
    );
    expect(lines[1]).toBe("2024-03-01,2024-03-03,35.06,40.06,5.00,4,1,3,3,0,10.02,1.3333");
    const xlsx = await get("xlsx");
    expect(xlsx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const bytes = new Uint8Array(await xlsx.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]); // a zip (OOXML)
  });

  it("a malformed id in the path is 404 (session /campaigns/{id}); in the query string 400 (token API)", async () => {
    const report = await import("@/app/api/m/[slug]/campaigns/[id]/route");
    state.session = { user: { id: ownerA.id } };
    const res = await report.GET(new Request(`http://localhost/api/m/${a.slug}/campaigns/abc`), { params: Promise.resolve({ slug: a.slug, id: "abc" }) });
    expect([res.status, await res.json()]).toEqual([404, { error: "not found" }]);
    const { token } = await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "ids");
    const bad = await call(a.slug, "campaign-report", "?id=abc", bearer(token));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe("invalid request");
    expect((await call(a.slug, "campaign-report", "?id=999999", bearer(token))).status).toBe(404);
  });

  it("rate limit per token: past the limit 429 with Retry-After; another token is not affected", async () => {
    tokens.configureApiRateLimit(3, 60);
    const { token } = await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "busy");
    const { token: other } = await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "calm");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(a.slug, "data-range", "", bearer(token))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call(a.slug, "data-range", "", bearer(token));
    expect(await limited.json()).toEqual({ error: "too many requests" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect((await call(a.slug, "data-range", "", bearer(other))).status).toBe(200);
    // Counted in the database (RateLimiterDrizzle over api_rate_limits), by token id, never by token.
    const keys = (await queryRows<{ key: string }>(database.db, sql`select key from api_rate_limits`)).map((r) => r.key);
    expect(keys.some((k) => k.startsWith("api-token:"))).toBe(true);
    expect(keys.join(" ")).not.toContain("mi_live_");
  });
});

describe("row-level security on api_tokens", () => {
  it("a merchant scope sees its own tokens' public columns, never a hash, never another merchant's token", async () => {
    await tokens.createApiTokenIn(database, manager(ownerA, a, "merchant_owner"), "a's");
    await tokens.createApiTokenIn(database, manager(ownerB, b, "merchant_owner"), "b's");
    const own = await withMerchantScope(database, a.id, (tx) => queryRows<{ merchant_id: number }>(tx, sql`select merchant_id from api_tokens`));
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((r) => r.merchant_id))).toEqual(new Set([a.id]));
    // drizzle wraps the database's error; its cause carries PostgreSQL's message.
    const failure = async (query: ReturnType<typeof sql>) => {
      try {
        await withMerchantScope(database, a.id, (tx) => queryRows(tx, query));
        return "no error";
      } catch (err) {
        return String((err as { cause?: unknown }).cause ?? err);
      }
    };
    expect(await failure(sql`select token_hash from api_tokens`)).toMatch(/permission denied/);
    expect(await failure(sql`select key from api_rate_limits`)).toMatch(/permission denied/);
  });
});
