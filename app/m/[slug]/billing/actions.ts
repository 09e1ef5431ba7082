"use server";
/**
 * The billing page's actions. Each goes through withMerchantAction (slug from the client is
 * re-authorized); lib/billing/checkout.ts checks the role and the billing mode.
 */
import { redirect } from "next/navigation";
import { z } from "zod";
import { withMerchantAction } from "@/lib/auth/access";
import { accounts } from "@/lib/accounts/server";
import { PLAN_IDS } from "@/lib/billing/plans";
import { actionError } from "@/app/action-error";
import { requestOrigin } from "@/app/request-origin";
import type { BillingFormState } from "@/components/billing/SetPlanForm";

const planSchema = z.enum(PLAN_IDS);

/** Redirects to Stripe Checkout for the plan in the form (owner or bank staff, Stripe configured). */
export const checkoutAction = withMerchantAction(async (access, formData: FormData) => {
  const plan = planSchema.parse(formData.get("plan"));
  const url = await accounts.checkout(access, plan, await requestOrigin());
  redirect(url);
});

/** Redirects to the Stripe Customer Portal (changes, invoices). */
export const portalAction = withMerchantAction(async (access) => {
  const url = await accounts.portal(access, await requestOrigin());
  redirect(url);
});

/** Sets the plan by hand (bank staff, bank-managed billing); returns the form's state. */
export const setPlanAction = withMerchantAction(async (access, _prev: BillingFormState, formData: FormData): Promise<BillingFormState> => {
  const plan = planSchema.safeParse(formData.get("plan"));
  if (!plan.success) return { ok: false, message: "unknown plan" };
  try {
    await accounts.setPlan(access, plan.data, formData.get("trial") === "on");
    return { ok: true, message: null };
  } catch (err) {
    return { ok: false, message: actionError(err, "billing.setPlan").message };
  }
});

/**
 * The owner's one-click request for a higher plan (bank-managed billing): recorded, the
 * relationship managers e-mailed (lib/accounts/upgrades.ts); back to the billing page, which
 * shows the open request. A refused request (not the owner, not a higher plan) returns to the
 * page with its code.
 */
export const requestUpgradeAction = withMerchantAction(async (access, formData: FormData) => {
  const plan = planSchema.safeParse(formData.get("plan"));
  let code = "invalid_input";
  if (plan.success) {
    try {
      await accounts.requestUpgrade(access, plan.data, await requestOrigin());
      code = "";
    } catch (err) {
      code = actionError(err, "billing.requestUpgrade").code;
    }
  }
  redirect(`/m/${access.merchant.slug}/billing${code ? `?requestError=${encodeURIComponent(code)}` : "?requested=1"}`);
});
