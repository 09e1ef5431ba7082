import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";
import { users } from "./auth";
import { emailOutbox } from "./mail";

/*
 * Alerts (lib/jobs/alerts.ts): a significant finding that a findings run reveals (an alert-tier
 * finding absent from the merchant's previous findings run) becomes one notification per
 * subscribed user, shown in the app (/notifications) and, unless the user turned e-mail off,
 * sent as an 'alert' e-mail queued in the same transaction. The unique key (user, merchant,
 * finding, run version) makes the alert job idempotent: a retried attempt or a second worker
 * inserts nothing twice. Bank operations only: no row-level policy, no grant to app_merchant.
 */

export const notifications = pgTable(
  "notifications",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    /** The finding's stable id (e.g. "metricChange:netRevenue:previous"). */
    findingId: text("finding_id").notNull(),
    /** The finding's kind (lib/runs/findings.ts FINDING_KINDS), for the kind preference. */
    kind: text("kind").notNull(),
    /** The version of the findings run that revealed it (no foreign key: pruning removes old runs, not alerts). */
    runVersion: integer("run_version").notNull(),
    /** The finding as stored in the run (language-neutral; rendered in the reader's language). */
    finding: jsonb("finding").notNull(),
    /** The merchant's currency when the finding was stored. */
    currency: text("currency").notNull(),
    /** When the data that revealed it was committed (the ingest's model request, model_jobs.requested_at). */
    revealedAt: timestamp("revealed_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
    /** The alert e-mail queued for it; null when the user gets alerts in the app only. */
    emailId: bigint("email_id", { mode: "number" }).references(() => emailOutbox.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("notifications_user_finding_key").on(t.userId, t.merchantId, t.findingId, t.runVersion),
    index("notifications_user_created_idx").on(t.userId, t.createdAt),
  ],
);

/**
 * A user's alert preferences; no row = the defaults (merchant users: every merchant and kind, by
 * e-mail; relationship managers and bank admins: none until they subscribe to their portfolio).
 */
export const alertPreferences = pgTable(
  "alert_preferences",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Alerts at all (in the app and by e-mail). */
    enabled: boolean("enabled").notNull().default(true),
    /** Alerts by e-mail too (one-click unsubscribe turns this off). */
    email: boolean("email").notNull().default(true),
    /** A relationship manager's subscription to the merchants of their portfolio. */
    portfolio: boolean("portfolio").notNull().default(false),
    /** Only these merchants; null = every merchant the user may open. */
    merchantIds: integer("merchant_ids").array(),
    /** Only these finding kinds; null = every kind. */
    kinds: text("kinds").array(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("alert_preferences_kinds_nonempty", sql`${t.kinds} is null or cardinality(${t.kinds}) > 0`)],
);
