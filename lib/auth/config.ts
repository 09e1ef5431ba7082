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
import { getDatabase } from "@/db/client";
import { authorizeCredentialsIn } from "./credentials";
import { resolveAuthSecret } from "./secret";

/** Session lifetime in seconds: one working day. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: resolveAuthSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  logger: {
    // A wrong password is a user mistake, not a server error: one line without a stack trace
    // (and without the e-mail, which is personal data).
    error(error) {
      if ((error as { type?: string }).type === "CredentialsSignin") {
        console.warn("[auth] sign-in rejected: unknown e-mail or wrong password");
        return;
      }
      console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      authorize: async (credentials) => authorizeCredentialsIn(await getDatabase(), credentials),
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
