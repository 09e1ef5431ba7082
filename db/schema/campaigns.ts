import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { merchants } from "./merchants";

/*
 * Partner campaigns and their uplift reports (docs/campaigns.md, docs/adr/0004-campaigns.md).
 * lib/campaigns imports a file into `campaigns` + `campaign_rows` and computes a stored report
 * (`campaign_reports` + `campaign_effects`); all four carry merchant_id and row-level security,
 * and are written on the owner connection after the route's access check (ADR 0004).
 */

export const CAMPAIGN_FORMATS = ["campaign", "hillstrom"] as const;
export type CampaignFormat = (typeof CAMPAIGN_FORMATS)[number];

/**
 * One uploaded campaign. Identified for idempotency by (merchant, sha256 of the file's bytes):
 * uploading the same file again returns this row and adds nothing. `outcome_source` is 'file'
 * when the file had outcome columns, 'derived' when the report derives purchase and revenue
 * from the bank's rollups in [sent_on, sent_on + window_days).
 */
export const campaigns = pgTable(
  "campaigns",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    format: text("format").$type<CampaignFormat>().notNull(),
    fileName: text("file_name").notNull(),
    fileSha256: text("file_sha256").notNull(),
    rowCount: integer("row_count").notNull(),
    /** Identifiers that match no customer of this merchant (counted, kept, no derived outcome). */
    unknownCustomers: integer("unknown_customers").notNull(),
    /** Outcome columns present in the file, e.g. ["visit","conversion","revenue"]; [] = derived. */
    outcomeColumns: jsonb("outcome_columns").$type<string[]>().notNull(),
    outcomeSource: text("outcome_source").$type<"file" | "derived">().notNull(),
    /** Days after sent_on in which derived outcomes are counted. */
    windowDays: integer("window_days").notNull(),
    /** Names of the pre-campaign feature columns, in file order. */
    featureNames: jsonb("feature_names").$type<string[]>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("campaigns_merchant_sha_key").on(t.merchantId, t.fileSha256),
    check("campaigns_format", sql`${t.format} in ('campaign', 'hillstrom')`),
    check("campaigns_outcome_source", sql`${t.outcomeSource} in ('file', 'derived')`),
    check("campaigns_window_positive", sql`${t.windowDays} > 0`),
  ],
);

/**
 * One customer's assignment: group, action ('' for a control row shared by all actions), when
 * it was sent, the file's outcomes (null when the column is absent) and pre-campaign features
 * (name -> raw text). `customer_id` is the bank's customer when the identifier matched one of
 * this merchant's customers, else null. Natural key: (campaign, customer_ref).
 */
export const campaignRows = pgTable(
  "campaign_rows",
  {
    campaignId: bigint("campaign_id", { mode: "number" })
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    line: integer("line").notNull(),
    customerRef: text("customer_ref").notNull(),
    customerId: bigint("customer_id", { mode: "number" }),
    group: text("grp").$type<"treatment" | "control">().notNull(),
    action: text("action").notNull(),
    sentOn: date("sent_on", { mode: "string" }),
    visit: smallint("visit"),
    conversion: smallint("conversion"),
    revenueMinor: bigint("revenue_minor", { mode: "number" }),
    features: jsonb("features").$type<Record<string, string>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.customerRef] }),
    check("campaign_rows_group", sql`${t.group} in ('treatment', 'control')`),
  ],
);

/**
 * A computed report of one campaign (like model_runs): version 1, 2, … per campaign; the page
 * shows the latest succeeded one. `report` is the JSON document typed by lib/campaigns/types.ts.
 */
export const campaignReports = pgTable(
  "campaign_reports",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    campaignId: bigint("campaign_id", { mode: "number" })
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    status: text("status").$type<"succeeded" | "failed">().notNull(),
    report: jsonb("report").notNull().default({}),
    error: text("error"),
    elapsedMs: integer("elapsed_ms").notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("campaign_reports_campaign_version_key").on(t.campaignId, t.version),
    check("campaign_reports_status", sql`${t.status} in ('succeeded', 'failed')`),
  ],
);

/**
 * The report table "identifier, action, effect": per customer of a report, the expected effect
 * of each action (probability points of the primary outcome, T-learner) and the recommended
 * action (null = do not target).
 */
export const campaignEffects = pgTable(
  "campaign_effects",
  {
    reportId: bigint("report_id", { mode: "number" })
      .notNull()
      .references(() => campaignReports.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    customerRef: text("customer_ref").notNull(),
    /** action -> expected effect (probability points, −1..1). */
    effects: jsonb("effects").$type<Record<string, number>>().notNull(),
    recommended: text("recommended"),
    /** 'persuadable' | 'sure thing' | 'lost cause' | 'do-not-disturb' */
    category: text("category").notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.customerRef] })],
);
