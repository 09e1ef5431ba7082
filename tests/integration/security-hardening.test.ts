/**
 * Issue 14 (docs/security.md, "Attacks tried"): each finding's attack, replayed on a real
 * database (PGlite and PostgreSQL), must fail now. One file so the suite pays for one migrated
 * database; each describe names its item.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog } from "@/db/schema";

const state = vi.hoisted(() => ({ database: undefined as Promise<unknown> | undefined }));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedUser, SEED_PASSWORD } = await import("./tenancy-fixtures");
const { authorizeWithThrottle } = await import("@/lib/auth/credentials");
const { clientIpOf, LoginLockedError, LoginThrottle } = await import("@/lib/auth/lockout");

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

let prefixSeq = 0;
const isolated = (opts: ConstructorParameters<typeof LoginThrottle>[1] = {}) => new LoginThrottle(database, { ...opts, prefix: `t${++prefixSeq}-${Math.random().toString(36).slice(2, 6)}` });

describe("item 3: login throttle, counted atomically before the password is checked", () => {
  it("a concurrent burst of 16 wrong passwords gets exactly 5 checked; the right password in the same burst is refused", async () => {
    const u = await seedUser(database, { prefix: "burst" });
    const throttle = isolated();
    const tries = [...Array.from({ length: 16 }, () => "wrong password!"), SEED_PASSWORD].map((password) =>
      authorizeWithThrottle(database, { email: u.email, password }, null, throttle).then(
        (user) => (user ? "signed-in" : "checked-wrong"),
        (e: unknown) => (e instanceof LoginLockedError ? "locked" : `error: ${String(e)}`),
      ),
    );
    const outcomes = await Promise.all(tries);
    const tally = (o: string) => outcomes.filter((x) => x === o).length;
    // Exactly 5 of the 17 reach the password check (before the fix all 17 did, and the right one signed in).
    expect({ checked: tally("checked-wrong") + tally("signed-in"), locked: tally("locked") }).toEqual({ checked: 5, locked: 12 });
    if (tally("signed-in") === 0) {
      await expect(authorizeWithThrottle(database, { email: u.email, password: SEED_PASSWORD }, null, throttle)).rejects.toBeInstanceOf(LoginLockedError);
      const audits = await database.db.select().from(auditLog).where(and(eq(auditLog.action, "auth.lockout"), eq(auditLog.target, u.email)));
      expect(audits).toHaveLength(1);
    }
  });

  it("locks an e-mail after the allowed attempts, case-insensitively; a success resets the count", async () => {
    const u = await seedUser(database, { prefix: "reset" });
    const t = isolated({ maxFailures: 3, lockSeconds: 60 });
    expect(await authorizeWithThrottle(database, { email: u.email, password: "wrong password!" }, null, t)).toBeNull();
    expect(await authorizeWithThrottle(database, { email: u.email.toUpperCase(), password: "wrong password!" }, null, t)).toBeNull();
    expect(await authorizeWithThrottle(database, { email: u.email, password: SEED_PASSWORD }, null, t)).toMatchObject({ id: u.id });
    for (let i = 0; i < 3; i += 1) expect(await authorizeWithThrottle(database, { email: u.email, password: "wrong password!" }, null, t)).toBeNull();
    const err = await authorizeWithThrottle(database, { email: u.email, password: SEED_PASSWORD }, null, t).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginLockedError);
    expect((err as InstanceType<typeof LoginLockedError>).retryAfterSeconds).toBeGreaterThan(55);
    expect((err as InstanceType<typeof LoginLockedError>).retryAfterSeconds).toBeLessThanOrEqual(60);
    const other = await seedUser(database, { prefix: "other" });
    expect(await authorizeWithThrottle(database, { email: other.email, password: SEED_PASSWORD }, null, t)).toMatchObject({ id: other.id });
  });

  it("two throttles on one database (two server processes) share the count", async () => {
    const u = await seedUser(database, { prefix: "shared" });
    const prefix = `shared-${Math.random().toString(36).slice(2, 6)}`;
    const a = new LoginThrottle(database, { maxFailures: 2, prefix });
    const b = new LoginThrottle(database, { maxFailures: 2, prefix });
    expect(await authorizeWithThrottle(database, { email: u.email, password: "wrong password!" }, null, a)).toBeNull();
    expect(await authorizeWithThrottle(database, { email: u.email, password: "wrong password!" }, null, b)).toBeNull();
    await expect(authorizeWithThrottle(database, { email: u.email, password: SEED_PASSWORD }, null, a)).rejects.toBeInstanceOf(LoginLockedError);
  });

  it("locks an IP that sprays failures over many e-mails; another IP is unaffected", async () => {
    const t = isolated({ maxFailures: 100, ipMaxFailures: 4 });
    for (let i = 0; i < 4; i += 1) expect(await authorizeWithThrottle(database, { email: `u${i}@spray.example`, password: "wrong password!" }, "9.9.9.9", t)).toBeNull();
    await expect(authorizeWithThrottle(database, { email: "fresh@spray.example", password: "wrong password!" }, "9.9.9.9", t)).rejects.toBeInstanceOf(LoginLockedError);
    expect(await authorizeWithThrottle(database, { email: "fresh@spray.example", password: "wrong password!" }, "8.8.8.8", t)).toBeNull();
  });

  it("X-Forwarded-For is trusted only for TRUSTED_PROXY_HOPS proxies: rotated or forged values change nothing", () => {
    const h = (xff: string) => new Headers({ "x-forwarded-for": xff, "x-real-ip": "6.6.6.6" });
    expect(clientIpOf(h("1.2.3.4"), 0)).toBeNull(); // no proxy configured: the header is the client's own words
    expect(clientIpOf(h("forged-1, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientIpOf(h("forged-2, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientIpOf(h("forged, 203.0.113.7, 10.0.0.2"), 2)).toBe("203.0.113.7");
    expect(clientIpOf(h("203.0.113.7"), 2)).toBeNull();
    expect(clientIpOf(undefined, 1)).toBeNull();
  });
});
