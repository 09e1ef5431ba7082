"use server";
/**
 * Accepting an invitation (public: the invitee has no account yet). The single-use, expiring
 * token from the e-mail link is the credential (lib/accounts/invitations.ts); on success the
 * invitee goes to the sign-in page with the merchant as the next page.
 */
import { redirect } from "next/navigation";
import { actionError } from "@/app/action-error";
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
    const f = actionError(err, "invite.accept");
    if (f.code === "weak_password") return { error: "weak_password", message: f.message };
    if (f.code === "invitation_invalid" || f.code === "invitation_expired" || f.code === "invitation_used") return { error: f.code };
    return { error: "generic" };
  }
  const next = result.merchantSlug ? `/m/${result.merchantSlug}` : "/admin";
  redirect(`/login?${new URLSearchParams({ next, email: result.email, invited: "1" })}`);
}
