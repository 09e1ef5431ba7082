/**
 * Stripe webhooks: verified, idempotent and order-safe (docs/billing.md).
 *
 * - Verification: the provider checks the Stripe-Signature HMAC (stripe.webhooks.constructEvent);
 *   a bad or missing signature answers 400 and writes nothing.
 * - Idempotency: the event id goes into stripe_events in the same transaction as its effect; a
 *   replayed (or concurrently re-delivered) event finds its id there and changes nothing.
 * - Order: Stripe does not guarantee delivery order. The state is folded from the events so that
 *   every permutation (and duplicate) of the same events ends in the same state (issue 14 item
 *   2): the subscription snapshot with the greatest (created, status rank, event id) key gives
 *   plan, period and base status; the newest invoice event can only move past_due <-> active
 *   when it is newer than that snapshot; a cancellation is final; the grace period starts at the
 *   earliest payment problem after the newest good news (applyEvent, deriveStripeStatus). Before,
 *   invoice events advanced the stored state's time, so `invoice.paid` delivered first made the
 *   authoritative `subscription.deleted` look stale and the account ended active.
 * - Unknown customer: recorded as 'unknown_customer' and answered 200 (a retry cannot help).
 *
 * Status mapping (Stripe -> ours): trialing, active -> same; past_due, unpaid -> past_due (grace
 * counts from the first past_due event); canceled, incomplete_expired and
 * customer.subscription.deleted -> canceled; incomplete and paused leave the account unchanged.
 */
import { and, eq, gt, max, min } from "drizzle-orm";
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

/** Rank of a subscription status among snapshots of the same second: a cancellation is final. */
const STATUS_RANK: Record<SubscriptionStatus, number> = { trialing: 0, active: 1, past_due: 2, canceled: 3 };

/**
 * The order key of a state event: `<created, 12 digits>:<rank>:<event id>`. Keys compare as
 * strings; the greatest wins. Ties in `created` are broken by rank, then by the event id, so the
 * winner never depends on which event arrived first.
 */
function orderKey(created: number, rank: number, eventId: string): string {
  return `${String(Math.max(0, Math.trunc(created))).padStart(12, "0")}:${rank}:${eventId}`;
}
const keyTime = (key: string | null) => (key === null ? -1 : Number(key.slice(0, 12)));

/**
 * The account's status from its two order-independent parts (issue 14 item 2): the winning
 * subscription snapshot (its status, or the status set by hand before any Stripe event) and the
 * newest invoice event. A cancellation is final; an invoice event newer than the snapshot (ties go
 * to the snapshot, Stripe's authoritative object) moves past_due <-> active; otherwise the
 * snapshot's status stands. Pure.
 */
function deriveStripeStatus(subStatus: SubscriptionStatus, subKey: string | null, invoiceKey: string | null, invoicePaid: boolean | null): SubscriptionStatus {
  if (subStatus === "canceled") return "canceled";
  if (invoiceKey === null || invoicePaid === null || keyTime(invoiceKey) <= keyTime(subKey)) return subStatus;
  if (invoicePaid) return subStatus === "past_due" ? "active" : subStatus;
  return "past_due";
}

/**
 * The start of the current past_due episode: the earliest 'bad' event after the newest 'good'
 * one (stripe_events.signal), so the grace period does not depend on delivery order either.
 */
async function pastDueStart(tx: Tx, merchantId: number): Promise<Date | null> {
  const [good] = await tx
    .select({ at: max(stripeEvents.createdAt) })
    .from(stripeEvents)
    .where(and(eq(stripeEvents.merchantId, merchantId), eq(stripeEvents.signal, "good")));
  const [bad] = await tx
    .select({ at: min(stripeEvents.createdAt) })
    .from(stripeEvents)
    .where(and(eq(stripeEvents.merchantId, merchantId), eq(stripeEvents.signal, "bad"), good?.at ? gt(stripeEvents.createdAt, good.at) : undefined));
  return bad?.at ? new Date(bad.at) : null;
}

/**
 * Applies one verified event inside `tx`. Subscription and invoice events are folded into
 * order-independent state (greatest order key wins; see deriveStripeStatus), so any permutation
 * of the same events, with duplicates, ends in the same account state. The outcome is 'stale' for
 * an event older than the newest one already seen (it may still refine the state, e.g. the grace
 * period's start), 'applied' otherwise.
 */
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
  const isSubscription = event.type.startsWith("customer.subscription.");
  const isInvoice = event.type === "invoice.payment_failed" || event.type === "invoice.paid" || event.type === "invoice.payment_succeeded";
  if (!isSubscription && !isInvoice) {
    if (event.type.startsWith("invoice.")) {
      const account = await accountBy(tx, str(obj.customer), null);
      return account ? { outcome: "ignored", merchantId: account.merchantId } : { outcome: "unknown_customer", merchantId: null };
    }
    return { outcome: "ignored", merchantId: null };
  }
  const customerId = str(obj.customer);
  const found = await accountBy(tx, customerId, isSubscription ? metadataMerchantId(obj) : null);
  if (!found) return { outcome: "unknown_customer", merchantId: null };
  // Serialise events of one account (PostgreSQL: concurrent deliveries wait here).
  const [account] = await tx.select().from(merchantAccounts).where(eq(merchantAccounts.merchantId, found.merchantId)).for("update");
  const subStatusBefore = account.stripeSubStatus ?? account.status;
  const stale = account.stripeStateAt !== null && created.getTime() < account.stripeStateAt.getTime();
  const update: Partial<typeof merchantAccounts.$inferInsert> = {};
  let signal: "good" | "bad" | null = null;
  let subStatus = subStatusBefore;
  let subKey = account.stripeSubKey;
  let invoiceKey = account.stripeInvoiceKey;
  let invoicePaid = account.stripeInvoicePaid;
  if (isSubscription) {
    const status = mapStatus(obj.status, event.type === "customer.subscription.deleted");
    if (!status) return { outcome: "ignored", merchantId: account.merchantId };
    signal = status === "past_due" ? "bad" : status === "canceled" ? null : "good";
    const key = orderKey(event.created, STATUS_RANK[status], event.id);
    if (subKey === null || key > subKey) {
      subKey = key;
      subStatus = status;
      Object.assign(update, {
        plan: subscriptionPlan(obj, provider) ?? account.plan,
        trialEndsAt: fromSeconds(num(obj.trial_end)),
        currentPeriodEnd: periodEnd(obj),
        stripeCustomerId: customerId ?? account.stripeCustomerId,
        stripeSubscriptionId: str(obj.id) ?? account.stripeSubscriptionId,
      });
    }
  } else {
    const paid = event.type !== "invoice.payment_failed";
    signal = paid ? "good" : "bad";
    const key = orderKey(event.created, paid ? 1 : 0, event.id);
    if (invoiceKey === null || key > invoiceKey) {
      invoiceKey = key;
      invoicePaid = paid;
    }
  }
  await tx.update(stripeEvents).set({ merchantId: account.merchantId, signal }).where(eq(stripeEvents.id, event.id));
  const status = deriveStripeStatus(subStatus, subKey, invoiceKey, invoicePaid);
  const pastDueSince = status === "past_due" ? ((await pastDueStart(tx, account.merchantId)) ?? account.pastDueSince ?? created) : null;
  await tx
    .update(merchantAccounts)
    .set({
      ...update,
      status,
      pastDueSince,
      stripeSubKey: subKey,
      stripeSubStatus: subStatus,
      stripeInvoiceKey: invoiceKey,
      stripeInvoicePaid: invoicePaid,
      stripeStateAt: stale ? account.stripeStateAt : created,
      updatedAt: new Date(),
    })
    .where(eq(merchantAccounts.merchantId, account.merchantId));
  return { outcome: stale ? "stale" : "applied", merchantId: account.merchantId };
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
