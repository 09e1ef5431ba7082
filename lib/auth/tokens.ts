/**
 * API tokens of the merchant API (`Authorization: Bearer mi_live_…` on /api/v1; ADR 0008).
 *
 * A token is `mi_live_` followed by 43 base64url characters: 32 random bytes (256 bits) from the
 * platform CSPRNG. Only its SHA-256 (hex) is stored. A slow password hash (argon2) is for
 * low-entropy secrets a person chose, where an attacker with the table could guess; a 256-bit
 * random token cannot be guessed, so one fast hash is as strong and lets the API find the row by
 * an indexed equality on every request (the approach of GitHub's and Stripe's tokens). The
 * recognizable prefix lets secret scanners spot a leaked token; its first 16 characters are
 * stored in clear to tell tokens apart in the UI.
 *
 * Tokens are created and revoked by the merchant's owners only, in the same transaction as their
 * audit entry ("api_token.create" / "api_token.revoke", lib/audit), on the owner connection.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, count, desc, eq, isNull, lt, or } from "drizzle-orm";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import { getDatabase, type Database } from "@/db/client";
import { apiRateLimits, apiTokens, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { ForbiddenError, NotFoundError } from "./errors";

/** The recognizable start of every token (secret scanners look for it). */
const API_TOKEN_PREFIX = "mi_live_";
/** The whole token: the prefix and 43 base64url characters (32 bytes). */
const API_TOKEN_FORMAT = /^mi_live_[A-Za-z0-9_-]{43}$/;
/** Characters of the token stored in clear for display (the prefix and 8 more: 48 of 256 bits). */
export const API_TOKEN_DISPLAY_LENGTH = API_TOKEN_PREFIX.length + 8;
/** Active (unrevoked) tokens a merchant may hold at once. */
export const MAX_ACTIVE_TOKENS = 20;
/** last_used_at is written at most this often per token (ms), so reads do not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A refused token operation with a stable code: invalid_input (400) or too_many (409). */
export class ApiTokenError extends AppError {
  constructor(code: "invalid_input" | "too_many", message: string) {
    super(code, code === "too_many" ? 409 : 400, message, code === "too_many" ? { max: MAX_ACTIVE_TOKENS } : undefined);
  }
}

/** Request-bound entry points for the API page and its server actions (app/ may not import the database). */
export const apiTokenService = {
  list: async (access: TokenManager) => listApiTokensIn(await getDatabase(), access),
  create: async (access: TokenManager, name: string) => createApiTokenIn(await getDatabase(), access, name),
  revoke: async (access: TokenManager, id: string) => revokeApiTokenIn(await getDatabase(), access, id),
};

/** Hex SHA-256 of a token string (what api_tokens.token_hash holds). */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A fresh token, its hash and its display prefix. */
export function generateApiToken(): { token: string; hash: string; prefix: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashApiToken(token), prefix: token.slice(0, API_TOKEN_DISPLAY_LENGTH) };
}

/** The token of an `Authorization: Bearer …` header when it has the token format, else null. */
export function bearerToken(header: string | null): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  return match && API_TOKEN_FORMAT.test(match[1]) ? match[1] : null;
}

/** Who manages tokens: the merchant's owners (a token reads on behalf of its owner). */
interface TokenManager {
  actor: { userId: string; email: string };
  merchant: { id: number };
  role: string;
}

function assertOwner(access: TokenManager): void {
  if (access.role !== "merchant_owner") throw new ForbiddenError();
}

/** A token as its list shows it (never the hash). */
export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdByEmail: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const nameSchema = z.string().trim().min(1).max(80);

/**
 * Creates a token for the access's merchant and records "api_token.create" in the same
 * transaction.
 * @returns the token in clear (shown once, never stored) and its list entry
 * @throws ForbiddenError unless the role is merchant_owner; ApiTokenError invalid_input for a
 *   name outside 1–80 characters, too_many past MAX_ACTIVE_TOKENS active tokens (nothing written)
 */
export async function createApiTokenIn(database: Database, access: TokenManager, name: string): Promise<{ token: string; view: ApiTokenView }> {
  assertOwner(access);
  const parsed = nameSchema.safeParse(name);
  if (!parsed.success) throw new ApiTokenError("invalid_input", "a token name has 1 to 80 characters");
  const { token, hash, prefix } = generateApiToken();
  return database.db.transaction(async (tx) => {
    const [{ active }] = await tx
      .select({ active: count() })
      .from(apiTokens)
      .where(and(eq(apiTokens.merchantId, access.merchant.id), isNull(apiTokens.revokedAt)));
    if (active >= MAX_ACTIVE_TOKENS) throw new ApiTokenError("too_many", `at most ${MAX_ACTIVE_TOKENS} active tokens per merchant`);
    const [row] = await tx
      .insert(apiTokens)
      .values({ merchantId: access.merchant.id, name: parsed.data, tokenHash: hash, prefix, createdBy: access.actor.userId })
      .returning();
    await recordAudit(tx, { actor: access.actor, action: "api_token.create", merchantId: access.merchant.id, target: prefix, details: { name: parsed.data } });
    return {
      token,
      view: { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt, createdByEmail: access.actor.email, lastUsedAt: null, revokedAt: null },
    };
  });
}

/**
 * Revokes one of the merchant's active tokens and records "api_token.revoke" in the same
 * transaction; its next request answers 401.
 * @throws ForbiddenError unless merchant_owner; NotFoundError when the id is not an active token
 *   of this merchant (another merchant's id looks exactly like an unknown one)
 */
export async function revokeApiTokenIn(database: Database, access: TokenManager, id: string): Promise<void> {
  assertOwner(access);
  if (!z.uuid().safeParse(id).success) throw new NotFoundError();
  await database.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date(), revokedBy: access.actor.userId })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.merchantId, access.merchant.id), isNull(apiTokens.revokedAt)))
      .returning({ prefix: apiTokens.prefix, name: apiTokens.name });
    if (!row) throw new NotFoundError();
    await recordAudit(tx, { actor: access.actor, action: "api_token.revoke", merchantId: access.merchant.id, target: row.prefix, details: { name: row.name } });
  });
}

/**
 * The merchant's tokens, newest first, revoked ones included (with their date).
 * @throws ForbiddenError unless merchant_owner
 */
export async function listApiTokensIn(database: Database, access: TokenManager): Promise<ApiTokenView[]> {
  assertOwner(access);
  return database.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      createdByEmail: users.email,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(eq(apiTokens.merchantId, access.merchant.id))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/** What a presented token resolves to before authorization: its row's merchant and owner. */
export interface ResolvedApiToken {
  id: string;
  merchantId: number;
  createdBy: string | null;
  lastUsedAt: Date | null;
}

/**
 * The active token with this value (looked up by its hash), or null for a malformed, unknown or
 * revoked token. Owner connection: this is the authentication step.
 */
export async function findApiTokenIn(database: Database, token: string): Promise<ResolvedApiToken | null> {
  if (!API_TOKEN_FORMAT.test(token)) return null;
  const [row] = await database.db
    .select({ id: apiTokens.id, merchantId: apiTokens.merchantId, createdBy: apiTokens.createdBy, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashApiToken(token)), isNull(apiTokens.revokedAt)))
    .limit(1);
  return row ?? null;
}

/** Records an accepted request's time on the token (at most once per LAST_USED_RESOLUTION_MS). */
export async function touchApiTokenIn(database: Database, id: string, now = new Date()): Promise<void> {
  const before = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  await database.db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, before))));
}

// ---------------------------------------------------------------------------------------------
// Rate limit per token

/**
 * Requests a token may make per window: API_RATE_LIMIT_PER_MINUTE (default 120) per 60 s, counted
 * in PostgreSQL (table api_rate_limits) by rate-limiter-flexible's RateLimiterDrizzle over the
 * process's own drizzle handle, so the count is shared by every server process on PostgreSQL and
 * works the same on PGlite.
 */
let rateLimit = { points: Number(process.env.API_RATE_LIMIT_PER_MINUTE) || 120, durationSeconds: 60 };
let limiters = new WeakMap<Database, RateLimiterDrizzle>();

/** Sets the limit (operators through the environment; tests directly). Counters already stored keep their window. */
export function configureApiRateLimit(points: number, durationSeconds = 60): void {
  if (!Number.isInteger(points) || points < 1 || !Number.isInteger(durationSeconds) || durationSeconds < 1) {
    throw new RangeError("configureApiRateLimit: points and durationSeconds are positive integers");
  }
  rateLimit = { points, durationSeconds };
  limiters = new WeakMap();
}

/** The outcome of counting one request: allowed or not, and the headers' figures. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
}

/** Counts one request of the token `id` against its window. */
export async function consumeApiRateIn(database: Database, id: string): Promise<RateDecision> {
  let limiter = limiters.get(database);
  if (!limiter) {
    limiter = new RateLimiterDrizzle({
      storeClient: database.db,
      schema: apiRateLimits,
      keyPrefix: "api-token",
      points: rateLimit.points,
      duration: rateLimit.durationSeconds,
      clearExpiredByTimeout: true,
    });
    limiters.set(database, limiter);
  }
  const decide = (res: RateLimiterRes, allowed: boolean): RateDecision => ({
    allowed,
    limit: rateLimit.points,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });
  try {
    return decide(await limiter.consume(id), true);
  } catch (rejected) {
    if (rejected instanceof RateLimiterRes) return decide(rejected, false);
    throw rejected;
  }
}
