import { sql } from "drizzle-orm";
import {
  bigint,
  char,
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import { customers, ingestBatches } from "./bank";

/** The tenant. Money of the merchant is in `currency` (ISO 4217), days in `timeZone` (IANA). */
export const merchants = pgTable(
  "merchants",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    /** ISO 18245 merchant category code, 4 digits with leading zeros ('0742'). */
    mcc: varchar("mcc", { length: 4 }).notNull(),
    city: text("city"),
    region: text("region"),
    country: char("country", { length: 2 }).notNull().default("RU"),
    timeZone: text("time_zone").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * Counts the writes of this merchant's rollups: lib/rollups adds 1 in the same transaction
     * as every refresh or batch it applies. lib/privacy keys its stored competitor reports on the
     * counters of the merchant's MCC group (docs/adr/0007-stored-competitor-reports.md), so new
     * data anywhere in the group makes a stored report stale at once.
     */
    rollupVersion: bigint("rollup_version", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    check("merchants_mcc_format", sql`${t.mcc} ~ '^[0-9]{4}$'`),
    check("merchants_slug_format", sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{0,62}$'`),
    index("merchants_mcc_region_idx").on(t.mcc, t.region),
  ],
);

/** The bank's own merchant ids (terminals / acquiring ids) that map to one tenant. */
export const merchantBankIds = pgTable("merchant_bank_ids", {
  bankMerchantId: text("bank_merchant_id").primaryKey(),
  merchantId: integer("merchant_id")
    .notNull()
    .references(() => merchants.id, { onDelete: "cascade" }),
});

/**
 * Card transactions, append-only. `amountMinor` is signed integer minor units of `currency`:
 * positive for a purchase, negative for a refund. `localDate`/`localHour` are the transaction's
 * calendar day and hour in the merchant's time zone, fixed at ingest so rollups never convert.
 */
export const transactions = pgTable(
  "transactions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    bankTransactionId: text("bank_transaction_id").notNull(),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id),
    customerId: bigint("customer_id", { mode: "number" })
      .notNull()
      .references(() => customers.id),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    localDate: date("local_date", { mode: "string" }).notNull(),
    localHour: integer("local_hour").notNull(),
    /** 'online' | 'offline' */
    channel: text("channel").notNull(),
    /** 'purchase' | 'refund' */
    kind: text("kind").notNull(),
    ingestBatchId: bigint("ingest_batch_id", { mode: "number" }).references(() => ingestBatches.id),
  },
  (t) => [
    uniqueIndex("transactions_bank_transaction_id_key").on(t.bankTransactionId),
    index("transactions_merchant_date_idx").on(t.merchantId, t.localDate),
    check(
      "transactions_kind_sign",
      sql`(${t.kind} = 'purchase' and ${t.amountMinor} > 0) or (${t.kind} = 'refund' and ${t.amountMinor} < 0)`,
    ),
    check("transactions_channel", sql`${t.channel} in ('online', 'offline')`),
    check("transactions_local_hour", sql`${t.localHour} between 0 and 23`),
  ],
);
