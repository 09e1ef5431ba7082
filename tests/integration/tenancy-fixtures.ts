/**
 * Seeds for the tenancy and auth suites: a fresh merchant with rows in every merchant-owned
 * table (transactions through the real rollup refresh), and users in each role. Unique slugs,
 * bank ids and e-mails per call, so tests never share fixtures.
 */
import type { Database } from "@/db/client";
import { customers, merchantBankIds, merchants, transactions } from "@/db/schema";
import { refreshRollups } from "@/lib/rollups";
import { createUser, grantMembership } from "@/lib/auth/users";
import type { MerchantRole } from "@/db/schema";
import { uniqueSlug } from "../helpers/db";

/** The merchant-owned tables of wall 1 (each has RLS keyed on merchant_id, merchants on id). */
export const MERCHANT_OWNED_TABLES = [
  "merchants",
  "merchant_bank_ids",
  "transactions",
  "merchant_daily",
  "merchant_hourly",
  "merchant_customers",
  "merchant_customer_daily",
  "merchant_day_customer_bitmaps",
  "merchant_cohort_bitmaps",
  "merchant_cohort_daily",
  "merchant_segment_monthly",
  "merchant_segment_bitmaps",
  "merchant_month_amount_planes",
  "merchant_month_hour_bitmaps",
  "memberships",
] as const;

/** Column that names the tenant in each merchant-owned table. */
export function tenantColumn(table: string): string {
  return table === "merchants" ? "id" : "merchant_id";
}

export interface SeededMerchant {
  id: number;
  slug: string;
  name: string;
}

/**
 * A merchant with 3 customers, `purchases` purchases and one refund over two days, a bank
 * merchant id, and refreshed rollups (merchant_daily, _hourly, _customers, _customer_daily,
 * day bitmaps). Memberships are added by seedUser.
 */
export async function seedMerchant(database: Database, name = "Shop", purchases = 4): Promise<SeededMerchant> {
  const slug = uniqueSlug("t");
  const [m] = await database.db
    .insert(merchants)
    .values({ slug, name, mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB" })
    .returning({ id: merchants.id, slug: merchants.slug, name: merchants.name });
  await database.db.insert(merchantBankIds).values({ bankMerchantId: `${slug}-terminal`, merchantId: m.id });
  const cs = await database.db
    .insert(customers)
    .values([0, 1, 2].map((i) => ({ bankCustomerId: `${slug}-c${i}`, gender: i % 2 ? "male" : "female" })))
    .returning({ id: customers.id });
  const rows = Array.from({ length: purchases }, (_, i) => ({
    bankTransactionId: `${slug}-p${i}`,
    merchantId: m.id,
    customerId: cs[i % cs.length].id,
    amountMinor: 1000 + i,
    currency: "RUB",
    occurredAt: new Date(`2024-03-0${1 + (i % 2)}T09:00:00Z`),
    localDate: `2024-03-0${1 + (i % 2)}`,
    localHour: 12,
    channel: "offline",
    kind: "purchase",
  }));
  rows.push({ ...rows[0], bankTransactionId: `${slug}-r0`, amountMinor: -500, kind: "refund" });
  await database.db.insert(transactions).values(rows);
  await database.db.transaction((tx) => refreshRollups(tx, m.id, ["2024-03-01", "2024-03-02"]));
  return m;
}

let userSeq = 0;
/** The password every seeded user gets. */
export const SEED_PASSWORD = "correct horse battery staple";

/** A user (unique e-mail) with optional bank role and memberships; returns id and e-mail. */
export async function seedUser(
  database: Database,
  opts: { bankRole?: "bank_admin" | "relationship_manager"; memberships?: Array<[merchantId: number, role: MerchantRole]>; prefix?: string } = {},
): Promise<{ id: string; email: string }> {
  userSeq += 1;
  const email = `${opts.prefix ?? "user"}-${process.pid}-${userSeq}-${Math.random().toString(36).slice(2, 7)}@example.com`;
  const id = await createUser(database, { email, password: SEED_PASSWORD, bankRole: opts.bankRole ?? null });
  for (const [merchantId, role] of opts.memberships ?? []) await grantMembership(database, id, merchantId, role);
  return { id, email };
}
