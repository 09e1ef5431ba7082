"use server";
/**
 * The API page's actions: create and revoke the merchant's API tokens. withMerchantAction
 * re-authorizes the slug; lib/auth/tokens.ts allows owners only and audits both.
 */
import { revalidatePath } from "next/cache";
import { ForbiddenError, NotFoundError, withMerchantAction } from "@/lib/auth/access";
import { ApiTokenError, apiTokenService, MAX_ACTIVE_TOKENS } from "@/lib/auth/tokens";
import type { TokenFormState } from "@/components/api/ApiTokenForms";

function refused(err: unknown): TokenFormState {
  if (err instanceof ForbiddenError) return { ok: false, error: "not_allowed" };
  if (err instanceof NotFoundError) return { ok: false, error: "not_found" };
  if (err instanceof ApiTokenError) return err.code === "too_many" ? { ok: false, error: "too_many", max: MAX_ACTIVE_TOKENS } : { ok: false, error: "invalid_input" };
  throw err;
}

/** Creates a token named by the form; the answer carries the token in clear, once. */
export const createTokenAction = withMerchantAction(async (access, _prev: TokenFormState, formData: FormData): Promise<TokenFormState> => {
  const name = formData.get("name");
  if (typeof name !== "string") return { ok: false, error: "invalid_input" };
  try {
    const { token, view } = await apiTokenService.create(access, name);
    revalidatePath(`/m/${access.merchant.slug}/api`);
    return { ok: true, token, name: view.name };
  } catch (err) {
    return refused(err);
  }
});

/** Revokes the token named by the form's id. */
export const revokeTokenAction = withMerchantAction(async (access, _prev: TokenFormState, formData: FormData): Promise<TokenFormState> => {
  const id = formData.get("id");
  if (typeof id !== "string") return { ok: false, error: "invalid_input" };
  try {
    await apiTokenService.revoke(access, id);
  } catch (err) {
    return refused(err);
  }
  revalidatePath(`/m/${access.merchant.slug}/api`);
  return { ok: true, token: null, name: "" };
});
