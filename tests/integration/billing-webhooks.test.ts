/**
 * Stripe webhooks end to end on a real database: signed payloads (stripe.webhooks.
 * generateTestHeaderString with the real SDK's HMAC, no network), the route handler itself for
 * the HTTP statuses, and exact account state after each scenario: valid, bad signature (400,
 * nothing changes), replayed (no double effect), out of order (final state correct), unknown
 * customer, past_due grace and cancel driving entitlements.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import Stripe from "stripe";
import fc from "fast-check";
import { count, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, merchantAccounts, stripeEvents } from "@/db/schema";

const state = vi.hoisted(() => ({ database: undefined as Promise<unknown> | undefined }));
vi.mock("@/db/client", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/db/client")>();
  return { ...original, getDatabase: () => state.database! };
});

const { openTestDatabase } = await import("../helpers/db");
const { seedMerchant } = await import("./tenancy-fixtures");
const billing = await import("@/lib/billing");
const { entitlementsOf, handleStripeWebhookRequest, loadAccount, loadEntitlements, setPlanIn, stripeProvider } = billing;

const SECRET = "whsec_test_secret";
const sdk = new Stripe("sk_test_not_used");
const provider = stripeProvider({ secretKey: "sk_test_not_used", webhookSecret: SECRET, prices: { start: "price_start", pro: "price_pro", business: "price_business" } }, sdk);

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
  state.database = Promise.resolve(database);
});
afterAll(async () => {
  await database?.close();
});

let seq = 0;
const T0 = 1_800_000_000; // 2027-01-15T08:00:00Z, seconds

function event(type: string, created: number, object: Record<string, unknown>, id = `evt_${++seq}_${Math.random().toString(36).slice(2, 8)}`) {
  return { id, object: "event", type, created, livemode: false, api_version: "2026-10-28.endive", data: { object } };
}
function subscription(customer: string, status: string, price: string, extra: Record<string, unknown> = {}) {
  return { id: `sub_${customer}`, object: "subscription", customer, status, items: { data: [{ price: { id: price }, current_period_end: T0 + 30 * 86400 }] }, trial_end: null, ...extra };
}
async function post(payload: unknown, sign: "valid" | "wrong-secret" | "none" = "valid"): Promise<Response> {
  const body = JSON.stringify(payload);
  const headers = new Headers({ "content-type": "application/json" });
  if (sign !== "none") {
    headers.set("stripe-signature", sdk.webhooks.generateTestHeaderString({ payload: body, secret: sign === "valid" ? SECRET : "whsec_other" }));
  }
  return handleStripeWebhookRequest(new Request("http://localhost/api/stripe/webhook", { method: "POST", body, headers }), provider);
}
/** A merchant onboarded on `plan` (active, by hand) linked to a Stripe customer id. */
async function onboarded(plan: "start" | "pro" | "business" = "start") {
  const m = await seedMerchant(database, "Billing Shop", 1);
  await setPlanIn(database.db, m.id, { plan, trial: false }, null);
  const customer = `cus_${m.slug}`;
  await database.db.update(merchantAccounts).set({ stripeCustomerId: customer }).where(eq(merchantAccounts.merchantId, m.id));
  return { ...m, customer };
}
const eventRows = async () => (await database.db.select({ n: count() }).from(stripeEvents))[0].n;

describe("POST /api/stripe/webhook", () => {
  it("a valid subscription event applies the subscription's plan, status and period end", async () => {
    const m = await onboarded("start");
    const res = await post(event("customer.subscription.updated", T0, subscription(m.customer, "active", "price_pro")));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, outcome: "applied" });
    const account = await loadAccount(database.db, m.id);
    expect(account).toMatchObject({ plan: "pro", status: "active", stripeSubscriptionId: `sub_${m.customer}`, pastDueSince: null });
    expect(account!.currentPeriodEnd!.toISOString()).toBe(new Date((T0 + 30 * 86400) * 1000).toISOString());
    const e = await loadEntitlements(database.db, m.id);
    expect([...e.features].sort()).toEqual(["alerts", "churn", "competitors", "customers", "digest", "findings", "forecasts", "overview", "seasonality", "segments", "value"]);
  });

  it("a bad signature answers 400 and changes nothing (no event row, no account change)", async () => {
    const m = await onboarded("start");
    const before = await eventRows();
    const payload = event("customer.subscription.updated", T0, subscription(m.customer, "active", "price_business"));
    for (const sign of ["wrong-secret", "none"] as const) {
      const res = await post(payload, sign);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "invalid signature" });
    }
    // A validly signed header over a different body fails too (tampered payload).
    const body = JSON.stringify(payload);
    const header = sdk.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
    const tampered = body.replace("price_business", "price_pro");
    const res = await handleStripeWebhookRequest(new Request("http://x/api/stripe/webhook", { method: "POST", body: tampered, headers: { "stripe-signature": header } }), provider);
    expect(res.status).toBe(400);
    expect(await eventRows()).toBe(before);
    expect((await loadAccount(database.db, m.id))!.plan).toBe("start");
  });

  it("a replayed event has no second effect", async () => {
    const m = await onboarded("start");
    const failed = event("invoice.payment_failed", T0 + 100, { id: "in_1", object: "invoice", customer: m.customer });
    expect(await (await post(failed)).json()).toEqual({ received: true, outcome: "applied" });
    const first = await loadAccount(database.db, m.id);
    expect(first).toMatchObject({ status: "past_due" });
    expect(first!.pastDueSince!.toISOString()).toBe(new Date((T0 + 100) * 1000).toISOString());
    // The bank's retry succeeds, then Stripe re-delivers the old failure with the same id.
    const paid = event("invoice.paid", T0 + 200, { id: "in_1", object: "invoice", customer: m.customer });
    expect(await (await post(paid)).json()).toEqual({ received: true, outcome: "applied" });
    const replay = await post(failed);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: true, outcome: "duplicate" });
    expect(await loadAccount(database.db, m.id)).toMatchObject({ status: "active", pastDueSince: null });
    const rows = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, failed.id));
    expect(rows).toHaveLength(1);
    const audits = await database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.merchantId, m.id));
    expect(audits[0].n).toBe(3); // plan.set by hand + two applied events, not three
  });

  it("events out of order: the newest state wins whatever the arrival order", async () => {
    const m = await onboarded("start");
    const created = event("customer.subscription.created", T0, subscription(m.customer, "trialing", "price_pro", { trial_end: T0 + 14 * 86400 }));
    const upgraded = event("customer.subscription.updated", T0 + 60, subscription(m.customer, "active", "price_business"));
    const canceled = event("customer.subscription.deleted", T0 + 120, subscription(m.customer, "canceled", "price_business"));
    // Delivered newest first.
    expect((await (await post(canceled)).json()).outcome).toBe("applied");
    expect((await (await post(created)).json()).outcome).toBe("stale");
    expect((await (await post(upgraded)).json()).outcome).toBe("stale");
    const account = await loadAccount(database.db, m.id);
    expect(account).toMatchObject({ plan: "business", status: "canceled" });
    expect((await loadEntitlements(database.db, m.id)).features.size).toBe(0);

    // Another merchant gets the same three in a shuffled order: same final state as in order.
    const n = await onboarded("start");
    const evs = [
      event("customer.subscription.updated", T0 + 60, subscription(n.customer, "active", "price_business")),
      event("customer.subscription.created", T0, subscription(n.customer, "trialing", "price_pro", { trial_end: T0 + 14 * 86400 })),
      event("invoice.payment_failed", T0 + 30, { id: "in_2", object: "invoice", customer: n.customer }),
    ];
    const outcomes: string[] = [];
    for (const e of evs) outcomes.push((await (await post(e)).json()).outcome);
    expect(outcomes).toEqual(["applied", "stale", "stale"]);
    expect(await loadAccount(database.db, n.id)).toMatchObject({ plan: "business", status: "active", trialEndsAt: null, pastDueSince: null });
  });

  it("an unknown customer is recorded and answered 200, and changes no account", async () => {
    const m = await onboarded("pro");
    const res = await post(event("customer.subscription.updated", T0, subscription("cus_nobody", "canceled", "price_start")));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, outcome: "unknown_customer" });
    expect(await loadAccount(database.db, m.id)).toMatchObject({ plan: "pro", status: "active" });
  });

  it("checkout.session.completed links the Stripe customer to the merchant named in its metadata", async () => {
    const m = await seedMerchant(database, "Checkout Shop", 1);
    await setPlanIn(database.db, m.id, { plan: "pro", trial: true }, null);
    const session = { id: "cs_1", object: "checkout.session", customer: `cus_new_${m.slug}`, subscription: `sub_new_${m.slug}`, client_reference_id: String(m.id), metadata: { merchant_id: String(m.id), plan: "business" } };
    expect((await (await post(event("checkout.session.completed", T0, session))).json()).outcome).toBe("applied");
    expect(await loadAccount(database.db, m.id)).toMatchObject({ stripeCustomerId: `cus_new_${m.slug}`, stripeSubscriptionId: `sub_new_${m.slug}`, status: "trialing" });
    // The subscription event that follows finds the merchant by its customer id.
    await post(event("customer.subscription.created", T0 + 1, subscription(`cus_new_${m.slug}`, "active", "price_business")));
    expect(await loadAccount(database.db, m.id)).toMatchObject({ plan: "business", status: "active" });
  });

  it("past_due keeps the features for the grace period, then locks them", async () => {
    const m = await onboarded("business");
    await post(event("customer.subscription.updated", T0, subscription(m.customer, "past_due", "price_business")));
    const account = await loadAccount(database.db, m.id);
    expect(account!.pastDueSince!.toISOString()).toBe(new Date(T0 * 1000).toISOString());
    // A later past_due update does not restart the grace period.
    await post(event("customer.subscription.updated", T0 + 86400, subscription(m.customer, "past_due", "price_business")));
    const again = (await loadAccount(database.db, m.id))!;
    expect(again.pastDueSince!.toISOString()).toBe(new Date(T0 * 1000).toISOString());
    const day = 86_400_000;
    expect(entitlementsOf(again, new Date(T0 * 1000 + 7 * day - 1)).features.has("exports")).toBe(true);
    expect(entitlementsOf(again, new Date(T0 * 1000 + 7 * day)).features.size).toBe(0);
  });

  it("answers 503 without Stripe configured", async () => {
    const res = await handleStripeWebhookRequest(new Request("http://x/api/stripe/webhook", { method: "POST", body: "{}" }), null);
    expect(res.status).toBe(503);
  });

  // Issue 14 item 2: the final state must not depend on delivery order. Each scenario is a
  // realistic sequence of Stripe events (ids fixed, `created` seconds apart or tied); every
  // permutation of it, with duplicated deliveries, must end in the state of the in-order delivery.
  describe("order independence (property: every permutation, with duplicates)", () => {
    type Ev = ReturnType<typeof event>;
    type Final = { plan: string; status: string; pastDueSince: string | null };
    const finalState = async (id: number): Promise<Final> => {
      const a = (await loadAccount(database.db, id))!;
      return { plan: a.plan, status: a.status, pastDueSince: a.pastDueSince?.toISOString() ?? null };
    };
    /** Delivers `order` (indices into the scenario's events, duplicates allowed) to a fresh merchant. */
    async function deliver(make: (customer: string, tag: string) => Ev[], order: number[]): Promise<Final> {
      const m = await onboarded("start");
      const evs = make(m.customer, m.slug);
      for (const i of order) expect((await post(evs[i])).status).toBe(200);
      return finalState(m.id);
    }
    const at = (s: number) => new Date((T0 + s) * 1000).toISOString();
    const sub = (customer: string, status: string, price = "price_pro") => subscription(customer, status, price);
    const SCENARIOS: Array<{ name: string; make: (c: string, tag: string) => Ev[]; expected: Final }> = [
      {
        name: "the issue's: past_due, then deleted, then invoice.paid",
        make: (c, t) => [
          event("customer.subscription.updated", T0 + 10, sub(c, "past_due"), `evt_a1_${t}`),
          event("customer.subscription.deleted", T0 + 20, sub(c, "canceled"), `evt_a2_${t}`),
          event("invoice.paid", T0 + 30, { id: "in_a", object: "invoice", customer: c }, `evt_a3_${t}`),
        ],
        expected: { plan: "pro", status: "canceled", pastDueSince: null },
      },
      {
        name: "trial, active, a failed payment, past_due, paid, active again",
        make: (c, t) => [
          event("customer.subscription.created", T0, subscription(c, "trialing", "price_pro", { trial_end: T0 + 14 * 86400 }), `evt_b1_${t}`),
          event("customer.subscription.updated", T0 + 100, sub(c, "active", "price_business"), `evt_b2_${t}`),
          event("invoice.payment_failed", T0 + 200, { id: "in_b", object: "invoice", customer: c }, `evt_b3_${t}`),
          event("customer.subscription.updated", T0 + 200, sub(c, "past_due", "price_business"), `evt_b4_${t}`),
          event("invoice.paid", T0 + 300, { id: "in_b", object: "invoice", customer: c }, `evt_b5_${t}`),
          event("customer.subscription.updated", T0 + 300, sub(c, "active", "price_business"), `evt_b6_${t}`),
        ],
        expected: { plan: "business", status: "active", pastDueSince: null },
      },
      {
        name: "payment fails twice: the grace period counts from the first failure",
        make: (c, t) => [
          event("customer.subscription.updated", T0, sub(c, "active"), `evt_c1_${t}`),
          event("invoice.payment_failed", T0 + 50, { id: "in_c", object: "invoice", customer: c }, `evt_c2_${t}`),
          event("customer.subscription.updated", T0 + 51, sub(c, "past_due"), `evt_c3_${t}`),
          event("invoice.payment_failed", T0 + 3 * 86400, { id: "in_c", object: "invoice", customer: c }, `evt_c4_${t}`),
        ],
        expected: { plan: "pro", status: "past_due", pastDueSince: at(50) },
      },
      {
        name: "paid and failed in the same second, an update tied with a cancellation",
        make: (c, t) => [
          event("customer.subscription.updated", T0 + 5, sub(c, "active", "price_business"), `evt_d1_${t}`),
          event("invoice.payment_failed", T0 + 9, { id: "in_d", object: "invoice", customer: c }, `evt_d2_${t}`),
          event("invoice.paid", T0 + 9, { id: "in_d", object: "invoice", customer: c }, `evt_d3_${t}`),
          event("customer.subscription.updated", T0 + 20, sub(c, "active", "price_pro"), `evt_d4_${t}`),
          event("customer.subscription.deleted", T0 + 20, sub(c, "canceled", "price_pro"), `evt_d5_${t}`),
        ],
        expected: { plan: "pro", status: "canceled", pastDueSince: null },
      },
    ];

    it("the issue's sequence in all 6 orders ends canceled (before: active when invoice.paid overtook the deletion)", async () => {
      const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
      for (const order of perms) expect(await deliver(SCENARIOS[0].make, order), order.join()).toEqual(SCENARIOS[0].expected);
    });

    for (const sc of SCENARIOS) {
      it(`${sc.name}: in order, and in 15 random orders with up to 3 duplicate deliveries`, async () => {
        const n = sc.make("cus_x", "x").length;
        const base = [...Array(n).keys()];
        expect(await deliver(sc.make, base)).toEqual(sc.expected);
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.nat({ max: n - 1 }), { maxLength: 3 }).chain((dups) => fc.shuffledSubarray([...base, ...dups], { minLength: n + dups.length })),
            async (order) => {
              expect(await deliver(sc.make, order)).toEqual(sc.expected);
            },
          ),
          { numRuns: 15, seed: 14 },
        );
      });
    }
  });
});
