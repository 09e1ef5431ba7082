import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";
import { users } from "./auth";

/*
 * Accounts, billing and administration (lib/billing, lib/accounts, lib/audit; docs/adr/0005).
 * A merchant row is bank data (made by ingest from the bank's merchants file); a merchant is a
 * product customer ("onboarded") when it has a `merchant_accounts` row. Its plan and
 * subscription status decide what its users see.
 */

export const PLAN_IDS = ["start", "pro", "business"] as const;
export type PlanId = (typeof PLAN_IDS)[number];
export const SUBSCRIPTION_STATUSES = ["trialing", "active", "past_due", "canceled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** One per onboarded merchant: its plan and the subscription state that drives entitlements. */
export const merchantAccounts = pgTable(
  "merchant_accounts",
  {
    merchantId: integer("merchant_id")
      .primaryKey()
      .references(() => merchants.id, { onDelete: "cascade" }),
    plan: text("plan").$type<PlanId>().notNull(),
    status: text("status").$type<SubscriptionStatus>().notNull(),
    /** End of the trial (status 'trialing'); entitlements stop at this instant unless paid. */
    trialEndsAt: timestamp("trial_ends_at", { withTimezone: true }),
    /** When the subscription first became past_due; the grace period counts from here. */
    pastDueSince: timestamp("past_due_since", { withTimezone: true }),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
    stripeCustomerId: text("stripe_customer_id").unique(),
    stripeSubscriptionId: text("stripe_subscription_id").unique(),
    /** `created` of the newest Stripe state event seen (events older than it are reported 'stale'). */
    stripeStateAt: timestamp("stripe_state_at", { withTimezone: true }),
    /**
     * Order key of the subscription snapshot the plan and status derive from:
     * `<created, 12 digits>:<status rank>:<event id>`; the greatest key wins whatever the delivery
     * order (lib/billing/webhooks.ts). Null until the first subscription event.
     */
    stripeSubKey: text("stripe_sub_key"),
    /** The status of that snapshot (or the status set by hand before any Stripe event). */
    stripeSubStatus: text("stripe_sub_status").$type<SubscriptionStatus>(),
    /** Order key of the newest invoice event (`<created>:<0 failed | 1 paid>:<event id>`). */
    stripeInvoiceKey: text("stripe_invoice_key"),
    /** Whether that invoice event was a payment (true) or a failure (false). */
    stripeInvoicePaid: boolean("stripe_invoice_paid"),
    onboardedBy: text("onboarded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("merchant_accounts_plan", sql`${t.plan} in ('start', 'pro', 'business')`),
    check("merchant_accounts_status", sql`${t.status} in ('trialing', 'active', 'past_due', 'canceled')`),
  ],
);

/** Stripe events already processed (idempotency on event id; replays are answered 200 and ignored). */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  /** The event's own `created` (Stripe's clock, seconds). */
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  merchantId: integer("merchant_id").references(() => merchants.id, { onDelete: "set null" }),
  /** 'applied' | 'stale' (older than the stored state) | 'unknown_customer' | 'ignored' */
  outcome: text("outcome").notNull(),
  /**
   * What the event says about payment: 'good' (subscription trialing/active, invoice paid), 'bad'
   * (subscription past_due/unpaid, invoice failed), null otherwise. The grace period starts at the
   * earliest 'bad' event after the newest 'good' one, whatever order they arrived in.
   */
  signal: text("signal"),
});

export const INVITATION_ROLES = ["merchant_owner", "merchant_viewer", "relationship_manager"] as const;
export type InvitationRole = (typeof INVITATION_ROLES)[number];

/**
 * Single-use, expiring invitations. Only the SHA-256 of the token is stored; the token itself
 * travels in the e-mail link. merchant_id is null for a relationship manager's invitation.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    role: text("role").$type<InvitationRole>().notNull(),
    merchantId: integer("merchant_id").references(() => merchants.id, { onDelete: "cascade" }),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    index("invitations_merchant_idx").on(t.merchantId),
    check("invitations_role", sql`${t.role} in ('merchant_owner', 'merchant_viewer', 'relationship_manager')`),
    check("invitations_merchant", sql`(${t.role} = 'relationship_manager') = (${t.merchantId} is null)`),
  ],
);

/**
 * Who did what, when: every administrative action and every bank employee's view of a
 * merchant's data. Append-only; merchant_id has no foreign key so the history outlives the row.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorUserId: text("actor_user_id"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    merchantId: integer("merchant_id"),
    target: text("target"),
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_log_merchant_at_idx").on(t.merchantId, t.at), index("audit_log_at_idx").on(t.at)],
);

/**
 * A merchant owner's request for a higher plan (issue 19: upgrading was a dead end). One open
 * request per merchant; the relationship managers of the merchant are e-mailed and see it in
 * their portfolio; setting a plan at or above it closes it. Written on the owner connection
 * (lib/accounts); a merchant scope may read its own (RLS, drizzle/0016).
 */
export const upgradeRequests = pgTable(
  "upgrade_requests",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    plan: text("plan").$type<PlanId>().notNull(),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    /** When a plan at or above the requested one was set (null while open). */
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("upgrade_requests_open_idx").on(t.merchantId).where(sql`${t.closedAt} is null`),
    check("upgrade_requests_plan", sql`${t.plan} in ('start', 'pro', 'business')`),
  ],
);
