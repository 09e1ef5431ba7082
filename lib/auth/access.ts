/**
 * The one place where authorization lives (wall 1 of ARCHITECTURE.md, convention 5):
 * session -> user -> membership -> merchant -> role, resolved per request on the owner
 * connection, and the wrappers every route handler, server action and merchant page goes
 * through. Route code reaches merchant data only through `MerchantAccess.run`, which opens a
 * row-level-security scoped transaction (lib/tenancy/scope.ts); code that forgets the wrapper
 * has no scoped transaction and RLS shows it nothing.
 *
 * Role semantics:
 * - users.bank_role = 'bank_admin'  -> every merchant, role "bank_admin";
 * - otherwise the user's membership for that merchant (relationship_manager | merchant_owner |
 *   merchant_viewer); a relationship manager's portfolio is the merchants where they hold a
 *   relationship_manager membership;
 * - no membership -> no access, answered exactly like an unknown merchant (404).
 *
 * The JWT only identifies the user (its id). Roles, bank role and memberships are read from the
 * database on every request, so revoking a membership or deleting a user takes effect at once
 * instead of when the 8-hour token expires.
 */
import { cache } from "react";
import { and, asc, eq, inArray } from "drizzle-orm";
import { notFound, redirect, unstable_rethrow } from "next/navigation";
import { getDatabase, type Database } from "@/db/client";
import { memberships, merchantAccounts, merchants, users } from "@/db/schema";
import type { AnalyticsContext, MerchantRef } from "@/lib/tenancy/context";
import { recordAudit } from "@/lib/audit";
// The pure parts of lib/billing only (its index also re-exports checkout, which uses this module).
import { entitlementsOf, requireFeature, type AccountState, type Entitlements } from "@/lib/billing/entitlements";
import type { Feature } from "@/lib/billing/plans";
import { errorBody } from "@/lib/errors";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "./errors";
import { bearerToken, consumeApiRateIn, findApiTokenIn, touchApiTokenIn } from "./tokens";

export { ForbiddenError, NotFoundError, UnauthorizedError } from "./errors";

/**
 * Options of the wrappers. `feature`: the plan feature the page, route or action shows
 * (lib/billing/plans.ts); when the merchant's entitlements lack it, routes answer 403
 * {error: "feature locked", feature, requiredPlan}, actions throw FeatureLockedError and pages
 * redirect to the locked view /m/[slug]/upgrade?feature=… (docs/billing.md, "Gating").
 */
export interface AccessOptions {
  feature?: Feature;
}

export type AccessRole = "bank_admin" | "relationship_manager" | "merchant_owner" | "merchant_viewer";

/** The signed-in user as the database knows them now (not as the token remembers them). */
export interface Actor {
  userId: string;
  /** Lower case (emails are case-insensitive). */
  email: string;
  name: string | null;
  /** Bank staff: 'bank_admin' (every merchant, the /admin area) or 'relationship_manager' (onboards merchants; sees its portfolio). */
  bankRole: "bank_admin" | "relationship_manager" | null;
  locale: "en" | "ru";
}

/** A resolved, authorized actor–merchant pair: the only handle on a merchant's data. */
export interface MerchantAccess {
  actor: Actor;
  merchant: MerchantRef;
  role: AccessRole;
  /** What the merchant's plan grants now (lib/billing/entitlements.ts); the same for every role. */
  entitlements: Entitlements;
  /**
   * The merchant's `rollup_version` when access was resolved: lib/rollups adds 1 in the same
   * transaction as every rollup write, so an answer computed from the rollups alone stays valid
   * while it stays (lib/endpoints/cache.ts keys such answers on it).
   */
  dataVersion: number;
  /**
   * Runs fn inside withMerchantScope(database, merchant.id, …) with ctx = { tx, merchant }:
   * a read-only transaction as role app_merchant with app.merchant_id set, so every query in
   * fn sees this merchant's rows only. Rejects with whatever fn rejects with (the transaction
   * is rolled back).
   */
  run<T>(fn: (ctx: AnalyticsContext) => Promise<T>): Promise<T>;
  /**
   * Runs fn with an access to the same merchant whose `run` calls share one scoped transaction,
   * opened by the first of them (none when fn never calls `run`, e.g. when every answer came from
   * lib/endpoints/cache.ts) and committed when fn settles: a page's loaders cost one BEGIN, the
   * scope's two settings and one COMMIT together instead of each. Read-only. Inside fn, await
   * nothing that queries the database outside `run` (on PGlite, one connection, that would wait
   * for the open transaction forever), and call `run` one at a time. A statement that fails
   * aborts the shared transaction, so every later `run` of the batch rejects too.
   * @throws whatever fn throws
   */
  batch<T>(fn: (access: MerchantAccess) => Promise<T>): Promise<T>;
}

/** Same format as the merchants_slug_format check; anything else cannot be a merchant. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

function toActor(row: { id: string; email: string; name: string | null; bankRole: string | null; locale: string }): Actor {
  return {
    userId: row.id,
    email: row.email,
    name: row.name,
    bankRole: row.bankRole === "bank_admin" || row.bankRole === "relationship_manager" ? row.bankRole : null,
    locale: row.locale === "ru" ? "ru" : "en",
  };
}

/**
 * Loads the actor for a user id from `database` (owner connection). Returns null when the user
 * no longer exists, which signs out a deleted user's still-valid token. Exported for tests.
 */
export async function loadActorIn(database: Database, userId: string): Promise<Actor | null> {
  const [row] = await database.db
    .select({ id: users.id, email: users.email, name: users.name, bankRole: users.bankRole, locale: users.locale })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ? toActor(row) : null;
}

/** The merchant, membership and account columns of one access check (see accessRow). */
const accessColumns = {
  id: merchants.id,
  slug: merchants.slug,
  name: merchants.name,
  mcc: merchants.mcc,
  currency: merchants.currency,
  timeZone: merchants.timeZone,
  rollupVersion: merchants.rollupVersion,
  membershipRole: memberships.role,
  plan: merchantAccounts.plan,
  status: merchantAccounts.status,
  trialEndsAt: merchantAccounts.trialEndsAt,
  pastDueSince: merchantAccounts.pastDueSince,
};

type AccessRow = {
  id: number | null;
  slug: string | null;
  name: string | null;
  mcc: string | null;
  currency: string | null;
  timeZone: string | null;
  rollupVersion: number | null;
  bankRole: string | null;
  membershipRole: AccessRole | null;
  plan: AccountState["plan"] | null;
  status: AccountState["status"] | null;
  trialEndsAt: Date | null;
  pastDueSince: Date | null;
};

/**
 * The user's row joined to the merchant with `slug` (left joins: a row for every existing user,
 * the merchant's columns null when no merchant has the slug), their membership of it and its
 * account. One statement on the owner connection (RLS does not apply to it: this IS the check
 * that decides which merchant the scoped transaction may see). Undefined when no user has the id.
 */
async function accessRow(database: Database, userId: string, slug: string) {
  const [row] = await database.db
    .select({ user: { id: users.id, email: users.email, name: users.name, bankRole: users.bankRole, locale: users.locale }, ...accessColumns })
    .from(users)
    .leftJoin(merchants, eq(merchants.slug, slug))
    .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.merchantId, merchants.id)))
    .leftJoin(merchantAccounts, eq(merchantAccounts.merchantId, merchants.id))
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

/** The access an {@link accessRow} grants `actor`, or null (no such merchant, or no role there). */
function accessFromRow(database: Database, actor: Actor, row: AccessRow): MerchantAccess | null {
  if (row.id === null || row.slug === null || row.name === null || row.mcc === null || row.currency === null || row.timeZone === null) return null;
  const role: AccessRole | null = row.bankRole === "bank_admin" ? "bank_admin" : (row.membershipRole ?? null);
  if (!role) return null;
  const account: AccountState | null =
    row.plan && row.status ? { plan: row.plan, status: row.status, trialEndsAt: row.trialEndsAt, pastDueSince: row.pastDueSince } : null;
  const ref: MerchantRef = { id: row.id, slug: row.slug, name: row.name, mcc: row.mcc, currency: row.currency, timeZone: row.timeZone };
  return makeAccess(database, actor, ref, role, entitlementsOf(account, new Date()), row.rollupVersion ?? 0);
}

/**
 * The access check for an actor already loaded, on an explicit database (tests, the token API,
 * pass their own). One query on the owner connection (see {@link resolveActorAccessIn}). Returns null when
 * the slug is malformed, no merchant has it, the user no longer exists or has no access; the
 * caller cannot tell these apart, by design. The access carries `actor` as given.
 */
export async function resolveMerchantAccessIn(database: Database, actor: Actor, slug: string): Promise<MerchantAccess | null> {
  if (typeof slug !== "string" || !SLUG.test(slug)) return null;
  const row = await accessRow(database, actor.userId, slug);
  return row ? accessFromRow(database, actor, { ...row, bankRole: row.user.bankRole }) : null;
}

/**
 * The signed-in user as the database knows them now and their access to the merchant `slug`,
 * from one query on the owner connection (the user row left-joined to the merchant, membership
 * and account; issue 14 "Load": one round trip instead of the actor's and the access's).
 * Returns null when no user has `userId` (a deleted user's still-valid token: signed out);
 * `access` is null when the slug is malformed, no merchant has it or the user has no access
 * (indistinguishable, by design). Exported for tests.
 */
export async function resolveActorAccessIn(database: Database, userId: string, slug: string): Promise<{ actor: Actor; access: MerchantAccess | null } | null> {
  if (typeof slug !== "string" || !SLUG.test(slug)) {
    const actor = await loadActorIn(database, userId);
    return actor ? { actor, access: null } : null;
  }
  const row = await accessRow(database, userId, slug);
  if (!row) return null;
  const actor = toActor(row.user);
  return { actor, access: accessFromRow(database, actor, { ...row, bankRole: row.user.bankRole }) };
}

/**
 * The access object for an already-authorized actor–merchant pair (module-private on purpose):
 * only the resolutions above, after their check, can make one.
 */
function makeAccess(database: Database, actor: Actor, ref: MerchantRef, role: AccessRole, entitlements: Entitlements, dataVersion: number): MerchantAccess {
  const merchant: MerchantRef = Object.freeze({
    id: ref.id,
    slug: ref.slug,
    name: ref.name,
    mcc: ref.mcc,
    currency: ref.currency,
    timeZone: ref.timeZone,
  });
  const access: MerchantAccess = Object.freeze({
    actor,
    merchant,
    role,
    entitlements,
    dataVersion,
    run<T>(fn: (ctx: AnalyticsContext) => Promise<T>): Promise<T> {
      return withMerchantScope(database, merchant.id, (tx) => fn({ tx, merchant }));
    },
    batch<T>(fn: (batched: MerchantAccess) => Promise<T>): Promise<T> {
      return withSharedScope(database, access, fn);
    },
  });
  return access;
}

/**
 * MerchantAccess.batch: `access` again, with a `run` that opens one scoped transaction on its
 * first call and hands the same transaction to every later call, committed when fn settles.
 * The transaction is held open by a promise fn's end resolves; its outcome never rejects
 * (a failed BEGIN or scope rejects the pending `run` instead), so nothing is left unhandled.
 */
async function withSharedScope<T>(database: Database, access: MerchantAccess, fn: (batched: MerchantAccess) => Promise<T>): Promise<T> {
  // In an object: TypeScript does not see the closures below assign it.
  const shared: { open: { ctx: Promise<AnalyticsContext>; release: () => void; done: Promise<unknown> } | null } = { open: null };
  const start = () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let give!: (ctx: AnalyticsContext) => void;
    let fail!: (err: unknown) => void;
    const ctx = new Promise<AnalyticsContext>((resolve, reject) => {
      give = resolve;
      fail = reject;
    });
    // Nobody may be waiting yet when the scope fails to open: mark the rejection as handled.
    ctx.catch(() => {});
    const done = withMerchantScope(database, access.merchant.id, async (tx) => {
      give({ tx, merchant: access.merchant });
      await held;
    }).then(
      () => undefined,
      (err: unknown) => fail(err),
    );
    return { ctx, release, done };
  };
  const batched: MerchantAccess = Object.freeze({
    ...access,
    async run<R>(inner: (ctx: AnalyticsContext) => Promise<R>): Promise<R> {
      shared.open ??= start();
      return inner(await shared.open.ctx);
    },
    batch<R>(inner: (again: MerchantAccess) => Promise<R>): Promise<R> {
      return inner(batched);
    },
  });
  try {
    return await fn(batched);
  } finally {
    if (shared.open) {
      shared.open.release();
      await shared.open.done;
    }
  }
}

/**
 * The merchants an actor may open, ordered by name then slug: a bank admin all of them (role
 * "bank_admin"), anyone else the merchants of their memberships (a relationship manager's
 * portfolio, a merchant user's own shop). Empty for an unknown user. Exported for tests.
 */
export async function listAccessibleMerchantsIn(
  database: Database,
  actor: Actor,
): Promise<Array<MerchantRef & { role: AccessRole }>> {
  const fresh = await loadActorIn(database, actor.userId);
  if (!fresh) return [];
  const columns = {
    id: merchants.id,
    slug: merchants.slug,
    name: merchants.name,
    mcc: merchants.mcc,
    currency: merchants.currency,
    timeZone: merchants.timeZone,
  };
  if (fresh.bankRole === "bank_admin") {
    const rows = await database.db.select(columns).from(merchants).orderBy(asc(merchants.name), asc(merchants.slug));
    return rows.map((r) => ({ ...r, role: "bank_admin" as const }));
  }
  const rows = await database.db
    .select({ ...columns, role: memberships.role })
    .from(memberships)
    .innerJoin(merchants, eq(merchants.id, memberships.merchantId))
    .where(eq(memberships.userId, fresh.userId))
    .orderBy(asc(merchants.name), asc(merchants.slug));
  return rows;
}

/**
 * One MerchantAccess per merchant the actor may open (same set and order as
 * listAccessibleMerchantsIn), from a single authorization query: for pages that read many
 * merchants one scoped transaction at a time (the portfolio). Exported for tests.
 */
export async function listMerchantAccessesIn(database: Database, actor: Actor): Promise<MerchantAccess[]> {
  const list = await listAccessibleMerchantsIn(database, actor);
  // Each merchant's account and data version (lib/endpoints/cache.ts), in one more statement.
  const rows = list.length
    ? await database.db
        .select({ merchantId: merchants.id, rollupVersion: merchants.rollupVersion, account: merchantAccounts })
        .from(merchants)
        .leftJoin(merchantAccounts, eq(merchantAccounts.merchantId, merchants.id))
        .where(inArray(merchants.id, list.map((m) => m.id)))
    : [];
  const byMerchant = new Map(rows.map((r) => [r.merchantId, r]));
  const now = new Date();
  return list.map(({ role, ...ref }) => {
    const found = byMerchant.get(ref.id);
    return makeAccess(database, actor, ref, role, entitlementsOf(found?.account ?? null, now), found?.rollupVersion ?? 0);
  });
}

// ---------------------------------------------------------------------------------------------
// Request-bound API (server components, route handlers, server actions)

/**
 * The signed-in actor, from the next-auth session (JWT) plus a fresh read of the user row;
 * null when signed out, when the token is invalid or expired, or when the user was deleted.
 * Deduplicated per server-component render by React `cache`.
 */
export const getActor = cache(async function getActor(): Promise<Actor | null> {
  // Imported lazily so the pure resolution above (and its tests) never loads next-auth.
  const { sessionUserId } = await import("./config");
  const userId = await sessionUserId();
  if (userId === null) return null;
  return loadActorIn(await getDatabase(), userId);
});

/** For server components: the actor, or redirect("/login") when signed out (throws NEXT_REDIRECT). */
export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect("/login");
  return actor;
}

/**
 * The session's actor and their access to the merchant `slug` in one query
 * ({@link resolveActorAccessIn}): null when signed out (no session, an invalid or expired token,
 * a deleted user); `access` null for an unknown merchant or one that is not the actor's.
 * Deduplicated per server-component render by React `cache` (layout, metadata and page share it).
 */
const resolveSessionAccess = cache(async function resolveSessionAccess(slug: string): Promise<{ actor: Actor; access: MerchantAccess | null } | null> {
  const { sessionUserId } = await import("./config");
  const userId = await sessionUserId();
  if (userId === null) return null;
  return resolveActorAccessIn(await getDatabase(), userId, slug);
});

/**
 * For merchant pages (server components): redirect("/login") when signed out, notFound() when
 * the merchant is unknown or not the actor's; otherwise the access.
 */
export async function requireMerchantPage(slug: string, options: AccessOptions = {}): Promise<MerchantAccess> {
  const resolved = await resolveSessionAccess(slug);
  if (!resolved) redirect("/login");
  const { access } = resolved;
  if (!access) notFound();
  await auditPageView(access.actor.userId, access.actor.email, access.role, access.merchant.id);
  if (options.feature && !access.entitlements.features.has(options.feature)) {
    redirect(`/m/${access.merchant.slug}/upgrade?feature=${options.feature}`);
  }
  return access;
}

/** Bank employees' views of a merchant's data are audited (who, which merchant, when). */
const AUDITED_ROLES: ReadonlySet<AccessRole> = new Set(["relationship_manager", "bank_admin"]);

/**
 * One "merchant.view" audit entry per page render (layout, metadata and page share it through
 * React `cache`) for a bank employee's access; merchant users' own views are not audited.
 */
const auditPageView = cache(async function auditPageView(userId: string, email: string, role: AccessRole, merchantId: number): Promise<void> {
  if (!AUDITED_ROLES.has(role)) return;
  await recordAudit((await getDatabase()).db, { actor: { userId, email }, action: "merchant.view", merchantId, target: "page" });
});

/** Records a route request's "merchant.view" audit entry for a bank employee (the path, not the query). */
async function auditRouteView(access: MerchantAccess, req: Request): Promise<void> {
  if (!AUDITED_ROLES.has(access.role)) return;
  await recordAudit((await getDatabase()).db, {
    actor: { userId: access.actor.userId, email: access.actor.email },
    action: "merchant.view",
    merchantId: access.merchant.id,
    target: `${req.method} ${safePath(req.url)}`,
  });
}

/**
 * CSRF protection for route handlers that change state: a request with a method other than
 * GET/HEAD/OPTIONS must come from this origin. Browsers send `Sec-Fetch-Site` (same-origin) and
 * `Origin` on such requests; a cross-site form or fetch carries another origin and is refused
 * (403). Requests without either header (curl, server-to-server) are not browser-borne CSRF and
 * pass; they still need the session cookie. Server actions get the same check from Next itself.
 */
export function isCrossSiteMutation(req: Request): boolean {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return false;
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = req.headers.get("origin");
  if (!origin) return false;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return !host || new URL(origin).host !== host;
  } catch {
    return true;
  }
}

/** The merchants the actor may open (see listAccessibleMerchantsIn), from the process database. */
export async function listAccessibleMerchants(actor: Actor): Promise<Array<MerchantRef & { role: AccessRole }>> {
  return listAccessibleMerchantsIn(await getDatabase(), actor);
}

/** The accesses of every merchant the actor may open (see listMerchantAccessesIn), from the process database. */
export async function listMerchantAccesses(actor: Actor): Promise<MerchantAccess[]> {
  return listMerchantAccessesIn(await getDatabase(), actor);
}

/**
 * Throws ForbiddenError unless the access's role is one of `roles`. For operations a visible
 * merchant's weaker roles may not perform (e.g. viewers changing settings).
 */
export function assertRole(access: MerchantAccess, roles: readonly AccessRole[]): void {
  if (!roles.includes(access.role)) throw new ForbiddenError();
}

/** Status + JSON body, never cached by a shared cache (bodies are per-user). */
function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...headers, "cache-control": "private, no-store" } });
}

/** The one 404 body: identical for unknown merchants and other tenants' merchants (errorBody of a NotFoundError). */
const NOT_FOUND_BODY = { error: "not found" } as const;

/**
 * Maps an error thrown by a route handler to a response, the routes' one mapping: lib/errors
 * errorBody reads the AppError's status, code and details (a zod error is 400 "invalid request"),
 * so a new AppError subclass needs no change here; anything else is logged and answered 500.
 */
function errorResponse(error: unknown, where: string): Response {
  // Next's redirect()/notFound() are control flow, not failures: let Next handle them.
  unstable_rethrow(error);
  const { status, body, expected } = errorBody(error);
  if (!expected) console.error(`[${where}] unhandled error`, error);
  return json(status, body);
}

/**
 * Wraps a route handler under a `[slug]` segment. Answers 401 {error:"unauthorized"} without a
 * session, 404 {error:"not found"} when the merchant is unknown or not the actor's (same body),
 * 400 {error:"invalid request", issues} when the handler throws a ZodError, 403/404 for
 * ForbiddenError/NotFoundError thrown by the handler, and 500 {error:"internal error"} (logged)
 * for anything else. The handler also receives the awaited params (for routes with more
 * segments than the slug).
 *
 * @example export const GET = withMerchantRoute(async (req, access) => Response.json(await access.run(getOverview)));
 */
export function withMerchantRoute<P extends { slug: string } = { slug: string }>(
  handler: (req: Request, access: MerchantAccess, params: P) => Promise<Response>,
  options: AccessOptions = {},
): (req: Request, ctx: { params: Promise<P> }) => Promise<Response> {
  return async function merchantRoute(req, ctx) {
    try {
      if (isCrossSiteMutation(req)) return json(403, { error: "cross-site request refused" });
      const params = await ctx.params;
      const resolved = await resolveSessionAccess(params.slug);
      if (!resolved) return json(401, { error: "unauthorized" });
      const { access } = resolved;
      if (!access) return json(404, NOT_FOUND_BODY);
      if (options.feature) requireFeature(access.entitlements, options.feature);
      await auditRouteView(access, req);
      return await handler(req, access, params);
    } catch (error) {
      return errorResponse(error, `${req.method} ${safePath(req.url)}`);
    }
  };
}

/**
 * Wraps a route handler that is not about one merchant (e.g. the portfolio): 401 without a
 * session, and the same error mapping as withMerchantRoute. Merchant data must still be reached
 * through listMerchantAccesses(actor) (or resolveMerchantAccessIn) and the access's run.
 */
export function withActorRoute(handler: (req: Request, actor: Actor) => Promise<Response>): (req: Request) => Promise<Response> {
  return async function actorRoute(req) {
    try {
      if (isCrossSiteMutation(req)) return json(403, { error: "cross-site request refused" });
      const actor = await getActor();
      if (!actor) return json(401, { error: "unauthorized" });
      return await handler(req, actor);
    } catch (error) {
      return errorResponse(error, `${req.method} ${safePath(req.url)}`);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The token API (/api/v1): Authorization: Bearer mi_live_… instead of a session (ADR 0008)

/**
 * What a presented API token may open for `slug`: "unauthorized" for an unknown, revoked or
 * malformed token, or one whose creator no longer owns its merchant (a token reads on behalf of
 * an owner, so removing the owner disarms their tokens); "not_found" when the token is valid but
 * for another merchant (the same answer as an unknown merchant); otherwise the owner's access to
 * the token's merchant. Exported for tests.
 */
async function resolveTokenAccessIn(
  database: Database,
  token: string,
  slug: string,
): Promise<{ status: "unauthorized" } | { status: "not_found"; tokenId: string } | { status: "ok"; tokenId: string; access: MerchantAccess }> {
  const found = await findApiTokenIn(database, token);
  if (!found?.createdBy) return { status: "unauthorized" };
  const actor = await loadActorIn(database, found.createdBy);
  const [merchant] = await database.db.select({ slug: merchants.slug }).from(merchants).where(eq(merchants.id, found.merchantId)).limit(1);
  const access = actor && merchant ? await resolveMerchantAccessIn(database, actor, merchant.slug) : null;
  if (!access || access.role !== "merchant_owner") return { status: "unauthorized" };
  if (access.merchant.slug !== slug) return { status: "not_found", tokenId: found.id };
  return { status: "ok", tokenId: found.id, access };
}

/** The 401 of the token API: says which scheme it wants (RFC 6750). */
const BEARER_CHALLENGE = { "www-authenticate": 'Bearer realm="merchant-api"' } as const;

/**
 * Wraps a route handler of the token API (/api/v1/m/[slug]/…): the credential is the
 * `Authorization: Bearer` token and nothing else (cookies are never read, so a browser session
 * alone gets 401 and no CSRF check is needed). Then the same path as withMerchantRoute: token ->
 * merchant -> plan entitlements -> the handler with an access whose run() is the merchant's
 * read-only RLS scope. Answers 401 (unknown, revoked, malformed or missing token), 404 with the
 * unknown-merchant body when the token is another merchant's, 429 past the token's rate limit
 * (Retry-After; lib/auth/tokens.ts consumeApiRateIn), then the same error mapping as the session
 * routes. Every answer carries X-RateLimit-Limit/-Remaining/-Reset once the token is known.
 */
export function withApiTokenRoute<P extends { slug: string } = { slug: string }>(
  handler: (req: Request, access: MerchantAccess, params: P) => Promise<Response>,
  options: AccessOptions = {},
): (req: Request, ctx: { params: Promise<P> }) => Promise<Response> {
  return async function apiTokenRoute(req, ctx) {
    try {
      const token = bearerToken(req.headers.get("authorization"));
      if (!token) return json(401, { error: "unauthorized" }, BEARER_CHALLENGE);
      const database = await getDatabase();
      const params = await ctx.params;
      const resolved = await resolveTokenAccessIn(database, token, params.slug);
      if (resolved.status === "unauthorized") return json(401, { error: "unauthorized" }, BEARER_CHALLENGE);
      const rate = await consumeApiRateIn(database, resolved.tokenId);
      const rateHeaders = {
        "x-ratelimit-limit": String(rate.limit),
        "x-ratelimit-remaining": String(rate.remaining),
        "x-ratelimit-reset": String(rate.resetSeconds),
      };
      if (!rate.allowed) return json(429, { error: "too many requests" }, { ...rateHeaders, "retry-after": String(rate.resetSeconds) });
      if (resolved.status === "not_found") return json(404, NOT_FOUND_BODY, rateHeaders);
      await touchApiTokenIn(database, resolved.tokenId);
      if (options.feature) requireFeature(resolved.access.entitlements, options.feature);
      const response = await handler(req, resolved.access, params);
      for (const [key, value] of Object.entries(rateHeaders)) response.headers.set(key, value);
      return response;
    } catch (error) {
      return errorResponse(error, `${req.method} ${safePath(req.url)}`);
    }
  };
}

/**
 * Wraps a server action whose first argument is the merchant's slug. Throws UnauthorizedError
 * when signed out and NotFoundError when the merchant is unknown or not the actor's (the slug
 * comes from the client, so it is never trusted); otherwise calls `action(access, ...args)`.
 * Arguments after the slug also come from the client: validate them with zod in the action.
 *
 * @example export const renameCampaign = withMerchantAction(async (access, id: string, name: string) => …);
 */
export function withMerchantAction<A extends unknown[], R>(
  action: (access: MerchantAccess, ...args: A) => Promise<R>,
  options: AccessOptions = {},
): (slug: string, ...args: A) => Promise<R> {
  return async function merchantAction(slug, ...args) {
    const resolved = await resolveSessionAccess(slug);
    if (!resolved) throw new UnauthorizedError();
    const { access } = resolved;
    if (!access) throw new NotFoundError();
    if (options.feature) requireFeature(access.entitlements, options.feature);
    return action(access, ...args);
  };
}

/**
 * Wraps a server action that is not about one merchant's data (the /admin area, team
 * invitations checked inside lib/accounts): throws UnauthorizedError when signed out, otherwise
 * calls `action(actor, ...args)`. The action authorizes the actor itself (bank role, ownership)
 * and validates its client-supplied arguments with zod.
 */
export function withActorAction<A extends unknown[], R>(action: (actor: Actor, ...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async function actorAction(...args) {
    const actor = await getActor();
    if (!actor) throw new UnauthorizedError();
    return action(actor, ...args);
  };
}

/** For bank pages (server components): the actor when it is bank staff (of `roles`), else notFound(). */
export async function requireBankPage(roles: ReadonlyArray<"bank_admin" | "relationship_manager"> = ["bank_admin", "relationship_manager"]): Promise<Actor> {
  const actor = await requireActor();
  if (!actor.bankRole || !roles.includes(actor.bankRole)) notFound();
  return actor;
}

/** The path of a URL without its query string (queries may carry personal data; keep logs clean). */
function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "?";
  }
}
