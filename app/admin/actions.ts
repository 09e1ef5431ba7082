"use server";
/**
 * The /admin area's actions. withActorAction requires a session; lib/accounts authorizes the
 * actor's bank role for each operation (RM or admin: onboarding; admin only: staff).
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withActorAction } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { PLAN_IDS } from "@/lib/billing/plans";
import { actionError } from "@/app/action-error";
import { requestOrigin } from "@/app/request-origin";
import type { AdminFormState } from "@/components/admin/AdminForms";

/** The admin forms show the failure's message; a refused role reads "not allowed". */
function failure(err: unknown, where: string): AdminFormState {
  const f = actionError(err, where);
  return { ok: false, message: f.code === "forbidden" ? "not allowed" : f.message };
}

const onboardSchema = z.object({
  ids: z.string().max(5000),
  name: z.string().max(200),
  mcc: z.string().max(4),
  timeZone: z.string().max(64),
  currency: z.string().max(3),
  country: z.string().max(2).optional(),
  city: z.string().max(200).optional(),
  plan: z.enum(PLAN_IDS),
  owner: z.string().max(320),
});

/** Onboards the merchant described by the form and invites its owner. */
export const onboardAction = withActorAction(async (actor, _prev: AdminFormState, formData: FormData): Promise<AdminFormState> => {
  const parsed = onboardSchema.safeParse(Object.fromEntries([...formData.entries()].filter(([, v]) => typeof v === "string")));
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const f = parsed.data;
  try {
    const result = await accounts.onboard(
      actor,
      {
        bankMerchantIds: f.ids.split(/[\s,;]+/).filter(Boolean),
        name: f.name,
        mcc: f.mcc,
        timeZone: f.timeZone,
        currency: f.currency,
        country: f.country || undefined,
        city: f.city || null,
        plan: f.plan,
        trial: formData.get("trial") === "on",
        ownerEmail: f.owner,
        locale: actor.locale,
      },
      await requestOrigin(),
    );
    revalidatePath("/admin");
    return { ok: true, name: result.name, email: f.owner.trim().toLowerCase(), slug: result.slug };
  } catch (err) {
    return failure(err, "admin.onboard");
  }
});

/** Invites a relationship manager (bank admin). */
export const inviteManagerAction = withActorAction(async (actor, _prev: AdminFormState, formData: FormData): Promise<AdminFormState> => {
  try {
    await accounts.inviteManager(actor, String(formData.get("email") ?? ""), await requestOrigin());
    return { ok: true };
  } catch (err) {
    return failure(err, "admin.inviteManager");
  }
});

/** Adds a merchant to, or removes it from, a relationship manager's portfolio (bank admin). */
export const portfolioAction = withActorAction(async (actor, _prev: AdminFormState, formData: FormData): Promise<AdminFormState> => {
  try {
    await accounts.setPortfolio(actor, String(formData.get("rm") ?? ""), String(formData.get("slug") ?? ""), formData.get("assign") === "1");
    revalidatePath("/admin/staff");
    return { ok: true };
  } catch (err) {
    return failure(err, "admin.portfolio");
  }
});
