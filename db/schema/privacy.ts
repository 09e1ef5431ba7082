import { date, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";

/*
 * Stored competitor reports (docs/adr/0007-stored-competitor-reports.md). After an ingest, the
 * job in lib/privacy/precompute.ts computes the Competitors page's report for every period the
 * page offers and stores it here; lib/privacy/competitors.ts serves a stored report while its
 * fingerprint still matches the data, and computes live otherwise. Only lib/privacy reads or
 * writes this table, on the owner connection: row-level security is on with no policy and no
 * grant, so a merchant scope sees nothing (wall 2 of ARCHITECTURE.md). A report holds only what
 * the privacy guard released, the same document the page receives.
 */

/** One merchant's report for one whole month, quarter or year [period_from, period_to). */
export const competitorReports = pgTable(
  "competitor_reports",
  {
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    periodFrom: date("period_from", { mode: "string" }).notNull(),
    /** Exclusive. */
    periodTo: date("period_to", { mode: "string" }).notNull(),
    /**
     * SHA-256 (hex) of the inputs' identity when the report was computed: the report format and
     * (id, mcc, region, rollup_version) of every merchant of the merchant's MCC group and country.
     */
    fingerprint: text("fingerprint").notNull(),
    /** The CompetitorReport (lib/privacy/competitors.ts) as the guard released it. */
    report: jsonb("report").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.periodFrom, t.periodTo] })],
);
