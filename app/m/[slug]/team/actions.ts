"use server";
/**
 * The team page's actions: invite a colleague, remove a member. withMerchantAction re-authorizes
 * the slug; lib/accounts/team.ts decides what the role may do (viewers: nothing).
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ForbiddenError, withMerchantAction } from "@/lib/auth/access";
import { AccountError } from "@/lib/accounts/errors";
import { accounts } from "@/lib/accounts/server";
import { requestOrigin } from "@/app/request-origin";
import type { TeamFormState } from "@/components/billing/TeamForms";

const inviteSchema = z.object({ email: z.string().trim().min(3).max(320), role: z.enum(["merchant_owner", "merchant_viewer"]) });

/** Invites the form's e-mail with the form's role; the link goes to the outbox. */
export const inviteAction = withMerchantAction(async (access, _prev: TeamFormState, formData: FormData): Promise<TeamFormState> => {
  const parsed = inviteSchema.safeParse({ email: formData.get("email"), role: formData.get("role") ?? "merchant_viewer" });
  if (!parsed.success) return { ok: false, error: "invalid_input" };
  try {
    await accounts.invite(access, parsed.data.email, parsed.data.role, await requestOrigin());
  } catch (err) {
    if (err instanceof ForbiddenError) return { ok: false, error: "not_allowed" };
    if (err instanceof AccountError) return { ok: false, error: err.code === "invalid_input" ? "invalid_input" : "generic" };
    throw err;
  }
  revalidatePath(`/m/${access.merchant.slug}/team`);
  return { ok: true, email: parsed.data.email.toLowerCase() };
});

/** Removes the member named by the form's userId. */
export const removeMemberAction = withMerchantAction(async (access, _prev: TeamFormState, formData: FormData): Promise<TeamFormState> => {
  const userId = z.string().min(1).max(100).safeParse(formData.get("userId"));
  if (!userId.success) return { ok: false, error: "invalid_input" };
  try {
    await accounts.remove(access, userId.data);
  } catch (err) {
    if (err instanceof ForbiddenError) return { ok: false, error: "not_allowed" };
    if (err instanceof AccountError) return { ok: false, error: err.code === "not_found" ? "not_found" : "generic" };
    throw err;
  }
  revalidatePath(`/m/${access.merchant.slug}/team`);
  return { ok: true, email: "" };
});
