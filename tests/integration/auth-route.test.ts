/**
 * The one wrapper (lib/auth/access.ts) end to end, without a Next server: the session comes from
 * a mocked `@/lib/auth/config` (auth()), the process database is this file's test database.
 * Proves: signed out -> 401; another merchant's slug -> 404 with the same body as an unknown
 * slug; own slug -> the handler runs and run() sees only its merchant's rows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db/client";

const state = vi.hoisted(() => ({
  session: null as null | { user: { id: string } },
  database: undefined as Promise<unknown> | undefined,
}));

vi.mock("@/lib/auth/config", async () => (await import("../helpers/session")).mockAuthConfig(() => state.session));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return {
    ...original,
    getDatabase: () => {
      if (!state.database) throw new Error("test database not open");
      return state.database;
    },
  };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedMerchant, seedUser } = await import("./tenancy-fixtures");
const access = await import("@/lib/auth/access");
const { NotFoundError, UnauthorizedError, ForbiddenError, withActorRoute, withMerchantAction, withMerchantRoute, getActor, assertRole } = access;

let database: Database;
let a: { id: number; slug: string };
let b: { id: number; slug: string };
let ownerA: { id: string; email: string };
let viewerA: { id: string; email: string };

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  a = await seedMerchant(database, "Shop A", 4);
  b = await seedMerchant(database, "Shop B", 6);
  ownerA = await seedUser(database, { memberships: [[a.id, "merchant_owner"]] });
  viewerA = await seedUser(database, { memberships: [[a.id, "merchant_viewer"]] });
});
afterAll(async () => {
  await database?.close();
});
beforeEach(() => {
  state.session = null;
});

const signIn = (userId: string) => {
  state.session = { user: { id: userId } };
};
const get = (path: string) => new Request(`http://localhost${path}`);
const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });

/** A route that reports which merchants' transactions its scoped transaction can see. */
const handlerCalls: string[] = [];
const transactionsRoute = withMerchantRoute(async (_req, acc) => {
  handlerCalls.push(acc.merchant.slug);
  const rows = await acc.run(({ tx }) =>
    queryRows<{ merchant_id: number; n: number }>(tx, sql`select merchant_id, count(*)::int as n from transactions group by 1`),
  );
  return Response.json({ merchant: acc.merchant.slug, role: acc.role, rows });
});

describe("withMerchantRoute", () => {
  it("answers 401 JSON without a session, and does not run the handler", async () => {
    handlerCalls.length = 0;
    const res = await transactionsRoute(get(`/api/merchants/${a.slug}/x`), ctx({ slug: a.slug }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "unauthorized" });
    expect(handlerCalls).toEqual([]);
  });

  it("answers 401 for a valid token of a deleted user", async () => {
    signIn("00000000-0000-0000-0000-000000000000");
    const res = await transactionsRoute(get("/x"), ctx({ slug: a.slug }));
    expect(res.status).toBe(401);
  });

  it("answers another merchant's slug exactly like an unknown slug (404, same body), without running the handler", async () => {
    signIn(ownerA.id);
    handlerCalls.length = 0;
    const other = await transactionsRoute(get(`/api/merchants/${b.slug}/x`), ctx({ slug: b.slug }));
    const unknown = await transactionsRoute(get("/api/merchants/no-such-shop/x"), ctx({ slug: "no-such-shop" }));
    const malformed = await transactionsRoute(get("/api/merchants/..%2F/x"), ctx({ slug: "../" }));
    expect([other.status, unknown.status, malformed.status]).toEqual([404, 404, 404]);
    const bodies = [await other.text(), await unknown.text(), await malformed.text()];
    expect(bodies).toEqual([JSON.stringify({ error: "not found" }), bodies[0], bodies[0]]);
    expect(other.headers.get("cache-control")).toBe("private, no-store");
    expect(handlerCalls).toEqual([]);
  });

  it("runs the handler for the actor's own merchant, and run() sees only that merchant's rows", async () => {
    signIn(ownerA.id);
    const res = await transactionsRoute(get(`/api/merchants/${a.slug}/x`), ctx({ slug: a.slug }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ merchant: a.slug, role: "merchant_owner", rows: [{ merchant_id: a.id, n: 5 }] });
  });

  it("maps handler errors: ZodError -> 400 with issues, NotFoundError -> 404, ForbiddenError -> 403, other -> 500 (logged)", async () => {
    signIn(viewerA.id);
    const route = withMerchantRoute(async (req, acc) => {
      const mode = new URL(req.url).searchParams.get("mode");
      if (mode === "zod") z.object({ from: z.string() }).parse({});
      if (mode === "notfound") throw new NotFoundError();
      if (mode === "forbidden") assertRole(acc, ["merchant_owner", "bank_admin"]);
      throw new Error("boom: secret detail");
    });
    const call = (mode: string) => route(get(`/x?mode=${mode}`), ctx({ slug: a.slug }));

    const zod = await call("zod");
    expect(zod.status).toBe(400);
    const body = await zod.json();
    expect(body.error).toBe("invalid request");
    expect(body.issues).toEqual([expect.objectContaining({ path: ["from"], code: "invalid_type" })]);

    const nf = await call("notfound");
    expect([nf.status, await nf.json()]).toEqual([404, { error: "not found" }]);
    const forbidden = await call("forbidden");
    expect([forbidden.status, await forbidden.json()]).toEqual([403, { error: "forbidden" }]);

    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const boom = await call("boom");
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: "internal error" });
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0][0])).toContain("GET /x");
    log.mockRestore();
  });

  it("passes the other route params through", async () => {
    signIn(ownerA.id);
    const route = withMerchantRoute<{ slug: string; id: string }>(async (_req, acc, params) =>
      Response.json({ slug: acc.merchant.slug, id: params.id }),
    );
    const res = await route(get("/x"), ctx({ slug: a.slug, id: "42" }));
    expect(await res.json()).toEqual({ slug: a.slug, id: "42" });
  });
});

describe("withActorRoute", () => {
  const route = withActorRoute(async (_req, actor) => Response.json({ userId: actor.userId }));
  it("401 signed out, the actor signed in", async () => {
    expect((await route(get("/api/portfolio"))).status).toBe(401);
    signIn(ownerA.id);
    const res = await route(get("/api/portfolio"));
    expect([res.status, await res.json()]).toEqual([200, { userId: ownerA.id }]);
  });
});

describe("withMerchantAction", () => {
  const action = withMerchantAction(async (acc, suffix: string) =>
    acc.run(async ({ tx }) => {
      const rows = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from transactions`);
      return `${acc.merchant.slug}:${rows[0].n}:${suffix}`;
    }),
  );

  it("throws UnauthorizedError when signed out", async () => {
    await expect(action(a.slug, "x")).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("throws NotFoundError for another merchant's slug and for an unknown slug", async () => {
    signIn(ownerA.id);
    await expect(action(b.slug, "x")).rejects.toBeInstanceOf(NotFoundError);
    await expect(action("no-such-shop", "x")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("runs for the actor's own merchant, scoped to it", async () => {
    signIn(ownerA.id);
    expect(await action(a.slug, "ok")).toBe(`${a.slug}:5:ok`);
  });
});

describe("getActor", () => {
  it("reads the user afresh from the database (token roles are not trusted)", async () => {
    signIn(ownerA.id);
    expect(await getActor()).toEqual({ userId: ownerA.id, email: ownerA.email, name: null, bankRole: null, locale: "en" });
    state.session = { user: {} as { id: string } };
    expect(await getActor()).toBeNull();
  });

  it("ForbiddenError is exported for role checks", () => {
    expect(new ForbiddenError().message).toBe("forbidden");
  });
});
