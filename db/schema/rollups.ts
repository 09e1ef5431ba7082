import {
  bigint,
  boolean,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { sql, type SQL } from "drizzle-orm";
import { customerBitmapChunk, sparseCustomerBitmapChunk } from "./types";

/*
 * Rollups, maintained by lib/rollups for exactly the merchant-days an ingest touched.
 * Money is integer minor units; refunds are stored as positive magnitudes; days are the
 * merchant's local calendar days.
 *
 * No foreign keys (docs/adr/0031-ingest-write-path.md): every rollup row is derived from
 * `transactions`, which keeps its keys to merchants and customers, and is written only by
 * lib/rollups inside the ingest's transaction; a per-row key check on the million rollup rows a
 * large load writes cost more than the rows themselves. Citus drops them anyway (db/distribute.ts).
 */

/** One row per merchant-day with any transaction. */
export const merchantDaily = pgTable(
  "merchant_daily",
  {
    merchantId: integer("merchant_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    grossSalesMinor: bigint("gross_sales_minor", { mode: "number" }).notNull(),
    refundsMinor: bigint("refunds_minor", { mode: "number" }).notNull(),
    purchases: integer("purchases").notNull(),
    refunds: integer("refunds").notNull(),
    /** Distinct customers with a purchase that day. */
    customers: integer("customers").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.day] })],
);

/**
 * Purchases by local hour, for the day-of-week × hour heatmap. `customerOrdinals` lists the
 * distinct customers of the hour (merchant_customers.ordinal), so a heatmap cell over any period
 * knows exactly how many customers it describes (suppression below 5).
 */
export const merchantHourly = pgTable(
  "merchant_hourly",
  {
    merchantId: integer("merchant_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    hour: smallint("hour").notNull(),
    grossSalesMinor: bigint("gross_sales_minor", { mode: "number" }).notNull(),
    purchases: integer("purchases").notNull(),
    customerOrdinals: integer("customer_ordinals").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.day, t.hour] })],
);

/**
 * The merchant × customer relation: a dense per-merchant `ordinal` (the customer's bit in the
 * day bitmaps), lifetime activity, and a snapshot of the bank's demographics so merchant-scoped
 * queries never read the bank-wide `customers` table.
 */
export const merchantCustomers = pgTable(
  "merchant_customers",
  {
    merchantId: integer("merchant_id").notNull(),
    customerId: bigint("customer_id", { mode: "number" }).notNull(),
    /** 0-based, dense per merchant, never reused. */
    ordinal: integer("ordinal").notNull(),
    /** Null while the customer has only refunds here. */
    firstPurchaseDay: date("first_purchase_day", { mode: "string" }),
    lastPurchaseDay: date("last_purchase_day", { mode: "string" }),
    purchases: integer("purchases").notNull(),
    grossSalesMinor: bigint("gross_sales_minor", { mode: "number" }).notNull(),
    refundsMinor: bigint("refunds_minor", { mode: "number" }).notNull(),
    gender: text("gender"),
    birthYear: smallint("birth_year"),
    maritalStatus: text("marital_status"),
    isPayroll: boolean("is_payroll"),
    isCorporate: boolean("is_corporate"),
    isPremium: boolean("is_premium"),
    region: text("region"),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.customerId] }),
    uniqueIndex("merchant_customers_ordinal_key").on(t.merchantId, t.ordinal),
    index("merchant_customers_first_purchase_idx").on(t.merchantId, t.firstPurchaseDay),
  ],
);

/** The merchant × customer × day activity rollup (segments, cohorts, regular customers). */
export const merchantCustomerDaily = pgTable(
  "merchant_customer_daily",
  {
    merchantId: integer("merchant_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    customerId: bigint("customer_id", { mode: "number" }).notNull(),
    purchases: integer("purchases").notNull(),
    grossSalesMinor: bigint("gross_sales_minor", { mode: "number" }).notNull(),
    refunds: integer("refunds").notNull(),
    refundsMinor: bigint("refunds_minor", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.day, t.customerId] }),
    index("merchant_customer_daily_customer_idx").on(t.merchantId, t.customerId),
  ],
);

/**
 * Exact sets of the customers with a purchase on a merchant-day, as bitmaps over
 * `merchant_customers.ordinal`, split into chunks of 8192 ordinals. Distinct customers over any
 * period = Σ over chunks of bit_count(bit_or(bits)); exact, and a few rows per day.
 */
export const merchantDayCustomerBitmaps = pgTable(
  "merchant_day_customer_bitmaps",
  {
    merchantId: integer("merchant_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    chunk: integer("chunk").notNull(),
    bits: customerBitmapChunk("bits").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.day, t.chunk] })],
);

/**
 * The customers with a purchase in an (ISO day of week, local hour) slot of a calendar month, as
 * bitmaps over `merchant_customers.ordinal` in chunks of 8192 (like the day bitmaps). The
 * seasonality heatmap's distinct customers of a slot over whole months are Σ over chunks of
 * bit_count(bit_or(the months' bitmaps)); the days outside whole months read the hourly ordinal
 * lists (docs/adr/0039-seasonality-month-hour-bitmaps.md). At most 168 slots a month and chunk;
 * stored sparse (ADR 0041), read as `bits::bit(8192)`.
 */
export const merchantMonthHourBitmaps = pgTable(
  "merchant_month_hour_bitmaps",
  {
    merchantId: integer("merchant_id").notNull(),
    /** First day of the calendar month. */
    month: date("month", { mode: "string" }).notNull(),
    /** ISO day of week, 1 = Monday … 7 = Sunday, of the local day. */
    dow: smallint("dow").notNull(),
    /** Local hour 0–23. */
    hour: smallint("hour").notNull(),
    chunk: integer("chunk").notNull(),
    /** Trimmed after the last set bit (ADR 0041): a slot of a month holds few customers. */
    bits: sparseCustomerBitmapChunk("bits").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.month, t.dow, t.hour, t.chunk] })],
);

/**
 * Monthly cohorts' members: the customers whose first purchase at the merchant
 * (`merchant_customers.first_purchase_day`) falls in the month starting `cohort`, as bitmaps over
 * ordinals in chunks of 8192 like `merchant_day_customer_bitmaps`. A cohort's active customers in
 * any period = Σ over chunks of bit_count(cohort bits & bit_or(the period's day bits)): cohort
 * retention without reading per-customer rows (docs/adr/0020-cohort-rollups.md). A customer whose
 * first purchase moves earlier (a late older file) moves to the earlier cohort.
 */
export const merchantCohortBitmaps = pgTable(
  "merchant_cohort_bitmaps",
  {
    merchantId: integer("merchant_id").notNull(),
    /** First day of the cohort month. */
    cohort: date("cohort", { mode: "string" }).notNull(),
    chunk: integer("chunk").notNull(),
    bits: customerBitmapChunk("bits").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.cohort, t.chunk] })],
);

/**
 * Net revenue (purchases − refunds, minor units) per cohort and day: the sum over the cohort's
 * members of their `merchant_customer_daily` rows from the cohort month on. A member's rows of
 * the cohort month before its first purchase day (refunds only) are filed under the first
 * purchase day, so a period that ends before that day leaves them out with the customer, as the
 * per-customer query does; rows before the cohort month are not kept.
 */
export const merchantCohortDaily = pgTable(
  "merchant_cohort_daily",
  {
    merchantId: integer("merchant_id").notNull(),
    cohort: date("cohort", { mode: "string" }).notNull(),
    day: date("day", { mode: "string" }).notNull(),
    netMinor: bigint("net_minor", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.cohort, t.day] })],
);

/**
 * The demographic dimensions the segment rollups store (docs/adr/0029-segment-rollups.md), each
 * with the value of a customer's `merchant_customers` snapshot: gender, marital status and region
 * as stored, the three flags as 'yes' / 'no', the birth year as text (age bands depend on the
 * period's year, so they are unions of birth years at read time), and 'unknown' for a missing
 * attribute. lib/rollups/segments.ts writes the values, lib/analytics/getCustomerSegments.ts
 * reads them.
 */
export const SEGMENT_STORED_DIMENSIONS = [
  "gender",
  "birthYear",
  "maritalStatus",
  "payroll",
  "corporate",
  "premium",
  "region",
] as const;
export type SegmentStoredDimension = (typeof SEGMENT_STORED_DIMENSIONS)[number];

const yesNo = (col: SQL) => sql`case when ${col} then 'yes' when not ${col} then 'no' else 'unknown' end`;

/**
 * The stored value of each dimension over a table alias with the demographic columns of
 * `merchant_customers` / `customers` (both name them alike). The one definition of the values:
 * lib/rollups/segments.ts writes them, lib/analytics/getCustomerSegments.ts groups the cut days'
 * customers by them; drizzle/0030's backfill repeats it as plain SQL.
 */
export function segmentStoredValues(alias: "mc" | "c"): Record<SegmentStoredDimension, SQL> {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  return {
    gender: sql`coalesce(${col("gender")}, 'unknown')`,
    birthYear: sql`coalesce(${col("birth_year")}::text, 'unknown')`,
    maritalStatus: sql`coalesce(${col("marital_status")}, 'unknown')`,
    payroll: yesNo(col("is_payroll")),
    corporate: yesNo(col("is_corporate")),
    premium: yesNo(col("is_premium")),
    region: sql`coalesce(${col("region")}, 'unknown')`,
  };
}

/**
 * Monthly sums per stored segment value: for each (dimension, value) the sum of one calendar
 * month's `merchant_customer_daily` rows of the customers whose current snapshot has that value
 * (purchases and refunds as counts, money in minor units, refunds positive). A period's whole
 * months are sums of these rows; its days outside whole months are read per customer
 * (docs/adr/0040-segment-sums-by-month.md). A value with purchases + refunds = 0 over the period
 * had no customer activity in it. A customers file that changes an attribute moves the
 * customer's whole history from the old value to the new one, which can leave all-zero rows
 * behind (same figures).
 */
export const merchantSegmentMonthly = pgTable(
  "merchant_segment_monthly",
  {
    merchantId: integer("merchant_id").notNull(),
    /** First day of the calendar month. */
    month: date("month", { mode: "string" }).notNull(),
    /** One of SEGMENT_STORED_DIMENSIONS. */
    dimension: text("dimension").notNull(),
    value: text("value").notNull(),
    purchases: integer("purchases").notNull(),
    grossSalesMinor: bigint("gross_sales_minor", { mode: "number" }).notNull(),
    refunds: integer("refunds").notNull(),
    refundsMinor: bigint("refunds_minor", { mode: "number" }).notNull(),
  },
  // month before dimension: a period's rows of one merchant are one contiguous range of the key
  (t) => [primaryKey({ columns: [t.merchantId, t.month, t.dimension, t.value] })],
);

/**
 * The members of each stored segment value: the merchant's customers whose snapshot has the
 * value, as bitmaps over `merchant_customers.ordinal` (chunks of 8192, like the day bitmaps).
 * Distinct buyers of a segment in any period = Σ over chunks of bit_count(members & bit_or(the
 * period's day bitmaps)).
 */
export const merchantSegmentBitmaps = pgTable(
  "merchant_segment_bitmaps",
  {
    merchantId: integer("merchant_id").notNull(),
    dimension: text("dimension").notNull(),
    value: text("value").notNull(),
    chunk: integer("chunk").notNull(),
    bits: customerBitmapChunk("bits").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.dimension, t.value, t.chunk] })],
);

/** The `side` of a month plane: what the month total counts (gross and refunds in minor units, purchases a count). */
export const PLANE_SIDES = { gross: 0, refunds: 1, purchases: 2 } as const;
export type PlaneSide = (typeof PLANE_SIDES)[keyof typeof PLANE_SIDES];

/**
 * Every customer's gross sales, refunds and purchases of each calendar month, bit-sliced (O'Neil & Quass,
 * "Improved query performance with variant indexes", SIGMOD 1997, bit-sliced indexes): bit
 * `ordinal mod 8192` of plane j of (month, side) is bit j of that customer's month total of the
 * side (PLANE_SIDES: 0 = gross sales, 1 = refunds, both non-negative minor units; 2 = purchases, a
 * count). The sum over any set of customers S given as a bitmap is Σ_j 2^j × bit_count(S & plane_j):
 * exact, and its cost follows the planes (about log2 of the largest monthly total) × chunks, not
 * the customers. The regular customers' net revenue reads it (docs/adr/0029-segment-rollups.md);
 * purchase frequency adds the planes of whole months per customer (docs/adr/0038). Planes without a set bit
 * are not stored.
 */
export const merchantMonthAmountPlanes = pgTable(
  "merchant_month_amount_planes",
  {
    merchantId: integer("merchant_id").notNull(),
    /** First day of the calendar month. */
    month: date("month", { mode: "string" }).notNull(),
    /** PLANE_SIDES: 0 = gross sales, 1 = refunds, 2 = purchases. */
    side: smallint("side").notNull(),
    /** Bit j of the month totals (weight 2^j). */
    plane: smallint("plane").notNull(),
    chunk: integer("chunk").notNull(),
    bits: customerBitmapChunk("bits").notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.month, t.side, t.plane, t.chunk] })],
);
