import type { Database } from "@/db/client";
import { customers, merchants, transactions } from "@/db/schema";
import type { MerchantRef } from "@/lib/tenancy/context";
import { refreshRollupsForDays } from "@/lib/rollups";
import type { SeedCustomer } from "./analytics-seed";
import { uniqueSlug } from "../helpers/db";

/** One transaction of a shared bank: merchant key, customer index, signed amount (minor units), local day. */
export type BankTx = [merchant: string, customer: number, amountMinor: number, day: string];

/**
 * Seeds several merchants sharing one set of bank customers (what cross-shopping needs; the
 * analytics seed gives every merchant its own customers), then builds the rollups the way ingest
 * does. Merchants are keyed by the caller's names; each gets a unique slug.
 */
export async function seedBank(
  database: Database,
  spec: { merchants: Record<string, { mcc: string; currency?: string }>; customers: SeedCustomer[]; txs: BankTx[] },
): Promise<{ merchants: Record<string, MerchantRef>; customerIds: number[]; bankCustomerIds: string[] }> {
  const refs: Record<string, MerchantRef> = {};
  for (const [key, m] of Object.entries(spec.merchants)) {
    const [row] = await database.db
      .insert(merchants)
      .values({ slug: uniqueSlug(`j-${key.toLowerCase()}`), name: `Merchant ${key}`, mcc: m.mcc, timeZone: "UTC", currency: m.currency ?? "EUR" })
      .returning();
    refs[key] = { id: row.id, slug: row.slug, name: row.name, mcc: row.mcc, currency: row.currency, timeZone: row.timeZone };
  }
  const prefix = uniqueSlug("bank");
  const cs =
    spec.customers.length === 0
      ? []
      : await database.db
          .insert(customers)
          .values(spec.customers.map((p, i) => ({ bankCustomerId: `${prefix}-c${i}`, ...p })))
          .returning();
  const touched = new Map<number, string[]>();
  const CHUNK = 1000;
  for (let i = 0; i < spec.txs.length; i += CHUNK) {
    await database.db.insert(transactions).values(
      spec.txs.slice(i, i + CHUNK).map(([key, c, amount, day], j) => {
        const m = refs[key];
        if (!m) throw new Error(`seedBank: unknown merchant ${key}`);
        const list = touched.get(m.id) ?? [];
        list.push(day);
        touched.set(m.id, list);
        return {
          bankTransactionId: `${prefix}-t${i + j}`,
          merchantId: m.id,
          customerId: cs[c].id,
          amountMinor: amount,
          currency: m.currency,
          occurredAt: new Date(`${day}T12:00:00Z`),
          localDate: day,
          localHour: 12,
          channel: "offline",
          kind: amount > 0 ? "purchase" : "refund",
        };
      }),
    );
  }
  await database.db.transaction((t) => refreshRollupsForDays(t, touched));
  return { merchants: refs, customerIds: cs.map((c) => c.id), bankCustomerIds: cs.map((c) => c.bankCustomerId) };
}
