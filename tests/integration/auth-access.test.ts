/**
 * Authorization resolution (lib/auth/access.ts) and accounts (lib/auth/users.ts) on both
 * databases: who may open which merchant, and what the scoped handle then sees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { memberships, merchants, users } from "@/db/schema";
import {
  listAccessibleMerchantsIn,
  listMerchantAccessesIn,
  loadActorIn,
  resolveMerchantAccessIn,
  type Actor,
} from "@/lib/auth/access";
import { authorizeCredentialsIn } from "@/lib/auth/credentials";
import { PasswordPolicyError, verifyPassword } from "@/lib/auth/password";
import { DuplicateEmailError, createUser, findUserByEmail, grantMembership, revokeMembership } from "@/lib/auth/users";
import { openTestDatabase } from "../helpers/db";
import { SEED_PASSWORD, seedMerchant, seedUser, type SeededMerchant } from "./tenancy-fixtures";

let database: Database;
let a: SeededMerchant;
let b: SeededMerchant;
let c: SeededMerchant;
const actors: Record<"owner" | "viewer" | "rm" | "otherRm" | "admin" | "stranger", Actor> = {} as never;

async function actor(id: string): Promise<Actor> {
  const loaded = await loadActorIn(database, id);
  if (!loaded) throw new Error(`no user ${id}`);
  return loaded;
}

beforeAll(async () => {
  database = await openTestDatabase();
  a = await seedMerchant(database, "Alpha bakery", 4);
  b = await seedMerchant(database, "Beta books", 3);
  c = await seedMerchant(database, "Gamma garage", 2);
  const owner = await seedUser(database, { prefix: "owner", memberships: [[a.id, "merchant_owner"]] });
  const viewer = await seedUser(database, { prefix: "viewer", memberships: [[a.id, "merchant_viewer"]] });
  const rm = await seedUser(database, { prefix: "rm", memberships: [[a.id, "relationship_manager"], [c.id, "relationship_manager"]] });
  const otherRm = await seedUser(database, { prefix: "rm2", memberships: [[b.id, "relationship_manager"]] });
  const admin = await seedUser(database, { prefix: "admin", bankRole: "bank_admin" });
  const stranger = await seedUser(database, { prefix: "stranger" });
  actors.owner = await actor(owner.id);
  actors.viewer = await actor(viewer.id);
  actors.rm = await actor(rm.id);
  actors.otherRm = await actor(otherRm.id);
  actors.admin = await actor(admin.id);
  actors.stranger = await actor(stranger.id);
});
afterAll(async () => {
  await database?.close();
});

describe("resolveMerchantAccessIn", () => {
  it.each([
    ["owner", "a", "merchant_owner"],
    ["viewer", "a", "merchant_viewer"],
    ["rm", "a", "relationship_manager"],
    ["rm", "c", "relationship_manager"],
    ["admin", "a", "bank_admin"],
    ["admin", "b", "bank_admin"],
    ["otherRm", "b", "relationship_manager"],
  ] as const)("%s on merchant %s -> role %s", async (who, which, role) => {
    const m = { a, b, c }[which];
    const access = await resolveMerchantAccessIn(database, actors[who], m.slug);
    expect(access?.role).toBe(role);
    expect(access?.merchant).toEqual({ id: m.id, slug: m.slug, name: m.name, mcc: "5411", currency: "RUB", timeZone: "Europe/Moscow" });
    expect(access?.actor).toBe(actors[who]);
  });

  it.each([
    ["owner", "b"],
    ["viewer", "c"],
    ["rm", "b"],
    ["otherRm", "a"],
    ["stranger", "a"],
    ["stranger", "b"],
  ] as const)("%s on merchant %s -> null (not theirs)", async (who, which) => {
    expect(await resolveMerchantAccessIn(database, actors[who], { a, b, c }[which].slug)).toBeNull();
  });

  it("answers null for an unknown slug, a malformed slug and a non-string, even for a bank admin", async () => {
    for (const slug of ["no-such-merchant", "", "../etc/passwd", "A-UPPER", "x".repeat(100), 42 as unknown as string]) {
      expect(await resolveMerchantAccessIn(database, actors.admin, slug)).toBeNull();
      expect(await resolveMerchantAccessIn(database, actors.owner, slug)).toBeNull();
    }
  });

  it("does not trust the actor object: a forged bankRole or an unknown user id gets nothing", async () => {
    const forged: Actor = { ...actors.stranger, bankRole: "bank_admin" };
    expect(await resolveMerchantAccessIn(database, forged, a.slug)).toBeNull();
    const ghost: Actor = { ...actors.admin, userId: "00000000-0000-0000-0000-000000000000" };
    expect(await resolveMerchantAccessIn(database, ghost, a.slug)).toBeNull();
  });

  it("reads roles per request: revoking a membership takes effect at once", async () => {
    const temp = await seedUser(database, { memberships: [[b.id, "merchant_viewer"]] });
    const who = await actor(temp.id);
    expect((await resolveMerchantAccessIn(database, who, b.slug))?.role).toBe("merchant_viewer");
    expect(await revokeMembership(database, temp.id, b.id)).toBe(true);
    expect(await resolveMerchantAccessIn(database, who, b.slug)).toBeNull();
  });

  it("run() sees only the resolved merchant's rows, even in queries without a merchant filter", async () => {
    const access = await resolveMerchantAccessIn(database, actors.rm, c.slug);
    const seen = await access!.run(async ({ tx, merchant }) => {
      expect(merchant.id).toBe(c.id);
      return queryRows<{ merchant_id: number; n: number }>(
        tx,
        sql`select merchant_id, count(*)::int as n from transactions group by 1 order by 1`,
      );
    });
    expect(seen).toEqual([{ merchant_id: c.id, n: 3 }]);
    const admin = await resolveMerchantAccessIn(database, actors.admin, b.slug);
    const days = await admin!.run(({ tx }) => queryRows<{ merchant_id: number }>(tx, sql`select distinct merchant_id from merchant_daily`));
    expect(days).toEqual([{ merchant_id: b.id }]);
  });

  it("run() is read-only", async () => {
    const access = await resolveMerchantAccessIn(database, actors.owner, a.slug);
    await expect(access!.run(({ tx }) => tx.execute(sql`delete from merchant_daily`))).rejects.toThrow();
    const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from merchant_daily where merchant_id = ${a.id}`);
    expect(n.n).toBe(2);
  });
});

describe("listAccessibleMerchantsIn", () => {
  it("bank admin: every merchant, ordered by name", async () => {
    const all = await database.db.select({ slug: merchants.slug, name: merchants.name }).from(merchants).orderBy(merchants.name, merchants.slug);
    const listed = await listAccessibleMerchantsIn(database, actors.admin);
    expect(listed.map((m) => m.slug)).toEqual(all.map((m) => m.slug));
    expect(new Set(listed.map((m) => m.role))).toEqual(new Set(["bank_admin"]));
  });

  it("relationship manager: exactly the portfolio", async () => {
    expect(await listAccessibleMerchantsIn(database, actors.rm)).toEqual([
      { id: a.id, slug: a.slug, name: "Alpha bakery", mcc: "5411", currency: "RUB", timeZone: "Europe/Moscow", role: "relationship_manager" },
      { id: c.id, slug: c.slug, name: "Gamma garage", mcc: "5411", currency: "RUB", timeZone: "Europe/Moscow", role: "relationship_manager" },
    ]);
  });

  it("merchant users: their memberships; stranger and unknown users: nothing", async () => {
    expect((await listAccessibleMerchantsIn(database, actors.owner)).map((m) => [m.slug, m.role])).toEqual([[a.slug, "merchant_owner"]]);
    expect((await listAccessibleMerchantsIn(database, actors.viewer)).map((m) => [m.slug, m.role])).toEqual([[a.slug, "merchant_viewer"]]);
    expect(await listAccessibleMerchantsIn(database, actors.stranger)).toEqual([]);
    expect(await listAccessibleMerchantsIn(database, { ...actors.stranger, bankRole: "bank_admin" })).toEqual([]);
    expect(await listAccessibleMerchantsIn(database, { ...actors.admin, userId: "nobody" })).toEqual([]);
  });
});

describe("listMerchantAccessesIn", () => {
  it("gives a scoped access per portfolio merchant, each seeing only its own rows", async () => {
    const accesses = await listMerchantAccessesIn(database, actors.rm);
    expect(accesses.map((x) => [x.merchant.slug, x.role])).toEqual([
      [a.slug, "relationship_manager"],
      [c.slug, "relationship_manager"],
    ]);
    for (const x of accesses) {
      const seen = await x.run(({ tx }) => queryRows<{ merchant_id: number }>(tx, sql`select distinct merchant_id from transactions`));
      expect(seen).toEqual([{ merchant_id: x.merchant.id }]);
    }
    expect(await listMerchantAccessesIn(database, actors.stranger)).toEqual([]);
  });
});

describe("users", () => {
  it("createUser stores a lower-case e-mail and an argon2id hash that verifies", async () => {
    const id = await createUser(database, { email: "  Mixed.Case@Example.COM ", password: "a fine long password", name: "Ann", locale: "ru" });
    const user = await findUserByEmail(database, "MIXED.case@example.com");
    expect(user).toMatchObject({ id, email: "mixed.case@example.com", name: "Ann", bankRole: null, locale: "ru" });
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user!.passwordHash!, "a fine long password")).toBe(true);
    expect(await verifyPassword(user!.passwordHash!, "a fine long passworD")).toBe(false);
    expect(await loadActorIn(database, id)).toEqual({ userId: id, email: "mixed.case@example.com", name: "Ann", bankRole: null, locale: "ru" });
  });

  it("refuses a duplicate e-mail in any case, with a clear message, and writes nothing", async () => {
    await createUser(database, { email: "dup@example.com", password: "first password 1" });
    const error = await createUser(database, { email: "DUP@example.com", password: "second password 2" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateEmailError);
    expect((error as Error).message).toBe("a user with e-mail dup@example.com already exists");
    const rows = await database.db.select().from(users).where(eq(users.email, "dup@example.com"));
    expect(rows).toHaveLength(1);
    expect(await verifyPassword(rows[0].passwordHash!, "first password 1")).toBe(true);
  });

  it("refuses bad input before writing: weak password, invalid e-mail, unknown bank role", async () => {
    const before = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from users`);
    await expect(createUser(database, { email: "weak@example.com", password: "short" })).rejects.toThrow(PasswordPolicyError);
    await expect(createUser(database, { email: "not an email", password: "long enough password" })).rejects.toThrow(/not a valid e-mail/);
    await expect(
      createUser(database, { email: "role@example.com", password: "long enough password", bankRole: "root" as never }),
    ).rejects.toThrow();
    const after = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from users`);
    expect(after).toEqual(before);
    expect(await findUserByEmail(database, "weak@example.com")).toBeNull();
  });

  it("grantMembership is idempotent, replaces a different role, and refuses unknown roles, users and merchants", async () => {
    const u = await seedUser(database);
    await grantMembership(database, u.id, b.id, "merchant_viewer");
    await grantMembership(database, u.id, b.id, "merchant_viewer");
    const rowsOf = () => database.db.select({ role: memberships.role }).from(memberships).where(eq(memberships.userId, u.id));
    expect(await rowsOf()).toEqual([{ role: "merchant_viewer" }]);
    await grantMembership(database, u.id, b.id, "merchant_owner");
    expect(await rowsOf()).toEqual([{ role: "merchant_owner" }]);
    await expect(grantMembership(database, u.id, b.id, "bank_admin" as never)).rejects.toThrow(/unknown role/);
    await expect(grantMembership(database, "nobody", b.id, "merchant_owner")).rejects.toThrow(/no user/);
    await expect(grantMembership(database, u.id, 999_999, "merchant_owner")).rejects.toThrow(/no merchant/);
    expect(await rowsOf()).toEqual([{ role: "merchant_owner" }]);
  });
});

describe("authorizeCredentialsIn (the Credentials provider's check)", () => {
  it("accepts the right password with any e-mail case, and answers null alike for unknown e-mail and wrong password", async () => {
    const u = await seedUser(database, { prefix: "login" });
    const ok = await authorizeCredentialsIn(database, { email: u.email.toUpperCase(), password: SEED_PASSWORD });
    expect(ok).toEqual({ id: u.id, email: u.email, name: null, bankRole: null, locale: "en" });
    expect(await authorizeCredentialsIn(database, { email: u.email, password: SEED_PASSWORD + "x" })).toBeNull();
    expect(await authorizeCredentialsIn(database, { email: "nobody@example.com", password: SEED_PASSWORD })).toBeNull();
    expect(await authorizeCredentialsIn(database, { email: u.email })).toBeNull();
    expect(await authorizeCredentialsIn(database, null)).toBeNull();
  });

  it("refuses a user without a password hash", async () => {
    await database.db.insert(users).values({ email: "nopass@example.com" });
    expect(await authorizeCredentialsIn(database, { email: "nopass@example.com", password: "anything long enough" })).toBeNull();
  });
});
