/**
 * The session cookie read without Auth.js's full session round. `auth()` re-encrypts and re-issues
 * the cookie and builds a CSRF token on every call: in the load profile of issue 14 that was about
 * 7 ms of crypto per request (HKDF twice, AES-CBC decrypt and encrypt, HMAC sign and verify, SHA
 * digests), the largest cost of an API answer (docs/performance.md, "Load"). A request whose token
 * is younger than SESSION_UPDATE_AGE_SECONDS only needs it decrypted; an older one takes the full
 * path, which moves the sliding expiry, so sessions end exactly as before.
 */
import { decode } from "next-auth/jwt";

/** Session lifetime in seconds: one working day. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
/**
 * How often an active session's cookie is re-issued (seconds). The JWT's expiry is then
 * SESSION_MAX_AGE_SECONDS after the latest re-issue, so an idle session ends 8 hours after its
 * last re-issue, and SESSION_ABSOLUTE_SECONDS caps any session regardless of activity.
 */
export const SESSION_UPDATE_AGE_SECONDS = 15 * 60;
/** Hard cap on a session's age since sign-in (seconds): 12 hours, then sign in again. */
export const SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;

/** Auth.js v5's session cookie names (https first); each is also the JWE key's HKDF salt. */
const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/**
 * Whether a token is within SESSION_ABSOLUTE_SECONDS of its sign-in (`signedInAt`, else `iat`,
 * both Unix seconds). The jwt callback of ./config.ts drops the user id of a token past it.
 */
export function withinAbsoluteLifetime(token: { signedInAt?: unknown; iat?: unknown }, nowSeconds: number): boolean {
  const signedInAt = typeof token.signedInAt === "number" ? token.signedInAt : typeof token.iat === "number" ? token.iat : 0;
  return nowSeconds - signedInAt <= SESSION_ABSOLUTE_SECONDS;
}

/**
 * The user id of the request's session cookie, decrypted with @auth/core's own `decode` (JWE
 * `dir` + A256CBC-HS512, key by HKDF from `secret` with the cookie name as salt; an expired,
 * tampered or foreign token throws inside and counts as signed out).
 * @param cookie reads one request cookie by name
 * @param secret AUTH_SECRET (lib/auth/secret.ts)
 * @returns `{ userId }` (null when signed out, invalid, expired or past the absolute lifetime),
 *   or "full" when Auth.js must handle the request: the token is due for re-issue (older than
 *   SESSION_UPDATE_AGE_SECONDS) or the cookie is chunked (`name.0`, `name.1`).
 */
export async function sessionUserIdFromCookie(
  cookie: (name: string) => string | undefined,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ userId: string | null } | "full"> {
  for (const name of SESSION_COOKIES) {
    if (cookie(`${name}.0`) !== undefined) return "full";
    const value = cookie(name);
    if (!value) continue;
    let token: { iat?: unknown; signedInAt?: unknown; userId?: unknown } | null;
    try {
      token = await decode({ token: value, secret, salt: name });
    } catch {
      return { userId: null };
    }
    if (!token) return { userId: null };
    if (typeof token.iat === "number" && nowSeconds - token.iat > SESSION_UPDATE_AGE_SECONDS) return "full";
    if (!withinAbsoluteLifetime(token, nowSeconds)) return { userId: null };
    const userId = token.userId;
    return { userId: typeof userId === "string" && userId !== "" ? userId : null };
  }
  return { userId: null };
}
