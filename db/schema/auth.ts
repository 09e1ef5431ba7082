import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  smallint,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { merchants } from "./merchants";

/**
 * Users (the Auth.js user shape: id, name, email, emailVerified, image) plus our columns. `bankRole` is
 * 'bank_admin' for bank administrators (see every merchant) and null otherwise.
 */
export const users = pgTable("users", {
  id: text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").notNull().unique(),
  emailVerified: timestamp("email_verified", { mode: "date", withTimezone: true }),
  image: text("image"),
  /** argon2id PHC string; null for users who have not set a password yet. */
  passwordHash: text("password_hash"),
  bankRole: text("bank_role"),
  /** 'en' | 'ru' */
  locale: text("locale").notNull().default("en"),
  /** IANA time zone the weekly digest is timed in (lib/jobs/digest.ts queueDueDigests). */
  timeZone: text("time_zone").notNull().default("UTC"),
  /** ISO weekday of the weekly digest, 1 = Monday … 7 = Sunday; 0 = no digest. */
  digestWeekday: smallint("digest_weekday").notNull().default(1),
  /** Local hour (0–23) of the weekly digest. */
  digestHour: smallint("digest_hour").notNull().default(8),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const MERCHANT_ROLES = ["relationship_manager", "merchant_owner", "merchant_viewer"] as const;
export type MerchantRole = (typeof MERCHANT_ROLES)[number];

/**
 * A user's access to one merchant. A relationship manager's portfolio is the set of merchants
 * where they hold a `relationship_manager` membership.
 */
export const memberships = pgTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    merchantId: integer("merchant_id")
      .notNull()
      .references(() => merchants.id, { onDelete: "cascade" }),
    role: text("role").$type<MerchantRole>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.merchantId] }),
    index("memberships_merchant_idx").on(t.merchantId),
    check(
      "memberships_role",
      sql`${t.role} in ('relationship_manager', 'merchant_owner', 'merchant_viewer')`,
    ),
  ],
);

// Tables of the Auth.js drizzle adapter (sessions are JWT; these serve e-mail sign-in later).
export const accounts = pgTable(
  "accounts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const sessions = pgTable("sessions", {
  sessionToken: text("session_token").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
});

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamp("expires", { mode: "date", withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);
