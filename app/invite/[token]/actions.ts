"use server";
/**
 * Accepting an invitation (public: the invitee has no account yet). The single-use, expiring
 * token from the e-mail link is the credential (lib/accounts/invitations.ts); on success the
 * invitee goes to the sign-in page with the merchant as the next page.
 */
import { redirect } from "next/navigation";
import { AccountError } from "@/lib/accounts/errors";
import { accounts } from "@/lib/accounts/server";

export type AcceptState = { error: "mismatch" | "invitation_invalid" | "invitation_expired" | "invitation_used" | "weak_password" | "generic"; message?: string } | null;

/** `token` is bound by the page; the form carries name, password and confirm. */
export async function acceptInviteAction(token: string, _prev: AcceptState, formData: FormData): Promise<AcceptState> {
  const password = formData.get("password");
  const confirm = formData.get("confirm");
  const name = formData.get("name");
  if (typeof password !== "string" || typeof token !== "string") return { error: "generic" };
  if (formData.get("existing") !== "1" && password !== confirm) return { error: "mismatch" };
  let result: { email: string; merchantSlug: string | null };
  try {
    result = await accounts.acceptInvitation(token, { name: typeof name === "string" ? name : null, password });
  } catch (err) {
    if (err instanceof AccountError) {
      if (err.code === "weak_password") return { error: "weak_password", message: err.message };
      if (err.code === "invitation_invalid" || err.code === "invitation_expired" || err.code === "invitation_used") return { error: err.code };
    }
    console.error("[invite] accept failed", err instanceof Error ? err.message : err);
    return { error: "generic" };
  }
  const next = result.merchantSlug ? `/m/${result.merchantSlug}` : "/admin";
  redirect(`/login?${new URLSearchParams({ next, email: result.email, invited: "1" })}`);
}
