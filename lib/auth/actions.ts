"use server";
/**
 * Auth server actions usable from any form. Signing in lives with the login page
 * (app/login/actions.ts) because it returns form state.
 */
import { signOut } from "./config";

/**
 * Ends the session (clears the next-auth JWT cookie) and redirects to /login. Usable directly as
 * a form action: `<form action={signOutAction}>`. Throws NEXT_REDIRECT by design.
 */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}
