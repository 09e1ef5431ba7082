/**
 * Login rate limiting and lockout (OWASP Authentication Cheat Sheet, "Account lockout"), with
 * rate-limiter-flexible's RateLimiterDrizzle on the product's own database (table
 * `api_rate_limits`, key prefixes `login-email` / `login-ip`), so every server process shares one
 * count and it works the same on PGlite and PostgreSQL:
 * - per e-mail: at most LOGIN_MAX_FAILURES sign-in attempts are checked; the next one locks the
 *   e-mail for LOGIN_LOCK_SECONDS (a success resets the count); this stops guessing one
 *   account's password;
 * - per client IP: at most IP_MAX_FAILURES failed attempts per IP_WINDOW_SECONDS; this stops
 *   spraying one password over many e-mails (which the per-e-mail rule cannot see).
 *
 * The attempt is counted BEFORE the password is verified, in one atomic UPSERT (issue 14 item 3:
 * "check, then verify, then count" let a concurrent burst verify 16 passwords against a limit of
 * 5, because every request of the burst passed the check before any failure was counted). A
 * success gives the point back (e-mail count deleted, IP count decremented), so only failures
 * stay counted. While locked, sign-in is refused before any argon2 work and the form says so;
 * the answer is the same whether or not the e-mail has an account.
 *
 * The client IP comes from clientIpOf: X-Forwarded-For is trusted only for TRUSTED_PROXY_HOPS
 * proxies in front of the server; without it, forwarded headers are ignored (a forged header can
 * neither dodge the limit nor lock another person's IP).
 */
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { Database } from "@/db/client";
import { apiRateLimits } from "@/db/schema";
import { AppError } from "@/lib/errors";

const LOGIN_MAX_FAILURES = 5;
const LOGIN_LOCK_SECONDS = 15 * 60;
const IP_MAX_FAILURES = 50;
const IP_WINDOW_SECONDS = 60 * 60;

/**
 * Sign-in refused because the e-mail or the client is locked (429, code "login_locked");
 * `retryAfterSeconds` until it may try again.
 */
export class LoginLockedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super("login_locked", 429, `too many failed sign-ins; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export interface LoginThrottleOptions {
  maxFailures?: number;
  lockSeconds?: number;
  ipMaxFailures?: number;
  ipWindowSeconds?: number;
  /** Key prefix namespace (tests isolate themselves with it); default "login". */
  prefix?: string;
}

/** One counted attempt: `lastChance` when a failure of this attempt locks the e-mail (audit it). */
export interface LoginAttempt {
  lastChance: boolean;
}

const seconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** Attempt counters per e-mail and per IP in the database; see the module comment. */
export class LoginThrottle {
  private readonly byEmail: RateLimiterDrizzle;
  private readonly byIp: RateLimiterDrizzle;
  readonly maxFailures: number;
  readonly ipMaxFailures: number;

  constructor(database: Database, opts: LoginThrottleOptions = {}) {
    this.maxFailures = opts.maxFailures ?? LOGIN_MAX_FAILURES;
    this.ipMaxFailures = opts.ipMaxFailures ?? IP_MAX_FAILURES;
    const lock = opts.lockSeconds ?? LOGIN_LOCK_SECONDS;
    const prefix = opts.prefix ?? "login";
    const store = { storeClient: database.db, schema: apiRateLimits, clearExpiredByTimeout: false };
    // points = attempts allowed; the (points+1)-th locks the key for `lock` seconds.
    this.byEmail = new RateLimiterDrizzle({ ...store, keyPrefix: `${prefix}-email`, points: this.maxFailures, duration: lock, blockDuration: lock });
    this.byIp = new RateLimiterDrizzle({ ...store, keyPrefix: `${prefix}-ip`, points: this.ipMaxFailures, duration: opts.ipWindowSeconds ?? IP_WINDOW_SECONDS });
  }

  /**
   * Counts one sign-in attempt for the e-mail and the IP atomically, before the password is
   * checked. Throws LoginLockedError (nothing to verify) when either is over its limit now.
   */
  async acquire(email: string, ip: string | null): Promise<LoginAttempt> {
    const key = email.toLowerCase();
    const [byEmail, byIp] = await Promise.all([
      this.byEmail.consume(key).catch((e: unknown) => e),
      ip ? this.byIp.consume(ip).catch((e: unknown) => e) : Promise.resolve(null),
    ]);
    for (const r of [byEmail, byIp]) if (r !== null && !(r instanceof RateLimiterRes)) throw r;
    const refused = [byEmail, byIp].filter((r): r is RateLimiterRes => r instanceof RateLimiterRes && r.consumedPoints > (r === byEmail ? this.maxFailures : this.ipMaxFailures));
    if (refused.length > 0) {
      // The IP point of an attempt refused for its e-mail (and vice versa) is not a checked password.
      if (byIp instanceof RateLimiterRes && !refused.includes(byIp) && ip) await this.byIp.reward(ip, 1);
      throw new LoginLockedError(Math.max(...refused.map(seconds)));
    }
    return { lastChance: (byEmail as RateLimiterRes).consumedPoints >= this.maxFailures };
  }

  /** A successful sign-in clears the e-mail's count and gives the IP its point back. */
  async recordSuccess(email: string, ip: string | null): Promise<void> {
    await this.byEmail.delete(email.toLowerCase());
    if (ip) await this.byIp.reward(ip, 1);
  }
}

const instances = new WeakMap<Database, LoginThrottle>();
/** The throttle over the process database (one per database handle). */
export function loginThrottle(database: Database): LoginThrottle {
  let t = instances.get(database);
  if (!t) instances.set(database, (t = new LoginThrottle(database)));
  return t;
}

/**
 * The client's IP for rate limiting, trusting forwarded headers only as far as configured.
 * `trustedHops` = the number of reverse proxies in front of the server (env TRUSTED_PROXY_HOPS):
 * 0 (the default) ignores X-Forwarded-For and X-Real-IP entirely and returns null (no per-IP
 * limit: the server cannot know the client); N ≥ 1 takes the N-th address from the right of
 * X-Forwarded-For (the one the outermost trusted proxy saw; whatever the client wrote to the left
 * of it is ignored), or null when the header has fewer than N entries.
 */
export function clientIpOf(headers: Headers | undefined, trustedHops: number = Number(process.env.TRUSTED_PROXY_HOPS ?? 0)): string | null {
  if (!headers || !Number.isInteger(trustedHops) || trustedHops < 1) return null;
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return hops.length >= trustedHops ? hops[hops.length - trustedHops] : null;
}
