/**
 * The e-mail + password check behind the Credentials provider, on an explicit database so it
 * can be tested without Next. No session or cookie handling here: see ./config.ts.
 */
import { z } from "zod";
import type { Database } from "@/db/client";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { findUserByEmail } from "./users";
import { recordAudit } from "@/lib/audit";
import type { LoginThrottle } from "./lockout";

/** What a successful sign-in puts into the token (see the jwt callback in ./config.ts). */
export interface SignedInUser {
  id: string;
  email: string;
  name: string | null;
  bankRole: "bank_admin" | "relationship_manager" | null;
  locale: "en" | "ru";
}

const credentialsSchema = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

/**
 * Checks `{ email, password }` (raw form input) against `database`. Returns the user, or null
 * for malformed input, an unknown e-mail, a user without a password, or a wrong password. The
 * last three cost the same argon2 work, so timing does not reveal which e-mails have accounts.
 * Never throws for bad input.
 */
export async function authorizeCredentialsIn(database: Database, raw: unknown): Promise<SignedInUser | null> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const user = await findUserByEmail(database, parsed.data.email);
  if (!user || !user.passwordHash) {
    await verifyAgainstDummy(parsed.data.password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, parsed.data.password))) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    bankRole: user.bankRole === "bank_admin" || user.bankRole === "relationship_manager" ? user.bankRole : null,
    locale: user.locale === "ru" ? "ru" : "en",
  };
}

/**
 * authorizeCredentialsIn behind the login throttle (./lockout.ts): counts the attempt first,
 * atomically (refusing with LoginLockedError, before any password work, while the e-mail or IP is
 * locked), clears the count on success, and records "auth.lockout" in the audit log when a failure
 * locks the e-mail. Returns what authorizeCredentialsIn returns.
 */
export async function authorizeWithThrottle(
  database: Database,
  raw: unknown,
  ip: string | null,
  throttle: LoginThrottle,
): Promise<SignedInUser | null> {
  const email = typeof (raw as { email?: unknown })?.email === "string" ? ((raw as { email: string }).email.trim().toLowerCase()) : "";
  if (!email) return authorizeCredentialsIn(database, raw);
  const attempt = await throttle.acquire(email, ip);
  const user = await authorizeCredentialsIn(database, raw);
  if (user) {
    await throttle.recordSuccess(email, ip);
    return user;
  }
  if (attempt.lastChance) {
    await recordAudit(database.db, { actor: null, action: "auth.lockout", target: email, details: { ip } });
  }
  return null;
}
