/**
 * Login rate limiting and lockout (OWASP Authentication Cheat Sheet, "Account lockout"), with
 * rate-limiter-flexible:
 * - per e-mail: after LOGIN_MAX_FAILURES consecutive failed sign-ins the e-mail is locked for
 *   LOGIN_LOCK_SECONDS (a success resets the count); this stops guessing one account's password;
 * - per client IP: at most IP_MAX_FAILURES failures per IP_WINDOW_SECONDS; this stops spraying
 *   one password over many e-mails (which the per-e-mail rule cannot see).
 * While locked, sign-in is refused before the password is checked (no argon2 work spent) and the
 * form says so; the answer is the same whether or not the e-mail has an account.
 *
 * Store: in memory (RateLimiterMemory), which is exact for one server process, the deployment
 * this product has (PGlite admits one process; `next start` is one). Several processes behind a
 * load balancer would each count separately; rate-limiter-flexible's RateLimiterPostgres over
 * the same database is the drop-in replacement then (docs/security.md).
 */
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
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
}

/** Failure counters per e-mail and per IP; one instance per process (see loginThrottle). */
export class LoginThrottle {
  private readonly byEmail: RateLimiterMemory;
  private readonly byIp: RateLimiterMemory;
  readonly maxFailures: number;
  readonly ipMaxFailures: number;

  constructor(opts: LoginThrottleOptions = {}) {
    this.maxFailures = opts.maxFailures ?? LOGIN_MAX_FAILURES;
    this.ipMaxFailures = opts.ipMaxFailures ?? IP_MAX_FAILURES;
    const lock = opts.lockSeconds ?? LOGIN_LOCK_SECONDS;
    // points = failures allowed; the (points+1)-th failure blocks the key for `lock` seconds.
    this.byEmail = new RateLimiterMemory({ keyPrefix: "login-email", points: this.maxFailures, duration: lock, blockDuration: lock });
    this.byIp = new RateLimiterMemory({ keyPrefix: "login-ip", points: this.ipMaxFailures, duration: opts.ipWindowSeconds ?? IP_WINDOW_SECONDS });
  }

  private static async remaining(limiter: RateLimiterMemory, key: string, max: number): Promise<number> {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= max ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  }

  /** Throws LoginLockedError when the e-mail or the IP is locked now. */
  async assertAllowed(email: string, ip: string | null): Promise<void> {
    const wait = Math.max(
      await LoginThrottle.remaining(this.byEmail, email.toLowerCase(), this.maxFailures),
      ip ? await LoginThrottle.remaining(this.byIp, ip, this.ipMaxFailures) : 0,
    );
    if (wait > 0) throw new LoginLockedError(wait);
  }

  /**
   * Counts a failed sign-in.
   * @returns true when this failure locked the e-mail (the caller audits it)
   */
  async recordFailure(email: string, ip: string | null): Promise<boolean> {
    let lockedNow = false;
    try {
      const res = await this.byEmail.consume(email.toLowerCase());
      lockedNow = res.consumedPoints >= this.maxFailures;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
    }
    if (ip) {
      try {
        await this.byIp.consume(ip);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
      }
    }
    return lockedNow;
  }

  /** A successful sign-in clears the e-mail's failures (the IP window is left to expire). */
  async recordSuccess(email: string): Promise<void> {
    await this.byEmail.delete(email.toLowerCase());
  }
}

let instance: LoginThrottle | undefined;
/** The process's throttle. */
export function loginThrottle(): LoginThrottle {
  instance ??= new LoginThrottle();
  return instance;
}
