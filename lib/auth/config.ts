/**
 * next-auth (Auth.js v5) configuration: e-mail + password sign-in (Credentials provider,
 * argon2id), sessions as encrypted JWT cookies valid 8 hours. The token carries the user id,
 * bank role and locale; authorization never trusts the token's roles but re-reads them from the
 * database per request (lib/auth/access.ts).
 *
 * JWT rather than database sessions because Auth.js's Credentials provider only supports JWT
 * sessions. The adapter tables in db/schema/auth.ts stay for a later e-mail/OAuth sign-in.
 *
 * Secret: AUTH_SECRET, or the generated `.data/auth-secret` (see ./secret.ts).
 */
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDatabase } from "@/db/client";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { resolveAuthSecret } from "./secret";
import { findUserByEmail } from "./users";

/** Session lifetime in seconds: one working day. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

const credentialsSchema = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

/**
 * Checks e-mail + password; the user for the token, or null. Unknown e-mail, missing password
 * hash and wrong password are all null, after the same argon2 work (no e-mail enumeration by
 * timing). Exported for tests.
 */
export async function authorizeCredentials(
  raw: unknown,
): Promise<{ id: string; email: string; name: string | null; bankRole: "bank_admin" | null; locale: "en" | "ru" } | null> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const user = await findUserByEmail(await getDatabase(), parsed.data.email);
  if (!user || !user.passwordHash) return verifyAgainstDummy(parsed.data.password).then(() => null);
  if (!(await verifyPassword(user.passwordHash, parsed.data.password))) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    bankRole: user.bankRole === "bank_admin" ? "bank_admin" : null,
    locale: user.locale === "ru" ? "ru" : "en",
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: resolveAuthSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      authorize: (credentials) => authorizeCredentials(credentials),
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // `user` is present only on sign-in: copy what the session needs into the token once.
      if (user) {
        const u = user as { id?: string; bankRole?: string | null; locale?: string };
        token.userId = u.id;
        token.bankRole = u.bankRole ?? null;
        token.locale = u.locale ?? "en";
      }
      return token;
    },
    session({ session, token }) {
      const user = session.user as unknown as Record<string, unknown>;
      user.id = token.userId;
      user.bankRole = token.bankRole ?? null;
      user.locale = token.locale ?? "en";
      return session;
    },
  },
});
