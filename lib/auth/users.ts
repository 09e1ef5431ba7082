/**
 * User accounts and memberships on the owner connection (CLI, demo seed, tests, sign-in). No
 * route reaches these directly: authorization reads them in lib/auth/access.ts.
 *
 * E-mails are case-insensitive: every write and lookup goes through normaliseEmail (trimmed,
 * lower case), so the unique index on users.email is effectively case-insensitive.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { MERCHANT_ROLES, memberships, merchants, users, type MerchantRole } from "@/db/schema";
import { hashPassword } from "./password";
import { AppError } from "@/lib/errors";

/** A second account for an e-mail that already has one (409, code "duplicate_email"; the e-mail stays out of the details). */
export class DuplicateEmailError extends AppError {
  constructor(readonly email: string) {
    super("duplicate_email", 409, `a user with e-mail ${email} already exists`);
  }
}

const emailSchema = z.email({ message: "not a valid e-mail address" });

/** Trims and lower-cases an e-mail; throws Error("not a valid e-mail address: …") when invalid. */
export function normaliseEmail(email: string): string {
  const normalised = String(email).trim().toLowerCase();
  if (!emailSchema.safeParse(normalised).success) throw new Error(`not a valid e-mail address: ${JSON.stringify(email)}`);
  return normalised;
}

const newUserSchema = z.object({
  email: z.string(),
  password: z.string(),
  name: z.string().trim().min(1).max(200).nullish(),
  bankRole: z.enum(["bank_admin", "relationship_manager"]).nullish(),
  locale: z.enum(["en", "ru"]).optional(),
});
export type NewUser = z.input<typeof newUserSchema>;

/**
 * Creates a user with an argon2id password hash and returns its id (a UUID).
 * Throws: ZodError for a malformed input (unknown bankRole or locale, empty name), Error for an
 * invalid e-mail, PasswordPolicyError for a weak password, DuplicateEmailError when the e-mail
 * (case-insensitively) is taken. Nothing is written when it throws.
 */
export async function createUser(database: Database, input: NewUser): Promise<string> {
  const parsed = newUserSchema.parse(input);
  const email = normaliseEmail(parsed.email);
  if (await findUserByEmail(database, email)) throw new DuplicateEmailError(email);
  const passwordHash = await hashPassword(parsed.password);
  // The pre-check gives the clear error; on conflict covers a concurrent insert of the same e-mail.
  const inserted = await database.db
    .insert(users)
    .values({
      email,
      passwordHash,
      name: parsed.name ?? null,
      bankRole: parsed.bankRole ?? null,
      locale: parsed.locale ?? "en",
    })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  if (inserted.length === 0) throw new DuplicateEmailError(email);
  return inserted[0].id;
}

/** A user row as sign-in needs it. */
export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string | null;
  bankRole: string | null;
  locale: string;
}

/** The user with this e-mail (case-insensitive), or null; null also for a malformed e-mail. */
export async function findUserByEmail(database: Database, email: string): Promise<UserRecord | null> {
  let normalised: string;
  try {
    normalised = normaliseEmail(email);
  } catch {
    return null;
  }
  const [row] = await database.db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      passwordHash: users.passwordHash,
      bankRole: users.bankRole,
      locale: users.locale,
    })
    .from(users)
    .where(eq(users.email, normalised))
    .limit(1);
  return row ?? null;
}

/**
 * Gives a user a role on a merchant. Idempotent: granting the same role again changes nothing;
 * granting another role replaces the previous one (one membership per user and merchant).
 * Throws Error when the role is not a merchant role or the user or merchant does not exist;
 * nothing is written then.
 */
export async function grantMembership(database: Database, userId: string, merchantId: number, role: MerchantRole): Promise<void> {
  if (!(MERCHANT_ROLES as readonly string[]).includes(role)) {
    throw new Error(`grantMembership: unknown role ${JSON.stringify(role)} (expected ${MERCHANT_ROLES.join(", ")})`);
  }
  const [user] = await database.db.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw new Error(`grantMembership: no user with id ${userId}`);
  const [merchant] = await database.db.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, merchantId)).limit(1);
  if (!merchant) throw new Error(`grantMembership: no merchant with id ${merchantId}`);
  await database.db
    .insert(memberships)
    .values({ userId, merchantId, role })
    .onConflictDoUpdate({ target: [memberships.userId, memberships.merchantId], set: { role } });
}

/** Removes a user's membership of a merchant; returns whether one existed. */
export async function revokeMembership(database: Database, userId: string, merchantId: number): Promise<boolean> {
  const deleted = await database.db
    .delete(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.merchantId, merchantId)))
    .returning({ userId: memberships.userId });
  return deleted.length > 0;
}
