"use server";
/**
 * The login form's server action: Credentials sign-in through next-auth, then a redirect to the
 * requested page (same-origin only) or "/", where the root page picks the user's start page.
 */
import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/config";
import { safeRedirectPath } from "@/lib/auth/redirect";

/** The form's state: null before the first submit, else which message to show. */
export type LoginState = { error: "invalidCredentials" | "missingFields" | "unavailable" | "locked"; email: string } | null;

/**
 * Signs in with the form's `email` and `password` (and optional `next` path). On success sets
 * the session cookie and redirects (throws NEXT_REDIRECT). On failure returns the error key; an
 * unknown e-mail and a wrong password give the same "invalidCredentials", so the form cannot be
 * used to find out who has an account. The typed e-mail is returned to refill the field.
 */
export async function loginAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const email = formData.get("email");
  const password = formData.get("password");
  if (typeof email !== "string" || typeof password !== "string" || email.trim() === "" || password === "") {
    return { error: "missingFields", email: typeof email === "string" ? email : "" };
  }
  try {
    await signIn("credentials", { email, password, redirect: false });
  } catch (error) {
    if (error instanceof AuthError) {
      // Too many failures (lib/auth/lockout.ts): said plainly, for known and unknown e-mails alike.
      if (error.type === "CredentialsSignin" && (error as { code?: string }).code === "locked") return { error: "locked", email };
      if (error.type === "CredentialsSignin") return { error: "invalidCredentials", email };
      console.error("[auth] sign-in failed", error.type);
      return { error: "unavailable", email };
    }
    throw error;
  }
  redirect(safeRedirectPath(formData.get("next")));
}
