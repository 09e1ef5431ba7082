import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { customers, merchants, transactions } from "@/db/schema";
import { refreshRollups } from "@/lib/rollups";
import { openTestDatabase, uniqueSlug } from "../helpers/db";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function seedMerchant() {
  const [m] = await database.db
    .insert(merchants)
    .values({ slug: uniqueSlug(), name: "Test", mcc: "5411", timeZone: "UTC", currency: "EUR" })
    .returning();
  const cs = await database.db
    .insert(customers)
    .values([0, 1, 2].map((i) => ({ bankCustomerId: `${m.slug}-c${i}`, gender: i === 0 ? "female" : "male" })))
    .returning();
  return { m, cs };
}

describe("refreshRollups", () => {
  it("aggregates touched days exactly and counts distinct customers through bitmaps", async () => {
    const { m, cs } = await seedMerchant();
    const tx = (id: string, c: number, amount: number, date: string, hour = 10) => ({
      bankTransactionId: `${m.slug}-${id}`,
      merchantId: m.id,
      customerId: cs[c].id,
      amountMinor: amount,
      currency: "EUR",
      occurredAt: new Date(`${date}T${String(hour).padStart(2, "0")}:00:00Z`),
      localDate: date,
      localHour: hour,
      channel: "offline",
      kind: amount > 0 ? "purchase" : "refund",
    });
    await database.db.insert(transactions).values([
      tx("1", 0, 1000, "2024-01-01"),
      tx("2", 0, 500, "2024-01-01"),
      tx("3", 1, 250, "2024-01-01", 12),
      tx("4", 1, -100, "2024-01-02"),
      tx("5", 2, 700, "2024-01-02"),
    ]);
    await database.db.transaction((t) => refreshRollups(t, m.id, ["2024-01-01", "2024-01-02"]));
    const daily = await queryRows(
      database.db,
      sql`select day, gross_sales_minor, refunds_minor, purchases, refunds, customers from merchant_daily where merchant_id = ${m.id} order by day`,
    );
    expect(daily).toEqual([
      { day: "2024-01-01", gross_sales_minor: 1750, refunds_minor: 0, purchases: 3, refunds: 0, customers: 2 },
      { day: "2024-01-02", gross_sales_minor: 700, refunds_minor: 100, purchases: 1, refunds: 1, customers: 1 },
    ]);
    const [distinct] = await queryRows<{ n: number }>(
      database.db,
      sql`select sum(bit_count(u))::int as n from (select bit_or(bits) as u from merchant_day_customer_bitmaps where merchant_id = ${m.id} group by chunk) s`,
    );
    expect(distinct.n).toBe(3);
    const mcs = await queryRows(
      database.db,
      sql`select ordinal, first_purchase_day, purchases, gross_sales_minor, refunds_minor, gender from merchant_customers where merchant_id = ${m.id} order by ordinal`,
    );
    expect(mcs).toEqual([
      { ordinal: 0, first_purchase_day: "2024-01-01", purchases: 2, gross_sales_minor: 1500, refunds_minor: 0, gender: "female" },
      { ordinal: 1, first_purchase_day: "2024-01-01", purchases: 1, gross_sales_minor: 250, refunds_minor: 100, gender: "male" },
      { ordinal: 2, first_purchase_day: "2024-01-02", purchases: 1, gross_sales_minor: 700, refunds_minor: 0, gender: "male" },
    ]);
    // A second refresh of the same days changes nothing (idempotent).
    await database.db.transaction((t) => refreshRollups(t, m.id, ["2024-01-02"]));
    const again = await queryRows(database.db, sql`select count(*)::int as n from merchant_customers where merchant_id = ${m.id}`);
    expect(again).toEqual([{ n: 3 }]);
  });
});
