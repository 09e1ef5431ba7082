import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { ensureMerchant, ingestFile } from "@/lib/ingest";
import { openTestDatabase, uniqueSlug } from "../helpers/db";
import { csv, tableCounts, tempDir } from "./ingest-fixtures";

const MERCHANTS = "bank_merchant_id,slug,name,mcc,city,region,country,time_zone,currency";
const CUSTOMERS = "customer_id,gender,birth_year,marital_status,is_payroll,is_corporate,is_premium,region";
const TRANSACTIONS = "transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind";

let database: Database;
const tmp = tempDir("ingest-cm");
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
  tmp.cleanup();
});

async function refused(format: "merchants" | "customers", name: string, content: string) {
  const before = await tableCounts(database);
  const report = await ingestFile(database, { format, file: tmp.write(name, content) });
  expect(report.ok).toBe(false);
  expect(report.batchId).toBeNull();
  expect(await tableCounts(database)).toEqual(before);
  return report;
}

async function merchantRows(slugs: string[]) {
  return queryRows(
    database.db,
    sql`select m.slug, m.name, m.mcc, m.city, m.region, m.country, m.time_zone, m.currency,
               (select string_agg(b.bank_merchant_id, '|' order by b.bank_merchant_id)
                from merchant_bank_ids b where b.merchant_id = m.id) as bank_ids
        from merchants m
        where m.slug in (select value from json_array_elements_text(${JSON.stringify(slugs)}::json))
        order by m.slug`,
  );
}

describe("ingest: merchants CSV", () => {
  it("creates merchants with several bank ids, is idempotent, and updates changed attributes", async () => {
    const a = uniqueSlug("cafe");
    const b = uniqueSlug("florist");
    const text = csv(MERCHANTS, [
      `${a}-T1,${a},Cafe Pushkin,5812,Moscow,Moscow,RU,Europe/Moscow,RUB`,
      `${a}-T2,${a},Cafe Pushkin,5812,Moscow,Moscow,RU,Europe/Moscow,RUB`,
      `${b}-T1,${b},"Ivy Flowers, Ltd",5992,London,,GB,Europe/London,GBP`,
    ]);
    const file = tmp.write(`${a}.csv`, text);
    const report = await ingestFile(database, { format: "merchants", file });
    expect(report).toMatchObject({
      ok: true,
      rowsRead: 3,
      rowsInserted: 3,
      rowsAlreadyPresent: 0,
      errorCount: 0,
      merchants: [a, b].sort(),
    });
    const expected = [
      { slug: a, name: "Cafe Pushkin", mcc: "5812", city: "Moscow", region: "Moscow", country: "RU", time_zone: "Europe/Moscow", currency: "RUB", bank_ids: `${a}-T1|${a}-T2` },
      { slug: b, name: "Ivy Flowers, Ltd", mcc: "5992", city: "London", region: null, country: "GB", time_zone: "Europe/London", currency: "GBP", bank_ids: `${b}-T1` },
    ].sort((x, y) => x.slug.localeCompare(y.slug));
    expect(await merchantRows([a, b])).toEqual(expected);

    const before = await tableCounts(database);
    const again = await ingestFile(database, { format: "merchants", file });
    expect(again).toMatchObject({ ok: true, rowsInserted: 0, rowsAlreadyPresent: 3 });
    expect(await tableCounts(database)).toEqual({ ...before, ingest_batches: before.ingest_batches + 1 });

    const renamed = await ingestFile(database, {
      format: "merchants",
      file: tmp.write(
        `${a}-2.csv`,
        csv(MERCHANTS, [
          `${a}-T1,${a},Cafe Pushkin Bar,5813,Moscow,Moscow,RU,Europe/Moscow,RUB`,
          `${a}-T3,${a},Cafe Pushkin Bar,5813,Moscow,Moscow,RU,Europe/Moscow,RUB`,
          `${b}-T1,${b},"Ivy Flowers, Ltd",5992,London,,GB,Europe/London,GBP`,
        ]),
      ),
    });
    // Line 2 changed the merchant, line 3 added a bank id, line 4 changed nothing.
    expect(renamed).toMatchObject({ ok: true, rowsInserted: 2, rowsAlreadyPresent: 1 });
    expect((await merchantRows([a]))[0]).toMatchObject({ name: "Cafe Pushkin Bar", mcc: "5813", bank_ids: `${a}-T1|${a}-T2|${a}-T3` });
  });

  it("refuses bad attributes, disagreeing rows, duplicate ids, moved ids and a changed currency", async () => {
    const a = uniqueSlug("shop");
    const b = uniqueSlug("shop");
    await ensureMerchant(database, {
      slug: a,
      name: "Shop A",
      mcc: "5411",
      timeZone: "Europe/Moscow",
      currency: "RUB",
      country: "RU",
      bankMerchantIds: [`${a}-T1`],
    });
    const bad = await refused(
      "merchants",
      `${b}-bad.csv`,
      csv(MERCHANTS, [
        `${b}-T1,${b},Shop B,9999,Kazan,,RU,Mars/Base,RUB`,
        `${b}-T2,${b},Shop B,5411,Kazan,,RU,Europe/Moscow,RUB`,
        `${b}-T3,${b},Shop B2,5411,Kazan,,RU,Europe/Moscow,RUB`,
        `${b}-T2,${b},Shop B,5411,Kazan,,RU,Europe/Moscow,RUB`,
        `${b}-T4,Bad_Slug,X,5411,,,RUS,Europe/Moscow,rub`,
      ]),
    );
    expect(bad.errors).toEqual([
      { line: 2, column: "mcc", reason: '"9999" is not an ISO 18245 merchant category code' },
      { line: 2, column: "time_zone", reason: '"Mars/Base" is not an IANA time zone' },
      { line: 4, column: "name", reason: `"Shop B2" differs from line 3 ("Shop B") for slug ${b}` },
      { line: 5, column: "bank_merchant_id", reason: "duplicate of line 3" },
      { line: 6, column: "slug", reason: '"Bad_Slug" must be 1–63 characters of a-z, 0-9 and "-", not starting with "-"' },
      { line: 6, column: "country", reason: '"RUS" is not an ISO 3166-1 alpha-2 country code' },
      { line: 6, column: "currency", reason: '"rub" is not an ISO 4217 currency code' },
    ]);

    // Valid rows, but against the database: A's currency cannot change, A's bank id cannot move to B.
    const conflicting = await refused(
      "merchants",
      `${b}-conflict.csv`,
      csv(MERCHANTS, [
        `${b}-T1,${b},Shop B,5411,Kazan,,RU,Europe/Moscow,RUB`,
        `${a}-T1,${b},Shop B,5411,Kazan,,RU,Europe/Moscow,RUB`,
        `${a}-T2,${a},Shop A,5411,,,RU,Europe/Moscow,EUR`,
      ]),
    );
    expect(conflicting.errors).toEqual([
      { line: 3, column: "bank_merchant_id", reason: `"${a}-T1" already belongs to merchant ${a}` },
      { line: 4, column: "currency", reason: `merchant ${a} already has currency RUB; it cannot change` },
    ]);
    expect(await merchantRows([b])).toEqual([]);
  });
});

describe("ingest: customers CSV", () => {
  async function seedShopWithCustomers() {
    const slug = uniqueSlug("cust");
    const m = await ensureMerchant(database, {
      slug,
      name: "Customer Test",
      mcc: "5411",
      timeZone: "UTC",
      currency: "EUR",
      country: "DE",
      bankMerchantIds: [`${slug}-T`],
    });
    const report = await ingestFile(database, {
      format: "transactions",
      file: tmp.write(
        `${slug}-tx.csv`,
        csv(TRANSACTIONS, [
          `${slug}-1,${slug}-T,${slug}-c1,1000,EUR,2024-05-01T10:00:00Z,offline,purchase`,
          `${slug}-2,${slug}-T,${slug}-c2,2000,EUR,2024-05-02T10:00:00Z,offline,purchase`,
        ]),
      ),
    });
    expect(report.rowsInserted).toBe(2);
    return { ...m, p: slug };
  }

  async function snapshots(merchantId: number) {
    return queryRows(
      database.db,
      sql`select c.bank_customer_id, mc.gender, mc.birth_year, mc.marital_status, mc.is_payroll, mc.is_corporate,
                 mc.is_premium, mc.region
          from merchant_customers mc join customers c on c.id = mc.customer_id
          where mc.merchant_id = ${merchantId} order by c.bank_customer_id`,
    );
  }

  it("upserts customers, refreshes the merchant_customers snapshot, and is idempotent", async () => {
    const m = await seedShopWithCustomers();
    expect(await snapshots(m.id)).toEqual([
      { bank_customer_id: `${m.p}-c1`, gender: null, birth_year: null, marital_status: null, is_payroll: null, is_corporate: null, is_premium: null, region: null },
      { bank_customer_id: `${m.p}-c2`, gender: null, birth_year: null, marital_status: null, is_payroll: null, is_corporate: null, is_premium: null, region: null },
    ]);
    const file = tmp.write(
      `${m.p}-customers.csv`,
      csv(CUSTOMERS, [
        `${m.p}-c1,female,1987,married,true,false,false,"Tver, oblast"`,
        `${m.p}-c2,,,,,,,`,
        `${m.p}-c3,male,1961,widowed,false,true,,Berlin`,
      ]),
    );
    const report = await ingestFile(database, { format: "customers", file });
    // c1 changed, c3 is new; c2 already had every attribute unknown.
    expect(report).toMatchObject({ ok: true, rowsRead: 3, rowsInserted: 2, rowsAlreadyPresent: 1, merchants: [m.slug] });
    expect(await snapshots(m.id)).toEqual([
      { bank_customer_id: `${m.p}-c1`, gender: "female", birth_year: 1987, marital_status: "married", is_payroll: true, is_corporate: false, is_premium: false, region: "Tver, oblast" },
      { bank_customer_id: `${m.p}-c2`, gender: null, birth_year: null, marital_status: null, is_payroll: null, is_corporate: null, is_premium: null, region: null },
    ]);
    const [c3] = await queryRows(
      database.db,
      sql`select gender, birth_year, marital_status, is_payroll, is_corporate, is_premium, region
          from customers where bank_customer_id = ${`${m.p}-c3`}`,
    );
    expect(c3).toEqual({ gender: "male", birth_year: 1961, marital_status: "widowed", is_payroll: false, is_corporate: true, is_premium: null, region: "Berlin" });

    const again = await ingestFile(database, { format: "customers", file });
    expect(again).toMatchObject({ ok: true, rowsInserted: 0, rowsAlreadyPresent: 3, merchants: [] });

    // An empty field is "unknown now", also over a value loaded before.
    const forget = await ingestFile(database, {
      format: "customers",
      file: tmp.write(`${m.p}-forget.csv`, csv(CUSTOMERS, [`${m.p}-c1,,1987,married,true,false,false,"Tver, oblast"`])),
    });
    expect(forget).toMatchObject({ ok: true, rowsInserted: 1, rowsAlreadyPresent: 0 });
    expect((await snapshots(m.id))[0]).toMatchObject({ gender: null, birth_year: 1987 });
  });

  it("refuses bad values and duplicates, changing nothing", async () => {
    const m = await seedShopWithCustomers();
    const report = await refused(
      "customers",
      `${m.p}-bad.csv`,
      csv(CUSTOMERS, [
        `${m.p}-c1,F,1850,engaged,yes,false,0,Tver`,
        `${m.p}-c2,male,19x0,single,true,true,true, Moscow`,
        `${m.p}-c1,female,1990,single,true,false,false,Tver`,
        `${m.p}-c4,female,1990,single,true,false,false`,
      ]),
    );
    const year = new Date().getUTCFullYear();
    expect(report.errors).toEqual([
      { line: 2, column: "gender", reason: '"F" is not one of female, male or empty' },
      { line: 2, column: "birth_year", reason: `"1850" is not a year between 1900 and ${year}` },
      { line: 2, column: "marital_status", reason: '"engaged" is not one of single, married, divorced, widowed or empty' },
      { line: 2, column: "is_payroll", reason: '"yes" is not true, false or empty' },
      { line: 2, column: "is_premium", reason: '"0" is not true, false or empty' },
      { line: 3, column: "birth_year", reason: `"19x0" is not a year between 1900 and ${year}` },
      { line: 3, column: "region", reason: "must be 1–200 characters without control characters or leading/trailing spaces" },
      { line: 4, column: "customer_id", reason: "duplicate of line 2" },
      { line: 5, column: null, reason: "expected 8 fields, found 7" },
    ]);
    expect(await snapshots(m.id)).toHaveLength(2);
  });
});
