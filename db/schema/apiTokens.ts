import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";
import { users } from "./auth";

/*
 * The merchant API's credentials (lib/auth/tokens.ts; docs/adr/0008-endpoint-definitions.md).
 * A token is `mi_live_` + 43 base64url characters (256 random bits); only its SHA-256 is stored,
 * with a short non-secret prefix to tell tokens apart in the UI. A token reads one merchant's
 * views (read-only) on behalf of the owner who created it, until revoked.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Hex SHA-256 of the whole token string. */
    tokenHash: text("token_hash").notNull().unique(),
    /** The token's first 16 characters (`mi_live_` + 8), shown in lists; not enough to use it. */
    prefix: text("prefix").notNull(),
    /** The owner on whose behalf it reads; null once that user is deleted (the token then fails). */
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Last accepted request, updated at most once a minute. */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: text("revoked_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("api_tokens_merchant_idx").on(t.merchantId),
    check("api_tokens_hash_format", sql`${t.tokenHash} ~ '^[0-9a-f]{64}$'`),
    check("api_tokens_name_length", sql`char_length(${t.name}) between 1 and 80`),
  ],
);

/**
 * The token API's rate-limit counters (rate-limiter-flexible RateLimiterDrizzle: one row per
 * token and window, `points` consumed, `expire` the end of the window). Bank-side bookkeeping:
 * no merchant scope sees it.
 */
export const apiRateLimits = pgTable("api_rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: timestamp("expire", { withTimezone: true }),
});
