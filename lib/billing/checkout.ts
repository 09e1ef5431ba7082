/**
 * The billing page's operations: Stripe Checkout and Customer Portal (when Stripe is
 * configured), or a plan set by bank staff (when it is not: the demo and banks that invoice
 * partners themselves). Each records an audit entry.
 */
import type { Database } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { ForbiddenError } from "@/lib/errors";
import { loadAccount, setPlanIn } from "./accounts";
import { BillingError } from "./errors";
import { isPlanId, type PlanId } from "./plans";
import { billingProviderFromEnv, type BillingProvider } from "./stripe";

/** Who acts: the fields of lib/auth's MerchantAccess these operations need (billing sits below lib/auth). */
interface BillingAccess {
  actor: { userId: string; email: string };
  merchant: { id: number; slug: string };
  role: string;
}

/** Who may change a merchant's plan: its owner (paying through Stripe) and bank staff. */
export function canManageBilling(role: string): boolean {
  return role === "merchant_owner" || role === "bank_admin" || role === "relationship_manager";
}

/** "stripe" when STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set, else "bank" (plans set by bank staff). */
export function billingMode(provider: BillingProvider | null = billingProviderFromEnv()): "stripe" | "bank" {
  return provider ? "stripe" : "bank";
}

/**
 * A Checkout session for `plan`; returns its URL to redirect to.
 * @throws ForbiddenError unless owner or bank staff; BillingError when Stripe is not configured
 */
export async function startCheckout(database: Database, access: BillingAccess, plan: PlanId, origin: string, provider = billingProviderFromEnv()): Promise<string> {
  if (!canManageBilling(access.role)) throw new ForbiddenError();
  if (!isPlanId(plan)) throw new BillingError(`unknown plan ${JSON.stringify(plan)}`);
  if (!provider) throw new BillingError("billing is managed by the bank: Stripe is not configured");
  const account = await loadAccount(database.db, access.merchant.id);
  if (!account) throw new BillingError("the merchant is not onboarded yet");
  const base = `${origin}/m/${access.merchant.slug}/billing`;
  const url = await provider.createCheckoutSession({
    merchantId: access.merchant.id,
    plan,
    customerId: account.stripeCustomerId,
    customerEmail: access.actor.email,
    successUrl: `${base}?checkout=success`,
    cancelUrl: `${base}?checkout=cancel`,
  });
  await recordAudit(database.db, { actor: { userId: access.actor.userId, email: access.actor.email }, action: "billing.checkout", merchantId: access.merchant.id, target: plan });
  return url;
}

/** A Customer Portal session (changes, invoices); returns its URL. @throws as startCheckout, and BillingError before the first Checkout */
export async function openPortal(database: Database, access: BillingAccess, origin: string, provider = billingProviderFromEnv()): Promise<string> {
  if (!canManageBilling(access.role)) throw new ForbiddenError();
  if (!provider) throw new BillingError("billing is managed by the bank: Stripe is not configured");
  const account = await loadAccount(database.db, access.merchant.id);
  if (!account?.stripeCustomerId) throw new BillingError("no Stripe subscription yet: subscribe first");
  const url = await provider.createPortalSession(account.stripeCustomerId, `${origin}/m/${access.merchant.slug}/billing`);
  await recordAudit(database.db, { actor: { userId: access.actor.userId, email: access.actor.email }, action: "billing.portal", merchantId: access.merchant.id });
  return url;
}

/**
 * Sets the plan by hand (bank staff only, and only when billing is bank-managed: with Stripe the
 * subscription is the source of truth and a manual change would be overwritten by its events).
 */
export async function setPlanByStaff(database: Database, access: BillingAccess, plan: PlanId, trial: boolean, provider = billingProviderFromEnv()): Promise<void> {
  if (access.role !== "bank_admin" && access.role !== "relationship_manager") throw new ForbiddenError();
  if (provider) throw new BillingError("plans follow the Stripe subscription; change them in Stripe");
  if (!isPlanId(plan)) throw new BillingError(`unknown plan ${JSON.stringify(plan)}`);
  await database.db.transaction((tx) => setPlanIn(tx, access.merchant.id, { plan, trial }, { userId: access.actor.userId, email: access.actor.email }));
}
