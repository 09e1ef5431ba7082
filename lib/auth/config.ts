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
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDatabase } from "@/db/client";
import { authorizeWithThrottle } from "./credentials";
import { clientIpOf, LoginLockedError, loginThrottle } from "./lockout";
import { resolveAuthSecret } from "./secret";
import { SESSION_MAX_AGE_SECONDS, SESSION_UPDATE_AGE_SECONDS, sessionUserIdFromCookie, withinAbsoluteLifetime } from "./session-cookie";

/** The sign-in refusal the login form shows as "locked" (Auth.js passes `code` through). */
class LockedSignin extends CredentialsSignin {
  code = "locked";
}

const AUTH_SECRET = resolveAuthSecret();

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: SESSION_UPDATE_AGE_SECONDS },
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
      authorize: async (credentials, request) => {
        try {
          const database = await getDatabase();
          return await authorizeWithThrottle(database, credentials, clientIpOf(request?.headers), loginThrottle(database));
        } catch (error) {
          if (error instanceof LoginLockedError) throw new LockedSignin();
          throw error;
        }
      },
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
        token.signedInAt = Math.floor(Date.now() / 1000);
      }
      // Absolute expiry: a token older than SESSION_ABSOLUTE_SECONDS since sign-in loses its user
      // id, so getActor() sees no user and every page and route treats the request as signed out.
      if (!withinAbsoluteLifetime(token, Math.floor(Date.now() / 1000))) {
        delete token.userId;
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

/**
 * The signed-in user's id for this request: the session cookie decrypted directly when it is
 * fresh (./session-cookie.ts), else Auth.js's full `auth()` (which re-issues the cookie where the
 * response allows it). Null when signed out, invalid or expired.
 */
export async function sessionUserId(): Promise<string | null> {
  const { cookies } = await import("next/headers");
  const jar = await cookies();
  const fast = await sessionUserIdFromCookie((name) => jar.get(name)?.value, AUTH_SECRET);
  if (fast !== "full") return fast.userId;
  const session = await auth();
  const userId = (session?.user as { id?: unknown } | undefined)?.id;
  return typeof userId === "string" && userId !== "" ? userId : null;
}
