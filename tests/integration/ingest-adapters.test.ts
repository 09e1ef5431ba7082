import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import zlib from "node:zlib";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { ensureMerchant, ingestFile } from "@/lib/ingest";
import { openTestDatabase } from "../helpers/db";
import { csv, tableCounts, tempDir } from "./ingest-fixtures";

/*
 * The adapters' merchants have fixed slugs (online-retail, cdnow) and CDNOW's ids are file line
 * numbers, so every test here gets a fresh database of its own.
 */
let database: Database;
const tmp = tempDir("ingest-adapters");
beforeEach(async () => {
  database = await openTestDatabase();
});
afterEach(async () => {
  await database.close();
});
afterAll(() => tmp.cleanup());

const OR_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const CDNOW_HEADER = "customer_id,date,number_of_cds,dollar_value";

async function transactions(slug: string) {
  return queryRows(
    database.db,
    sql`select t.bank_transaction_id as id, c.bank_customer_id as customer, t.amount_minor as amount, t.kind,
               t.local_date as day, t.local_hour as hour, t.channel, t.currency,
               to_char(t.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as utc
        from transactions t join customers c on c.id = t.customer_id join merchants m on m.id = t.merchant_id
        where m.slug = ${slug} order by t.bank_transaction_id`,
  );
}

async function daily(slug: string) {
  return queryRows(
    database.db,
    sql`select d.day, d.gross_sales_minor as gross, d.refunds_minor as refunds, d.purchases, d.refunds as refund_count,
               d.customers
        from merchant_daily d join merchants m on m.id = d.merchant_id where m.slug = ${slug} order by d.day`,
  );
}

async function merchant(slug: string) {
  return queryRows(
    database.db,
    sql`select slug, name, mcc, city, region, country, time_zone, currency from merchants where slug = ${slug}`,
  );
}

describe("ingest: Online Retail adapter", () => {
  const rows = [
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
    '536365,71053,"LANTERN, WHITE METAL",6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom',
    "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom",
    "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2011-06-01 23:34:00,1.69,13047.0,United Kingdom",
    "536414,22139,,56,2010-12-01 11:52:00,0,,United Kingdom",
    'C536379,D,"7"" Discount",-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom',
    "536368,22960,JAM MAKING SET,1,2010-12-01 08:34:00,0.0005,13047.0,United Kingdom",
    // Same invoice as lines 2-3, not adjacent, and earlier: the invoice's time is this one.
    "536365,22752,SET 7 BABUSHKA NESTING BOXES,2,2010-11-30 23:59:00,7.65,17850.0,United Kingdom",
    "536369,21756,BATH BUILDING BLOCK WORD,3,2010-12-01 08:35:00,5.95,13047.0,United Kingdom",
    "536369,21756,BATH BUILDING BLOCK WORD,-3,2010-12-01 08:35:00,5.95,13047.0,United Kingdom",
    // 3 × 0.335 = 1.005 GBP and -1 × 1.005: half a penny, rounded away from zero.
    "536370,22961,JAM JAR,3,2010-12-01 10:00:00,0.335,13047.0,France",
    "C536371,22961,JAM JAR,-1,2010-12-01 10:05:00,1.005,13047.0,France",
  ];

  it("loads invoices as transactions with exact pence, refunds, drops and London time; re-load adds nothing", async () => {
    const file = tmp.write("or.csv.gz", zlib.gzipSync(csv(OR_HEADER, rows)));
    const report = await ingestFile(database, { format: "online-retail", file });
    expect(report).toMatchObject({
      ok: true,
      rowsRead: 12,
      rowsInserted: 6,
      rowsAlreadyPresent: 0,
      dropped: { "missing CustomerID": 1, "non-positive invoice total": 2 },
      errorCount: 0,
      merchants: ["online-retail"],
    });
    expect(await merchant("online-retail")).toEqual([
      { slug: "online-retail", name: "Online Retail", mcc: "5947", city: "London", region: "London", country: "GB", time_zone: "Europe/London", currency: "GBP" },
    ]);
    const common = { channel: "online", currency: "GBP" };
    expect(await transactions("online-retail")).toEqual([
      { id: "online-retail:536365", customer: "online-retail:17850", amount: 5094, kind: "purchase", day: "2010-11-30", hour: 23, utc: "2010-11-30T23:59", ...common },
      { id: "online-retail:536366", customer: "online-retail:17850", amount: 1110, kind: "purchase", day: "2010-12-01", hour: 8, utc: "2010-12-01T08:28", ...common },
      // British Summer Time: 23:34 in London is 22:34 UTC.
      { id: "online-retail:536367", customer: "online-retail:13047", amount: 5408, kind: "purchase", day: "2011-06-01", hour: 23, utc: "2011-06-01T22:34", ...common },
      { id: "online-retail:536370", customer: "online-retail:13047", amount: 101, kind: "purchase", day: "2010-12-01", hour: 10, utc: "2010-12-01T10:00", ...common },
      { id: "online-retail:C536371", customer: "online-retail:13047", amount: -101, kind: "refund", day: "2010-12-01", hour: 10, utc: "2010-12-01T10:05", ...common },
      { id: "online-retail:C536379", customer: "online-retail:14527", amount: -2750, kind: "refund", day: "2010-12-01", hour: 9, utc: "2010-12-01T09:41", ...common },
    ]);
    expect(await daily("online-retail")).toEqual([
      { day: "2010-11-30", gross: 5094, refunds: 0, purchases: 1, refund_count: 0, customers: 1 },
      { day: "2010-12-01", gross: 1211, refunds: 2851, purchases: 2, refund_count: 2, customers: 2 },
      { day: "2011-06-01", gross: 5408, refunds: 0, purchases: 1, refund_count: 0, customers: 1 },
    ]);

    const before = await tableCounts(database);
    const again = await ingestFile(database, { format: "online-retail", file });
    expect(again).toMatchObject({ ok: true, rowsInserted: 0, rowsAlreadyPresent: 6 });
    expect(await tableCounts(database)).toEqual({ ...before, ingest_batches: before.ingest_batches + 1 });
  });

  it("refuses a bad file without creating the merchant", async () => {
    const before = await tableCounts(database);
    const bad = [
      ...rows.slice(0, 3),
      "536372,22961,JAM JAR,six,2010-12-01 10:00:00,0.335,13047.0,France",
      "536373,22961,JAM JAR,1,2010-12-01 24:00:00,0.33,13047.0,France",
      // Line 7: invoice 536365 (line 2: customer 17850) with another customer.
      "536365,22961,JAM JAR,1,2010-12-01 10:00:00,0.33,13048.0,France",
      "536374,22961,JAM JAR,1,2010-12-01 10:00:00,0.33333,13047.0,France",
    ];
    const report = await ingestFile(database, { format: "online-retail", file: tmp.write("or-bad.csv", csv(OR_HEADER, bad)) });
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      { line: 5, column: "Quantity", reason: '"six" is not an integer' },
      { line: 6, column: "InvoiceDate", reason: '"2010-12-01 24:00:00" is not a date-time YYYY-MM-DD HH:MM[:SS]' },
      { line: 7, column: "CustomerID", reason: "invoice 536365 belongs to customer 17850 (line 2)" },
      { line: 8, column: "UnitPrice", reason: '"0.33333" is not a decimal with at most 4 decimal places' },
    ]);
    expect(await tableCounts(database)).toEqual(before);
    expect(await merchant("online-retail")).toEqual([]);
  });
});

describe("ingest: CDNOW adapter", () => {
  const rows = ["1,19970101,1,11.77", "2,19970112,1,12.00", "2,19970112,5,77.00", "3,19970102,2,0.00", "00004,19980630,1,1.13"];

  it("loads one purchase per row at New York midnight, drops $0.00, and re-loads nothing", async () => {
    const file = tmp.write("cdnow.csv", csv(CDNOW_HEADER, rows));
    const report = await ingestFile(database, { format: "cdnow", file });
    expect(report).toMatchObject({
      ok: true,
      rowsRead: 5,
      rowsInserted: 4,
      rowsAlreadyPresent: 0,
      dropped: { "zero amount": 1 },
      merchants: ["cdnow"],
    });
    expect(await merchant("cdnow")).toEqual([
      { slug: "cdnow", name: "CDNOW", mcc: "5735", city: "New York", region: "New York", country: "US", time_zone: "America/New_York", currency: "USD" },
    ]);
    const common = { kind: "purchase", hour: 0, channel: "online", currency: "USD" };
    expect(await transactions("cdnow")).toEqual([
      { id: "cdnow:2", customer: "cdnow:1", amount: 1177, day: "1997-01-01", utc: "1997-01-01T05:00", ...common },
      { id: "cdnow:3", customer: "cdnow:2", amount: 1200, day: "1997-01-12", utc: "1997-01-12T05:00", ...common },
      { id: "cdnow:4", customer: "cdnow:2", amount: 7700, day: "1997-01-12", utc: "1997-01-12T05:00", ...common },
      // Daylight saving time: midnight in New York is 04:00 UTC.
      { id: "cdnow:6", customer: "cdnow:4", amount: 113, day: "1998-06-30", utc: "1998-06-30T04:00", ...common },
    ]);
    expect(await daily("cdnow")).toEqual([
      { day: "1997-01-01", gross: 1177, refunds: 0, purchases: 1, refund_count: 0, customers: 1 },
      { day: "1997-01-12", gross: 8900, refunds: 0, purchases: 2, refund_count: 0, customers: 1 },
      { day: "1998-06-30", gross: 113, refunds: 0, purchases: 1, refund_count: 0, customers: 1 },
    ]);
    const again = await ingestFile(database, { format: "cdnow", file });
    expect(again).toMatchObject({ ok: true, rowsInserted: 0, rowsAlreadyPresent: 4, dropped: { "zero amount": 1 } });
  });

  it("refuses bad rows without creating the merchant", async () => {
    const before = await tableCounts(database);
    const report = await ingestFile(database, {
      format: "cdnow",
      file: tmp.write("cdnow-bad.csv", csv(CDNOW_HEADER, [...rows, "5,19970229,1,3.00", "6,19970301,1,-3.00", "7,19970301,1"])),
    });
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      { line: 7, column: "date", reason: '"19970229" is not a calendar day YYYYMMDD' },
      { line: 8, column: "dollar_value", reason: '"-3.00" is not a non-negative dollar amount with at most 2 decimals' },
      { line: 9, column: null, reason: "expected 4 fields, found 3" },
    ]);
    expect(await tableCounts(database)).toEqual(before);
    expect(await merchant("cdnow")).toEqual([]);
  });

  it("throws, changing nothing, when a merchant cdnow exists with another currency", async () => {
    await ensureMerchant(database, {
      slug: "cdnow",
      name: "Not CDNOW",
      mcc: "5735",
      timeZone: "America/New_York",
      currency: "EUR",
      country: "US",
    });
    const before = await tableCounts(database);
    await expect(
      ingestFile(database, { format: "cdnow", file: tmp.write("cdnow-eur.csv", csv(CDNOW_HEADER, rows)) }),
    ).rejects.toThrow(
      "ensureMerchant(cdnow): the merchant exists with currency EUR and time zone America/New_York, not USD and America/New_York",
    );
    expect(await tableCounts(database)).toEqual(before);
  });
});
