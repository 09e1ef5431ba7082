import { sql } from "drizzle-orm";
import { bigint, char, check, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";

/*
 * Offers: test & learn (docs/offers.md, docs/adr/0018-offers.md). A merchant creates an offer for
 * an audience; the audience is assigned to a holdout and one or two variants (frozen, seeded,
 * stratified) before anything is delivered; the bank delivers the treatment list in its own
 * channels (`offer_deliveries`, files and a bank-only API); after the window the worker measures
 * the effect from the bank's transactions (`offer_results`) and keeps the per-customer table
 * "identifier, action, effect" for the bank (`offer_effects`).
 *
 * Wall 3: identities never reach the merchant. `offers` and `offer_results` (aggregates only) are
 * readable in the merchant's scope (RLS); `offer_assignments`, `offer_deliveries` and
 * `offer_effects` have row-level security enabled and no policy and no grant for the merchant
 * role: only the bank's owner connection reads them.
 */

export const OFFER_STATUSES = ["assigned", "delivered", "measured", "failed", "cancelled"] as const;
/** Where an offer is in its timeline. */
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** The terms of one variant: cashback in basis points of each purchase, or a fixed bonus; a cap per customer (minor units). */
export interface OfferTerms {
  kind: "cashback" | "bonus";
  /** Cashback rate in basis points (500 = 5 %); null for a bonus. */
  rateBp: number | null;
  /** Fixed bonus on the first purchase in the window, minor units; null for cashback. */
  bonusMinor: number | null;
  /** Most the bank pays one customer over the window, minor units. */
  capMinor: number;
}

/** The audience definition (lib/offers/audience.ts). */
export type OfferAudience =
  | { kind: "lapsed"; minDays: number; maxDays: number }
  | { kind: "regulars"; minPurchases: number }
  | { kind: "active"; withinDays: number }
  | { kind: "all" };

/** One step of an offer's status timeline. */
export interface OfferTimelineStep {
  status: OfferStatus;
  at: string;
}

export const offers = pgTable(
  "offers",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    status: text("status").$type<OfferStatus>().notNull(),
    audience: jsonb("audience").$type<OfferAudience>().notNull(),
    audienceSize: integer("audience_size").notNull(),
    /** Variant A's terms; variant B's (optional) in `variant_b`. */
    terms: jsonb("terms").$type<OfferTerms>().notNull(),
    variantB: jsonb("variant_b").$type<OfferTerms | null>(),
    currency: char("currency", { length: 3 }).notNull(),
    /** The window [starts_on, ends_on), merchant-local days. */
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }).notNull(),
    /** Most the bank pays for the whole offer, minor units (the delivery stops at the budget's share per customer: cap × treated ≤ budget). */
    budgetMinor: bigint("budget_minor", { mode: "number" }).notNull(),
    /** Declared before delivery: what the offer is judged on. */
    primaryMetric: text("primary_metric").$type<"revenue" | "visits">().notNull(),
    /** Holdout share in basis points (1500 = 15 %). */
    holdoutBp: integer("holdout_bp").notNull(),
    /** Assignment seed (lib/offers/assign.ts): the same audience and seed give the same arms. */
    seed: bigint("seed", { mode: "number" }).notNull(),
    /** Days before starts_on whose purchases are the CUPED covariate and the strata. */
    preDays: integer("pre_days").notNull(),
    /** The preview shown at creation (audience size, expected responders, expected incremental revenue). */
    preview: jsonb("preview").notNull(),
    timeline: jsonb("timeline").$type<OfferTimelineStep[]>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("offers_merchant_idx").on(t.merchantId, t.createdAt),
    check("offers_status", sql`${t.status} in ('assigned', 'delivered', 'measured', 'failed', 'cancelled')`),
    check("offers_metric", sql`${t.primaryMetric} in ('revenue', 'visits')`),
    check("offers_window", sql`${t.endsOn} > ${t.startsOn}`),
    check("offers_holdout", sql`${t.holdoutBp} between 500 and 5000`),
    check("offers_budget", sql`${t.budgetMinor} > 0`),
    check("offers_pre_days", sql`${t.preDays} between 28 and 730`),
  ],
);

/** The frozen assignment: arm 0 = holdout, 1 = variant A, 2 = variant B. Bank only. */
export const offerAssignments = pgTable(
  "offer_assignments",
  {
    offerId: bigint("offer_id", { mode: "number" })
      .notNull()
      .references(() => offers.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    customerId: bigint("customer_id", { mode: "number" }).notNull(),
    arm: smallint("arm").notNull(),
    stratum: text("stratum").notNull(),
  },
  (t) => [primaryKey({ columns: [t.offerId, t.customerId] }), check("offer_assignments_arm", sql`${t.arm} in (0, 1, 2)`)],
);

/** The delivery handed to the bank's offer channel: the files written and their digest. Bank only. */
export const offerDeliveries = pgTable("offer_deliveries", {
  offerId: bigint("offer_id", { mode: "number" })
    .primaryKey()
    .references(() => offers.id, { onDelete: "cascade" }),
  merchantId: integer("merchant_id")
    .notNull()
    .references(() => merchants.id, { onDelete: "cascade" }),
  treated: integer("treated").notNull(),
  jsonPath: text("json_path").notNull(),
  csvPath: text("csv_path").notNull(),
  sha256: text("sha256").notNull(),
  deliveredAt: timestamp("delivered_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A measurement of an offer (versioned like campaign_reports); `result` is lib/offers/measure.ts's aggregate document. */
export const offerResults = pgTable(
  "offer_results",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    offerId: bigint("offer_id", { mode: "number" })
      .notNull()
      .references(() => offers.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    status: text("status").$type<"succeeded" | "failed">().notNull(),
    result: jsonb("result").notNull().default({}),
    error: text("error"),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("offer_results_offer_version_key").on(t.offerId, t.version),
    check("offer_results_status", sql`${t.status} in ('succeeded', 'failed')`),
  ],
);

/** The bank's table "identifier, action, effect" of a measured offer (treated customers). Bank only. */
export const offerEffects = pgTable(
  "offer_effects",
  {
    resultId: bigint("result_id", { mode: "number" })
      .notNull()
      .references(() => offerResults.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    customerId: bigint("customer_id", { mode: "number" }).notNull(),
    arm: smallint("arm").notNull(),
    /** Expected incremental revenue of the action for this customer, minor units. */
    effectMinor: bigint("effect_minor", { mode: "number" }).notNull(),
    category: text("category").notNull(),
  },
  (t) => [primaryKey({ columns: [t.resultId, t.customerId] })],
);

/** Which uplift model ranks a merchant's win-back queue (docs/offers.md, "Learning"). */
export const WINBACK_SOURCES = ["own", "pooled", "none"] as const;
export type WinBackSource = (typeof WINBACK_SOURCES)[number];

/**
 * The win-back queue's "what if you contact the top k" curve of a merchant, one row per merchant,
 * replaced by the worker (lib/offers/winback.ts) whenever the merchant's churn run or its offer
 * history is newer. Aggregates of the merchant's own scored customers only (no identity, no
 * peer figure): readable in the merchant's scope. `source` says which uplift model ranked the
 * queue: the merchant's own measured offers, or pooled over its MCC segment through lib/privacy
 * (`pool_merchants`, `pool_level`), or none (`reason`).
 */
export const offerWinBack = pgTable(
  "offer_winback",
  {
    merchantId: integer("merchant_id")
      .primaryKey()
      .references(() => merchants.id, { onDelete: "cascade" }),
    churnRunId: bigint("churn_run_id", { mode: "number" }),
    source: text("source").$type<WinBackSource>().notNull(),
    reason: text("reason"),
    ownOffers: integer("own_offers").notNull().default(0),
    poolMerchants: integer("pool_merchants"),
    poolLevel: text("pool_level"),
    result: jsonb("result").notNull().default({}),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("offer_winback_source", sql`${t.source} in ('own', 'pooled', 'none')`)],
);
