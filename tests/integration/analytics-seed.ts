import type { Database } from "@/db/client";
import { customers, merchants, transactions } from "@/db/schema";
import { refreshRollups } from "@/lib/rollups";
import type { AnalyticsContext, MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { uniqueSlug } from "../helpers/db";

/** Demographics of a seeded customer (every field optional = unknown). */
export interface SeedCustomer {
  gender?: string | null;
  birthYear?: number | null;
  maritalStatus?: string | null;
  isPayroll?: boolean | null;
  isCorporate?: boolean | null;
  isPremium?: boolean | null;
  region?: string | null;
}

/** One transaction: customer index, signed amount (minor units; < 0 = refund), local day, hour. */
export type SeedTx = [customer: number, amountMinor: number, day: string, hour?: number];

/**
 * Seeds a fresh merchant with its own customers and transactions, then builds the rollups the
 * way ingest does (refreshRollups over the touched days). Customer ids are fresh bank customers.
 */
export async function seedMerchant(
  database: Database,
  people: SeedCustomer[],
  txs: SeedTx[],
  opts: { slug?: string; name?: string; mcc?: string; currency?: string; timeZone?: string } = {},
): Promise<{ merchant: MerchantRef; customerIds: number[] }> {
  const [m] = await database.db
    .insert(merchants)
    .values({
      slug: opts.slug ?? uniqueSlug("a"),
      name: opts.name ?? "Analytics test",
      mcc: opts.mcc ?? "5411",
      timeZone: opts.timeZone ?? "UTC",
      currency: opts.currency ?? "EUR",
    })
    .returning();
  const cs =
    people.length === 0
      ? []
      : await database.db
          .insert(customers)
          .values(people.map((p, i) => ({ bankCustomerId: `${m.slug}-c${i}`, ...p })))
          .returning();
  if (txs.length > 0) {
    await database.db.insert(transactions).values(
      txs.map(([c, amount, day, hour = 12], i) => ({
        bankTransactionId: `${m.slug}-t${i}`,
        merchantId: m.id,
        customerId: cs[c].id,
        amountMinor: amount,
        currency: m.currency,
        occurredAt: new Date(`${day}T${String(hour).padStart(2, "0")}:00:00Z`),
        localDate: day,
        localHour: hour,
        channel: "offline",
        kind: amount > 0 ? "purchase" : "refund",
      })),
    );
    const days = [...new Set(txs.map((t) => t[2]))];
    await database.db.transaction((t) => refreshRollups(t, m.id, days));
  }
  const merchant: MerchantRef = {
    id: m.id,
    slug: m.slug,
    name: m.name,
    mcc: m.mcc,
    currency: m.currency,
    timeZone: m.timeZone,
  };
  return { merchant, customerIds: cs.map((c) => c.id) };
}

/** Runs `fn` with an analytics context inside the merchant's scoped transaction. */
export function scoped<T>(database: Database, merchant: MerchantRef, fn: (ctx: AnalyticsContext) => Promise<T>) {
  return withMerchantScope(database, merchant.id, (tx) => fn({ tx, merchant }));
}
