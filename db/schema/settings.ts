import { sql } from "drizzle-orm";
import { check, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { merchants } from "./merchants";

/*
 * A merchant's own settings (lib/accounts/settings.ts): at most one row per merchant, written on
 * the owner connection by its owner or its bank staff (audit-logged as "settings.set"), read in
 * the merchant's scope (RLS, drizzle/0029). A missing row or a null column means "not set".
 */
export const merchantSettings = pgTable(
  "merchant_settings",
  {
    merchantId: integer("merchant_id")
      .primaryKey()
      .references(() => merchants.id, { onDelete: "cascade" }),
    /**
     * Gross margin in basis points of revenue (1..10000 = 0.01 %..100 %): CLV and revenue at risk
     * are shown × this / 10000 ("in margin") when set, in revenue otherwise (issue 17).
     */
    grossMarginBp: integer("gross_margin_bp"),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("merchant_settings_gross_margin_bp", sql`${t.grossMarginBp} is null or ${t.grossMarginBp} between 1 and 10000`)],
);
