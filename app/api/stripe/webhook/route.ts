import { handleStripeWebhookRequest } from "@/lib/billing";

/**
 * POST: Stripe's webhook (checkout.session.completed, customer.subscription.*, invoice.*).
 * No session: the Stripe-Signature HMAC authenticates the caller; 400 for a bad signature,
 * 200 for a processed or replayed event, 503 when Stripe is not configured (lib/billing/webhooks.ts).
 */
export const POST = (req: Request) => handleStripeWebhookRequest(req);
export const dynamic = "force-dynamic";
