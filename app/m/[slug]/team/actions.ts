"use server";
/**
 * The team page's actions: invite a colleague, remove a member, set the gross margin. withMerchantAction re-authorizes
 * the slug; lib/accounts/team.ts decides what the role may do (viewers: nothing).
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withMerchantAction } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { actionError } from "@/app/action-error";
import { requestOrigin } from "@/app/request-origin";
import type { TeamFormState } from "@/components/billing/TeamForms";
import type { MarginFormState } from "@/components/billing/MarginForm";
import { parseGrossMarginPercent } from "@/lib/accounts/settings";

/** The team form's message keys (messages team.errors.*) for a failure code; the rest read "generic". */
const TEAM_ERROR_KEYS: Readonly<Record<string, "not_allowed" | "invalid_input" | "not_found">> = {
  forbidden: "not_allowed",
  invalid_input: "invalid_input",
  not_found: "not_found",
};

function failure(err: unknown, where: string): TeamFormState {
  return { ok: false, error: TEAM_ERROR_KEYS[actionError(err, where).code] ?? "generic" };
}

const inviteSchema = z.object({ email: z.string().trim().min(3).max(320), role: z.enum(["merchant_owner", "merchant_viewer"]) });

/** Invites the form's e-mail with the form's role; the link goes to the outbox. */
export const inviteAction = withMerchantAction(async (access, _prev: TeamFormState, formData: FormData): Promise<TeamFormState> => {
  const parsed = inviteSchema.safeParse({ email: formData.get("email"), role: formData.get("role") ?? "merchant_viewer" });
  if (!parsed.success) return { ok: false, error: "invalid_input" };
  try {
    await accounts.invite(access, parsed.data.email, parsed.data.role, await requestOrigin());
  } catch (err) {
    return failure(err, "team.invite");
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
    return failure(err, "team.remove");
  }
  revalidatePath(`/m/${access.merchant.slug}/team`);
  return { ok: true, email: "" };
});

/**
 * Sets or clears the merchant's gross margin (the form's `grossMargin`, a percentage; empty
 * clears it). Bad input answers "invalid_input" and changes nothing; viewers "not_allowed".
 */
export const setMarginAction = withMerchantAction(async (access, _prev: MarginFormState, formData: FormData): Promise<MarginFormState> => {
  let bp: number | null;
  try {
    bp = parseGrossMarginPercent(formData.get("grossMargin") ?? "");
  } catch {
    return { ok: false, error: "invalid_input" };
  }
  try {
    const stored = await accounts.setGrossMargin(access, bp);
    for (const page of ["team", "value", "churn"]) revalidatePath(`/m/${access.merchant.slug}/${page}`);
    return { ok: true, grossMarginBp: stored };
  } catch (err) {
    const code = actionError(err, "settings.margin").code;
    return { ok: false, error: code === "forbidden" ? "not_allowed" : code === "invalid_input" ? "invalid_input" : "generic" };
  }
});
