import { createHmac, timingSafeEqual } from "node:crypto";

/*
 * One-click unsubscribe (RFC 8058, RFC 2369): every alert and digest e-mail carries
 * `List-Unsubscribe: <https://…/api/unsubscribe?…>` and `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click`, and its text a link to /unsubscribe (a page that asks before it
 * acts: mail scanners follow GET links). Both carry the user id, the list ("alerts" or "digest")
 * and an HMAC-SHA256 signature of the two under UNSUBSCRIBE_SECRET, so the link is the credential
 * (no session needed, nothing stored). The link is built at delivery (lib/mail/outbox.ts) from
 * APP_URL, never from a request, and the signed text never rests in the outbox.
 */

/** The lists a user can leave with one click. */
const UNSUBSCRIBE_LISTS = ["alerts", "digest"] as const;
export type UnsubscribeList = (typeof UNSUBSCRIBE_LISTS)[number];

/** Where the unsubscribe link goes in a queued message's text (replaced at delivery). */
export const UNSUBSCRIBE_LINK_SLOT = "{{unsubscribe_link}}";

/** The development key: refused when NODE_ENV is production. */
const DEV_SECRET = "dev-only-unsubscribe-secret-do-not-use-in-production";

/**
 * The HMAC key: env UNSUBSCRIBE_SECRET, or a fixed development key outside production.
 * @throws Error in production when UNSUBSCRIBE_SECRET is unset, shorter than 32 characters or the development key
 */
export function unsubscribeSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.UNSUBSCRIBE_SECRET;
  if (env.NODE_ENV === "production" && (!secret || secret.length < 32 || secret === DEV_SECRET)) {
    throw new Error("UNSUBSCRIBE_SECRET must be set (at least 32 characters, e.g. `openssl rand -hex 32`) in production");
  }
  if (secret !== undefined && secret !== "" && secret.length < 32) throw new Error("UNSUBSCRIBE_SECRET must be at least 32 characters");
  return secret || DEV_SECRET;
}

/** The signature of (user, list): HMAC-SHA256 over "unsubscribe:v1:<list>:<userId>", base64url (43 characters). */
export function signUnsubscribe(userId: string, list: UnsubscribeList, secret: string = unsubscribeSecret()): string {
  return createHmac("sha256", secret).update(`unsubscribe:v1:${list}:${userId}`, "utf8").digest("base64url");
}

/** True when `signature` is the signature of (user, list) under `secret` (constant-time compare). */
export function verifyUnsubscribe(userId: string, list: string, signature: string, secret: string = unsubscribeSecret()): list is UnsubscribeList {
  if (!(UNSUBSCRIBE_LISTS as readonly string[]).includes(list) || !userId) return false;
  const want = Buffer.from(signUnsubscribe(userId, list as UnsubscribeList, secret));
  const got = Buffer.from(signature);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * The links and headers of one message to one user.
 * @param appUrl the product's public origin (APP_URL)
 * @returns `page`: the link for the text (/unsubscribe asks to confirm); `headers`: the RFC 8058 pair, whose URL takes the POST
 */
export function unsubscribeLinks(
  appUrl: string,
  userId: string,
  list: UnsubscribeList,
  secret: string = unsubscribeSecret(),
): { page: string; headers: { "List-Unsubscribe": string; "List-Unsubscribe-Post": string } } {
  const query = new URLSearchParams({ u: userId, l: list, s: signUnsubscribe(userId, list, secret) }).toString();
  const origin = appUrl.replace(/\/+$/, "");
  return {
    page: `${origin}/unsubscribe?${query}`,
    headers: { "List-Unsubscribe": `<${origin}/api/unsubscribe?${query}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}
