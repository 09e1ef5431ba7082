/**
 * Stripe webhooks: verified, idempotent and order-safe (docs/billing.md).
 *
 * - Verification: the provider checks the Stripe-Signature HMAC (stripe.webhooks.constructEvent);
 *   a bad or missing signature answers 400 and writes nothing.
 * - Idempotency: the event id goes into stripe_events in the same transaction as its effect; a
 *   replayed (or concurrently re-delivered) event finds its id there and changes nothing.
 * - Order: Stripe does not guarantee delivery order. Every state-changing event carries its
 *   `created` second; an event older than the state stored on the account (stripe_state_at) is
 *   recorded as 'stale' and not applied. Subscription events carry the full subscription object,
 *   so the newest one alone yields the right final state whatever arrived before it.
 * - Unknown customer: recorded as 'unknown_customer' and answered 200 (a retry cannot help).
 *
 * Status mapping (Stripe -> ours): trialing, active -> same; past_due, unpaid -> past_due (grace
 * counts from the first past_due event); canceled, incomplete_expired and
 * customer.subscription.deleted -> canceled; incomplete and paused leave the account unchanged.
 */
import { eq } from "drizzle-orm";
import type { Database, Db } from "@/db/client";
import { merchantAccounts, stripeEvents, type SubscriptionStatus } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { billingProviderFromEnv, type BillingEvent, type BillingProvider } from "./stripe";
import { isPlanId, type PlanId } from "./plans";
import { readBodyText } from "@/lib/http";
import { errorBody } from "@/lib/errors";

/**
 * Largest webhook body read (bytes). Stripe's event payloads are a few KiB (a subscription with
 * many items stays well under 64 KiB); anything larger is refused while reading, before the
 * signature is checked, so an unsigned flood cannot grow the heap (issue 14 item 1).
 */
export const STRIPE_WEBHOOK_MAX_BYTES = 256 * 1024;

type EventOutcome = "applied" | "stale" | "unknown_customer" | "ignored" | "duplicate";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type AccountRow = typeof merchantAccounts.$inferSelect;

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "object" && v && typeof (v as { id?: unknown }).id === "string" ? (v as { id: string }).id : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const fromSeconds = (s: number | null): Date | null => (s === null ? null : new Date(s * 1000));

function metadataMerchantId(obj: Record<string, unknown>): number | null {
  const meta = obj.metadata as Record<string, unknown> | undefined;
  const raw = meta?.merchant_id ?? obj.client_reference_id;
  const n = typeof raw === "string" ? Number(raw) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

async function accountBy(tx: Tx, customerId: string | null, merchantId: number | null): Promise<AccountRow | null> {
  if (customerId) {
    const [row] = await tx.select().from(merchantAccounts).where(eq(merchantAccounts.stripeCustomerId, customerId)).limit(1);
    if (row) return row;
  }
  if (merchantId !== null) {
    const [row] = await tx.select().from(merchantAccounts).where(eq(merchantAccounts.merchantId, merchantId)).limit(1);
    if (row && (!row.stripeCustomerId || row.stripeCustomerId === customerId)) return row;
  }
  return null;
}

function mapStatus(stripeStatus: unknown, deleted: boolean): SubscriptionStatus | null {
  if (deleted) return "canceled";
  switch (stripeStatus) {
    case "trialing":
      return "trialing";
    case "active":
      return "active";
    case "past_due":
    case "unpaid":
      return "past_due";
    case "canceled":
    case "incomplete_expired":
      return "canceled";
    default:
      return null;
  }
}

function subscriptionPlan(sub: Record<string, unknown>, provider: BillingProvider): PlanId | null {
  const items = (sub.items as { data?: Array<Record<string, unknown>> } | undefined)?.data ?? [];
  for (const item of items) {
    const priceId = str((item.price as Record<string, unknown> | undefined)?.id ?? item.price);
    const plan = priceId ? provider.planForPrice(priceId) : null;
    if (plan) return plan;
  }
  const meta = (sub.metadata as Record<string, unknown> | undefined)?.plan;
  return isPlanId(meta) ? meta : null;
}

function periodEnd(sub: Record<string, unknown>): Date | null {
  const direct = num(sub.current_period_end);
  if (direct !== null) return fromSeconds(direct);
  const items = (sub.items as { data?: Array<Record<string, unknown>> } | undefined)?.data ?? [];
  const ends = items.map((i) => num(i.current_period_end)).filter((x): x is number => x !== null);
  return ends.length ? fromSeconds(Math.min(...ends)) : null;
}

const isStale = (account: AccountRow, created: Date) => account.stripeStateAt !== null && created.getTime() < account.stripeStateAt.getTime();

/** Applies one verified event inside `tx`; returns its outcome and the merchant it touched. */
async function applyEvent(tx: Tx, provider: BillingProvider, event: BillingEvent): Promise<{ outcome: EventOutcome; merchantId: number | null }> {
  const obj = event.data.object;
  const created = new Date(event.created * 1000);
  if (event.type === "checkout.session.completed") {
    const customerId = str(obj.customer);
    const account = await accountBy(tx, customerId, metadataMerchantId(obj));
    if (!account) return { outcome: "unknown_customer", merchantId: null };
    await tx
      .update(merchantAccounts)
      .set({ stripeCustomerId: customerId ?? account.stripeCustomerId, stripeSubscriptionId: str(obj.subscription) ?? account.stripeSubscriptionId, updatedAt: new Date() })
      .where(eq(merchantAccounts.merchantId, account.merchantId));
    return { outcome: "applied", merchantId: account.merchantId };
  }
  if (event.type.startsWith("customer.subscription.")) {
    const customerId = str(obj.customer);
    const account = await accountBy(tx, customerId, metadataMerchantId(obj));
    if (!account) return { outcome: "unknown_customer", merchantId: null };
    if (isStale(account, created)) return { outcome: "stale", merchantId: account.merchantId };
    const status = mapStatus(obj.status, event.type === "customer.subscription.deleted");
    if (!status) return { outcome: "ignored", merchantId: account.merchantId };
    const pastDueSince = status === "past_due" ? (account.status === "past_due" && account.pastDueSince ? account.pastDueSince : created) : null;
    await tx
      .update(merchantAccounts)
      .set({
        plan: subscriptionPlan(obj, provider) ?? account.plan,
        status,
        trialEndsAt: fromSeconds(num(obj.trial_end)),
        pastDueSince,
        currentPeriodEnd: periodEnd(obj),
        stripeCustomerId: customerId ?? account.stripeCustomerId,
        stripeSubscriptionId: str(obj.id) ?? account.stripeSubscriptionId,
        stripeStateAt: created,
        updatedAt: new Date(),
      })
      .where(eq(merchantAccounts.merchantId, account.merchantId));
    return { outcome: "applied", merchantId: account.merchantId };
  }
  if (event.type.startsWith("invoice.")) {
    const account = await accountBy(tx, str(obj.customer), null);
    if (!account) return { outcome: "unknown_customer", merchantId: null };
    if (isStale(account, created)) return { outcome: "stale", merchantId: account.merchantId };
    if (event.type === "invoice.payment_failed" && account.status !== "canceled") {
      const pastDueSince = account.status === "past_due" && account.pastDueSince ? account.pastDueSince : created;
      await tx
        .update(merchantAccounts)
        .set({ status: "past_due", pastDueSince, stripeStateAt: created, updatedAt: new Date() })
        .where(eq(merchantAccounts.merchantId, account.merchantId));
      return { outcome: "applied", merchantId: account.merchantId };
    }
    if ((event.type === "invoice.paid" || event.type === "invoice.payment_succeeded") && account.status === "past_due") {
      await tx
        .update(merchantAccounts)
        .set({ status: "active", pastDueSince: null, stripeStateAt: created, updatedAt: new Date() })
        .where(eq(merchantAccounts.merchantId, account.merchantId));
      return { outcome: "applied", merchantId: account.merchantId };
    }
    return { outcome: "ignored", merchantId: account.merchantId };
  }
  return { outcome: "ignored", merchantId: null };
}

/**
 * Processes one verified event exactly once: records its id and applies it in one transaction
 * (a failure rolls both back, so Stripe's retry processes it again).
 * @returns the outcome ('duplicate' for an id seen before)
 */
async function processStripeEvent(database: Database, provider: BillingProvider, event: BillingEvent): Promise<EventOutcome> {
  if (typeof event.id !== "string" || typeof event.type !== "string" || !Number.isFinite(event.created)) {
    throw new Error("malformed Stripe event");
  }
  return database.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, createdAt: new Date(event.created * 1000), outcome: "pending" })
      .onConflictDoNothing({ target: stripeEvents.id })
      .returning({ id: stripeEvents.id });
    if (inserted.length === 0) return "duplicate";
    const { outcome, merchantId } = await applyEvent(tx, provider, event);
    await tx.update(stripeEvents).set({ outcome, merchantId }).where(eq(stripeEvents.id, event.id));
    if (outcome === "applied") {
      await recordAudit(tx, { actor: null, action: "billing.stripe_event", merchantId, target: event.type, details: { eventId: event.id } });
    }
    return outcome;
  });
}

/**
 * The webhook endpoint's whole job, without Next: verify, then process.
 * @returns 400 {error} for a bad signature or body (nothing written), 200 {received, outcome} otherwise,
 *   503 when Stripe is not configured
 */
async function receiveStripeWebhook(
  database: Database,
  provider: BillingProvider | null,
  rawBody: string,
  signature: string | null,
): Promise<{ status: number; body: Record<string, unknown> }> {
  if (!provider) return { status: 503, body: { error: "billing is not configured" } };
  let event: BillingEvent;
  try {
    event = provider.verifyWebhook(rawBody, signature);
  } catch {
    return { status: 400, body: { error: "invalid signature" } };
  }
  if (!event || typeof event.id !== "string" || !event.data || typeof event.data.object !== "object") {
    return { status: 400, body: { error: "malformed event" } };
  }
  const outcome = await processStripeEvent(database, provider, event);
  return { status: 200, body: { received: true, outcome } };
}

/**
 * The route handler body for POST /api/stripe/webhook: the raw body (signatures are over the
 * exact bytes, so it is read as text, never re-serialised), the Stripe-Signature header, the
 * process database and the provider from the environment.
 */
export async function handleStripeWebhookRequest(req: Request, provider: BillingProvider | null = billingProviderFromEnv()): Promise<Response> {
  let rawBody: string;
  try {
    rawBody = await readBodyText(req, STRIPE_WEBHOOK_MAX_BYTES);
  } catch (err) {
    const { status, body } = errorBody(err);
    return Response.json(body, { status, headers: { "cache-control": "no-store" } });
  }
  const { getDatabase } = await import("@/db/client");
  try {
    const { status, body } = await receiveStripeWebhook(await getDatabase(), provider, rawBody, req.headers.get("stripe-signature"));
    return Response.json(body, { status, headers: { "cache-control": "no-store" } });
  } catch (err) {
    // Stripe retries on 5xx; the event's transaction was rolled back, so the retry starts clean.
    console.error("[stripe webhook] processing failed", err instanceof Error ? err.message : err);
    return Response.json({ error: "internal error" }, { status: 500 });
  }
}
