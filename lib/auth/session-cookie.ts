/**
 * The session cookie read without Auth.js's full session round. `auth()` re-encrypts and re-issues
 * the cookie and builds a CSRF token on every call: in the load profile of issue 14 that was about
 * 7 ms of crypto per request (HKDF twice, AES-CBC decrypt and encrypt, HMAC sign and verify, SHA
 * digests), the largest cost of an API answer (docs/performance.md, "Load"). A request whose token
 * is younger than SESSION_UPDATE_AGE_SECONDS only needs it decrypted; an older one takes the full
 * path, which moves the sliding expiry, so sessions end exactly as before.
 *
 * The decryption is Auth.js's own token format done with node:crypto and a cached key: in a
 * second profile, @auth/core's `decode` still spent ~6 ms per request in WebCrypto jobs (HKDF of
 * the key on every call, jose's HMAC-based constant-time compare), on the thread pool the page
 * render and the database driver also need.
 */
import { createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

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

const HKDF_KEYS = new Map<string, Buffer>();
/** Clock tolerance of `exp`/`nbf`, seconds (the same as @auth/core's decode). */
const CLOCK_TOLERANCE_SECONDS = 15;

/**
 * The 64-byte A256CBC-HS512 key Auth.js derives for a cookie: HKDF-SHA256 (RFC 5869) of the
 * secret, salt = the cookie name, info "Auth.js Generated Encryption Key (<salt>)"
 * (@auth/core/jwt.js getDerivedEncryptionKey). Cached per secret and salt.
 */
function derivedKey(secret: string, salt: string): Buffer {
  const id = `${salt}\u0000${secret}`;
  let key = HKDF_KEYS.get(id);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
    HKDF_KEYS.set(id, key);
  }
  return key;
}

/**
 * Decrypts an Auth.js session token: JWE compact serialization (RFC 7516 §7.1) with `alg: dir` and
 * `enc: A256CBC-HS512` (RFC 7518 §5.2.2.2: the tag is the first 32 bytes of HMAC-SHA-512 over
 * AAD ‖ IV ‖ ciphertext ‖ AL under the key's first half, compared in constant time; AES-256-CBC
 * under its second half), then the claims' `exp`/`nbf` with 15 s tolerance.
 * @returns the claims; null for a malformed, forged, foreign-key or expired token; "unsupported"
 *   for any other algorithm or a compressed payload (the caller lets Auth.js decide)
 */
function decryptSessionToken(token: string, key: Buffer, nowSeconds: number): Record<string, unknown> | null | "unsupported" {
  const parts = token.split(".");
  if (parts.length !== 5 || parts[1] !== "") return null;
  let header: { alg?: unknown; enc?: unknown; zip?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8")) as typeof header;
  } catch {
    return null;
  }
  if (header.alg !== "dir" || header.enc !== "A256CBC-HS512" || header.zip !== undefined) return "unsupported";
  const iv = Buffer.from(parts[2], "base64url");
  const ciphertext = Buffer.from(parts[3], "base64url");
  const tag = Buffer.from(parts[4], "base64url");
  if (iv.length !== 16 || tag.length !== 32 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) return null;
  const aad = Buffer.from(parts[0], "ascii");
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length * 8));
  const expected = createHmac("sha512", key.subarray(0, 32)).update(aad).update(iv).update(ciphertext).update(al).digest().subarray(0, 32);
  if (!timingSafeEqual(expected, tag)) return null;
  let claims: Record<string, unknown>;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key.subarray(32), iv);
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    claims = JSON.parse(plain.toString("utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (claims === null || typeof claims !== "object") return null;
  if (typeof claims.exp === "number" && claims.exp < nowSeconds - CLOCK_TOLERANCE_SECONDS) return null;
  if (typeof claims.nbf === "number" && claims.nbf > nowSeconds + CLOCK_TOLERANCE_SECONDS) return null;
  return claims;
}

/**
 * The user id of the request's session cookie, decrypted as @auth/core's `decode` does (JWE
 * `dir` + A256CBC-HS512, key by HKDF from `secret` with the cookie name as salt; an expired,
 * tampered or foreign token counts as signed out).
 * @param cookie reads one request cookie by name
 * @param secret AUTH_SECRET (lib/auth/secret.ts)
 * @returns `{ userId }` (null when signed out, invalid, expired or past the absolute lifetime),
 *   or "full" when Auth.js must handle the request: the token is due for re-issue (older than
 *   SESSION_UPDATE_AGE_SECONDS), the cookie is chunked (`name.0`, `name.1`) or the token is in
 *   another format than the one Auth.js issues today.
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
    const token = decryptSessionToken(value, derivedKey(secret, name), nowSeconds);
    if (token === "unsupported") return "full";
    if (!token) return { userId: null };
    if (typeof token.iat === "number" && nowSeconds - token.iat > SESSION_UPDATE_AGE_SECONDS) return "full";
    if (!withinAbsoluteLifetime(token, nowSeconds)) return { userId: null };
    const userId = token.userId;
    return { userId: typeof userId === "string" && userId !== "" ? userId : null };
  }
  return { userId: null };
}
