/**
 * The real next-auth configuration (lib/auth/config.ts) through its route handlers, without a
 * Next server: CSRF token -> Credentials callback -> session cookie -> /api/auth/session shows
 * the user id, bank role and locale; a wrong password and an unknown e-mail get no session.
 */
import { register } from "node:module";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";

// next-auth's ESM imports "next/server" without an extension; Next's bundler resolves that, Node's
// ESM loader does not (the `next` package has no "exports" map). Vitest loads node_modules with
// Node's loader, so map these specifiers to their files for this test process only.
const LOADER = `
const BARE = new Set(["next/server", "next/headers", "next/navigation"]);
export async function resolve(specifier, context, next) {
  return next(BARE.has(specifier) ? specifier + ".js" : specifier, context);
}`;
register("data:text/javascript," + encodeURIComponent(LOADER));

const state = vi.hoisted(() => {
  // A fixed secret, so the test never creates .data/auth-secret in the checkout.
  process.env.AUTH_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
  return { database: undefined as Promise<unknown> | undefined };
});
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { NextRequest } = await import("next/server");
const { openTestDatabase } = await import("../helpers/db");
const { SEED_PASSWORD, seedUser } = await import("./tenancy-fixtures");
const { handlers } = await import("@/lib/auth/config");
const { SESSION_MAX_AGE_SECONDS, SESSION_UPDATE_AGE_SECONDS, SESSION_ABSOLUTE_SECONDS, sessionUserIdFromCookie } = await import("@/lib/auth/session-cookie");
const { encode } = await import("next-auth/jwt");

const ORIGIN = "http://localhost:3000";
let database: Database;
let admin: { id: string; email: string };

beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
  admin = await seedUser(database, { bankRole: "bank_admin", prefix: "admin" });
});
afterAll(async () => {
  await database?.close();
});

/** Set-Cookie headers of a response as name -> value (the last one wins). */
function cookiesOf(res: Response): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const i = pair.indexOf("=");
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return jar;
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

/** Signs in through the real handlers; returns the final cookie jar and the callback response. */
async function signIn(email: string, password: string) {
  const csrfRes = await handlers.GET(new NextRequest(`${ORIGIN}/api/auth/csrf`));
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesOf(csrfRes);
  const res = await handlers.POST(
    new NextRequest(`${ORIGIN}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${ORIGIN}/` }),
    }),
  );
  for (const [k, v] of cookiesOf(res)) jar.set(k, v);
  return { jar, res };
}

async function session(jar: Map<string, string>) {
  const res = await handlers.GET(new NextRequest(`${ORIGIN}/api/auth/session`, { headers: { cookie: cookieHeader(jar) } }));
  return res.json() as Promise<null | { user: Record<string, unknown>; expires: string }>;
}

describe("next-auth credentials sign-in", () => {
  it("issues an 8-hour JWT session carrying the user id, bank role and locale", async () => {
    const { jar, res } = await signIn(admin.email.toUpperCase(), SEED_PASSWORD);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${ORIGIN}/`);
    expect(jar.get("authjs.session-token")).toBeTruthy();
    const s = await session(jar);
    expect(s?.user).toMatchObject({ id: admin.id, email: admin.email, bankRole: "bank_admin", locale: "en" });
    const lifetime = (Date.parse(s!.expires) - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(SESSION_MAX_AGE_SECONDS - 60);
    expect(lifetime).toBeLessThanOrEqual(SESSION_MAX_AGE_SECONDS);
  });

  it("gives no session for a wrong password or an unknown e-mail, and redirects both to /login alike", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const wrong = await signIn(admin.email, SEED_PASSWORD + "!");
    const unknown = await signIn("nobody@example.com", SEED_PASSWORD);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
    for (const attempt of [wrong, unknown]) {
      expect(attempt.jar.has("authjs.session-token")).toBe(false);
      expect(attempt.res.status).toBe(302);
      expect(attempt.res.headers.get("location")).toBe(`${ORIGIN}/login?error=CredentialsSignin&code=credentials`);
      expect(await session(attempt.jar)).toBeNull();
    }
  });

  it("rejects a tampered session cookie", async () => {
    const { jar } = await signIn(admin.email, SEED_PASSWORD);
    const token = jar.get("authjs.session-token")!;
    jar.set("authjs.session-token", token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA"));
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await session(jar)).toBeNull();
    error.mockRestore();
  });
});

// Issue 14 "Load": pages and routes read the session cookie directly while it is fresh, instead of
// Auth.js's full round (re-encrypting and re-issuing it on every request). It must accept exactly
// what Auth.js accepts and hand everything else to the full path.
describe("the session cookie's fast path (lib/auth/session-cookie.ts)", () => {
  const SECRET = process.env.AUTH_SECRET!;
  const NAME = "authjs.session-token";
  const now = () => Math.floor(Date.now() / 1000);
  const read = (jar: Map<string, string>, at = now(), secret = SECRET) => sessionUserIdFromCookie((n) => jar.get(n), secret, at);

  it("gives the user id of a fresh cookie issued by the real sign-in, the same as /api/auth/session", async () => {
    const { jar } = await signIn(admin.email, SEED_PASSWORD);
    expect(await read(jar)).toEqual({ userId: admin.id });
    expect((await session(jar))?.user.id).toBe(admin.id);
  });

  it("hands a token due for re-issue, or a chunked cookie, to Auth.js", async () => {
    const { jar } = await signIn(admin.email, SEED_PASSWORD);
    expect(await read(jar, now() + SESSION_UPDATE_AGE_SECONDS + 5)).toBe("full");
    expect(await read(new Map([[`${NAME}.0`, jar.get(NAME)!]]))).toBe("full");
    // Another format than Auth.js issues today (here A256GCM) is Auth.js's to judge.
    const [, ...rest] = jar.get(NAME)!.split(".");
    const gcm = [Buffer.from(JSON.stringify({ alg: "dir", enc: "A256GCM" })).toString("base64url"), ...rest].join(".");
    expect(await read(new Map([[NAME, gcm]]))).toBe("full");
  });

  it("is signed out for no cookie, a tampered one, another secret's, an expired one, or one past the absolute lifetime", async () => {
    const { jar } = await signIn(admin.email, SEED_PASSWORD);
    const token = jar.get(NAME)!;
    expect(await read(new Map())).toEqual({ userId: null });
    expect(await read(new Map([[NAME, token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA")]]))).toEqual({ userId: null });
    expect(await read(jar, now(), "another-secret-0123456789abcdef0123456789")).toEqual({ userId: null });
    // The cookie name is the key's salt: the same token under the https name does not decrypt.
    expect(await read(new Map([["__Secure-authjs.session-token", token]]))).toEqual({ userId: null });
    // Expiry is judged by jose on the real clock (15 s tolerance): a token that expired a minute ago.
    const expired = await encode({ token: { userId: admin.id, signedInAt: now() - 100 }, secret: SECRET, salt: NAME, maxAge: -60 });
    expect(await read(new Map([[NAME, expired]]))).toEqual({ userId: null });
    const old = await encode({ token: { userId: admin.id, signedInAt: now() - SESSION_ABSOLUTE_SECONDS - 1 }, secret: SECRET, salt: NAME, maxAge: 600 });
    expect(await read(new Map([[NAME, old]]))).toEqual({ userId: null });
    const young = await encode({ token: { userId: admin.id, signedInAt: now() - SESSION_ABSOLUTE_SECONDS + 60 }, secret: SECRET, salt: NAME, maxAge: 600 });
    expect(await read(new Map([[NAME, young]]))).toEqual({ userId: admin.id });
  });
});
