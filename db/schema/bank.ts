import { bigint, boolean, index, pgTable, smallint, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Bank customers: pseudonymous, bank-wide (not owned by one merchant). Every attribute may be
 * unknown (null). Merchants never read this table: the demographics they see are the snapshot
 * copied into `merchant_customers` at ingest.
 */
export const customers = pgTable("customers", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  /** The bank's pseudonymous customer id, the one a merchant can match to its loyalty data. */
  bankCustomerId: text("bank_customer_id").notNull().unique(),
  /** 'female' | 'male' */
  gender: text("gender"),
  birthYear: smallint("birth_year"),
  /** 'single' | 'married' | 'divorced' | 'widowed' */
  maritalStatus: text("marital_status"),
  isPayroll: boolean("is_payroll"),
  isCorporate: boolean("is_corporate"),
  isPremium: boolean("is_premium"),
  region: text("region"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One run of `npm run ingest` (or the demo's loads): what came in and what it added. */
export const ingestBatches = pgTable(
  "ingest_batches",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** 'transactions' | 'customers' | 'online-retail' | 'cdnow' | 'synthetic' */
    format: text("format").notNull(),
    fileName: text("file_name").notNull(),
    fileSha256: text("file_sha256").notNull(),
    rowsRead: bigint("rows_read", { mode: "number" }).notNull().default(0),
    rowsInserted: bigint("rows_inserted", { mode: "number" }).notNull().default(0),
    rowsDropped: bigint("rows_dropped", { mode: "number" }).notNull().default(0),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("ingest_batches_sha_idx").on(t.fileSha256)],
);
