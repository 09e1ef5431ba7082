/**
 * Stripe behind an interface (docs/billing.md). The product needs four things from a payment
 * provider: a Checkout URL to subscribe, a Customer Portal URL for changes and invoices, a
 * verified event from a webhook request, and nothing else (state comes with the events). The
 * real client is built from environment variables; tests pass a fake and sign payloads with
 * `stripe.webhooks.generateTestHeaderString`.
 *
 * Environment: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, and one price id per plan
 * (STRIPE_PRICE_START, STRIPE_PRICE_PRO, STRIPE_PRICE_BUSINESS). Without the secret key and
 * webhook secret, billing is "managed by the bank": plans are set by a bank admin or RM.
 */
import Stripe from "stripe";
import { BillingError } from "./errors";
import { PLAN_IDS, type PlanId } from "./plans";

/** The parts of a Stripe event the product reads (a subset of Stripe.Event). */
export interface BillingEvent {
  id: string;
  type: string;
  /** Seconds since the epoch (Stripe's clock). */
  created: number;
  data: { object: Record<string, unknown> };
}

export interface CheckoutRequest {
  merchantId: number;
  plan: PlanId;
  /** Existing Stripe customer, or null to let Checkout create one. */
  customerId: string | null;
  customerEmail: string;
  successUrl: string;
  cancelUrl: string;
}

/** What the product asks of a payment provider. */
export interface BillingProvider {
  /** @returns the hosted Checkout page's URL */
  createCheckoutSession(request: CheckoutRequest): Promise<string>;
  /** @returns the Customer Portal session's URL */
  createPortalSession(customerId: string, returnUrl: string): Promise<string>;
  /** Verifies the signature and parses the event; throws when the signature does not match. */
  verifyWebhook(rawBody: string, signatureHeader: string | null): BillingEvent;
  /** Maps a Stripe price id to a plan (null for a price the product does not sell). */
  planForPrice(priceId: string): PlanId | null;
}

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  prices: Record<PlanId, string>;
}

/** The settings from the environment, or null when Stripe is not configured (demo: bank-managed plans). */
function stripeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StripeSettings | null {
  if (!env.STRIPE_SECRET_KEY || !env.STRIPE_WEBHOOK_SECRET) return null;
  return {
    secretKey: env.STRIPE_SECRET_KEY,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    prices: { start: env.STRIPE_PRICE_START ?? "", pro: env.STRIPE_PRICE_PRO ?? "", business: env.STRIPE_PRICE_BUSINESS ?? "" },
  };
}

/**
 * The real provider over the Stripe SDK (stripe 23). `client` is injectable so tests can pass a
 * Stripe instance whose HTTP calls never happen (webhook verification is local HMAC-SHA256).
 */
export function stripeProvider(settings: StripeSettings, client: Stripe = new Stripe(settings.secretKey)): BillingProvider {
  const planByPrice = new Map<string, PlanId>();
  for (const plan of PLAN_IDS) if (settings.prices[plan]) planByPrice.set(settings.prices[plan], plan);
  return {
    async createCheckoutSession(req) {
      const price = settings.prices[req.plan];
      if (!price) throw new BillingError(`no Stripe price configured for the ${req.plan} plan (STRIPE_PRICE_${req.plan.toUpperCase()})`);
      const session = await client.checkout.sessions.create({
        mode: "subscription",
        line_items: [{ price, quantity: 1 }],
        client_reference_id: String(req.merchantId),
        ...(req.customerId ? { customer: req.customerId } : { customer_email: req.customerEmail }),
        metadata: { merchant_id: String(req.merchantId), plan: req.plan },
        subscription_data: { metadata: { merchant_id: String(req.merchantId), plan: req.plan } },
        success_url: req.successUrl,
        cancel_url: req.cancelUrl,
      });
      if (!session.url) throw new BillingError("Stripe returned a Checkout session without a URL");
      return session.url;
    },
    async createPortalSession(customerId, returnUrl) {
      const session = await client.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
      return session.url;
    },
    verifyWebhook(rawBody, signatureHeader) {
      if (!signatureHeader) throw new Error("missing Stripe-Signature header");
      const event = client.webhooks.constructEvent(rawBody, signatureHeader, settings.webhookSecret);
      return event as unknown as BillingEvent;
    },
    planForPrice(priceId) {
      return planByPrice.get(priceId) ?? null;
    },
  };
}

let cached: BillingProvider | null | undefined;
/** The process's provider from the environment (null without Stripe keys). */
export function billingProviderFromEnv(): BillingProvider | null {
  if (cached === undefined) {
    const settings = stripeSettingsFromEnv();
    cached = settings ? stripeProvider(settings) : null;
  }
  return cached;
}
