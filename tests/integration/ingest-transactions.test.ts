import { afterAll, beforeAll, describe, expect, it } from "vitest";
import zlib from "node:zlib";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { ensureMerchant, ingestFile } from "@/lib/ingest";
import { openTestDatabase, uniqueSlug } from "../helpers/db";
import { csv, tableCounts, tempDir } from "./ingest-fixtures";

const HEADER = "transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind";

let database: Database;
const tmp = tempDir("ingest-tx");
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
  tmp.cleanup();
});

/** A fresh merchant (Moscow, RUB) with two bank ids `<slug>-t1`, `<slug>-t2`. */
async function seedMerchant(overrides: { currency?: string; timeZone?: string } = {}) {
  const slug = uniqueSlug("ing");
  const m = await ensureMerchant(database, {
    slug,
    name: "Ingest Test",
    mcc: "5812",
    timeZone: overrides.timeZone ?? "Europe/Moscow",
    currency: overrides.currency ?? "RUB",
    country: "RU",
    city: "Moscow",
    bankMerchantIds: [`${slug}-t1`, `${slug}-t2`],
  });
  return { ...m, t1: `${slug}-t1`, t2: `${slug}-t2`, p: slug };
}

function validFile(m: { p: string; t1: string; t2: string }): string {
  return csv(HEADER, [
    `${m.p}-1,${m.t1},${m.p}-c1,125000,RUB,2024-03-01T14:05:00+03:00,offline,purchase`,
    // 21:30 UTC is 00:30 the next day in Moscow: the local day is 2024-03-02.
    `${m.p}-2,${m.t2},${m.p}-c2,349900,RUB,2024-03-01T21:30:00Z,online,purchase`,
    `${m.p}-3,${m.t1},${m.p}-c1,25000,RUB,2024-03-02 09:00:00+0300,offline,refund`,
    `${m.p}-4,${m.t1},"${m.p}-c,3",1000,RUB,2024-03-01T23:59:59+03:00,offline,purchase`,
  ]);
}

async function transactionsOf(merchantId: number) {
  return queryRows(
    database.db,
    sql`select t.bank_transaction_id, c.bank_customer_id, t.amount_minor, t.currency, t.local_date, t.local_hour,
               t.channel, t.kind, to_char(t.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as utc
        from transactions t join customers c on c.id = t.customer_id
        where t.merchant_id = ${merchantId} order by t.bank_transaction_id`,
  );
}

async function dailyOf(merchantId: number) {
  return queryRows<{ day: string; gross_sales_minor: number }>(
    database.db,
    sql`select day, gross_sales_minor, refunds_minor, purchases, refunds, customers
        from merchant_daily where merchant_id = ${merchantId} order by day`,
  );
}

describe("ingest: canonical transactions", () => {
  it("loads a valid file: exact transactions, local days in the merchant's zone, rollups, batch", async () => {
    const m = await seedMerchant();
    const text = validFile(m);
    const file = tmp.write(`${m.p}.csv`, text);
    const before = await tableCounts(database);
    const report = await ingestFile(database, { format: "transactions", file });

    expect(report).toMatchObject({
      ok: true,
      format: "transactions",
      file,
      rowsRead: 4,
      rowsInserted: 4,
      rowsAlreadyPresent: 0,
      dropped: {},
      errorCount: 0,
      errors: [],
      merchants: [m.slug],
    });
    expect(await transactionsOf(m.id)).toEqual([
      { bank_transaction_id: `${m.p}-1`, bank_customer_id: `${m.p}-c1`, amount_minor: 125000, currency: "RUB", local_date: "2024-03-01", local_hour: 14, channel: "offline", kind: "purchase", utc: "2024-03-01T11:05:00" },
      { bank_transaction_id: `${m.p}-2`, bank_customer_id: `${m.p}-c2`, amount_minor: 349900, currency: "RUB", local_date: "2024-03-02", local_hour: 0, channel: "online", kind: "purchase", utc: "2024-03-01T21:30:00" },
      { bank_transaction_id: `${m.p}-3`, bank_customer_id: `${m.p}-c1`, amount_minor: -25000, currency: "RUB", local_date: "2024-03-02", local_hour: 9, channel: "offline", kind: "refund", utc: "2024-03-02T06:00:00" },
      { bank_transaction_id: `${m.p}-4`, bank_customer_id: `${m.p}-c,3`, amount_minor: 1000, currency: "RUB", local_date: "2024-03-01", local_hour: 23, channel: "offline", kind: "purchase", utc: "2024-03-01T20:59:59" },
    ]);
    expect(await dailyOf(m.id)).toEqual([
      { day: "2024-03-01", gross_sales_minor: 126000, refunds_minor: 0, purchases: 2, refunds: 0, customers: 2 },
      { day: "2024-03-02", gross_sales_minor: 349900, refunds_minor: 25000, purchases: 1, refunds: 1, customers: 1 },
    ]);
    const mcs = await queryRows(
      database.db,
      sql`select c.bank_customer_id, mc.ordinal, mc.purchases, mc.gross_sales_minor, mc.refunds_minor
          from merchant_customers mc join customers c on c.id = mc.customer_id
          where mc.merchant_id = ${m.id} order by mc.ordinal`,
    );
    expect(mcs).toEqual([
      { bank_customer_id: `${m.p}-c1`, ordinal: 0, purchases: 1, gross_sales_minor: 125000, refunds_minor: 25000 },
      { bank_customer_id: `${m.p}-c2`, ordinal: 1, purchases: 1, gross_sales_minor: 349900, refunds_minor: 0 },
      { bank_customer_id: `${m.p}-c,3`, ordinal: 2, purchases: 1, gross_sales_minor: 1000, refunds_minor: 0 },
    ]);
    const [batch] = await queryRows<Record<string, unknown>>(
      database.db,
      sql`select format, file_name, file_sha256, rows_read, rows_inserted, rows_dropped, finished_at is not null as finished
          from ingest_batches where id = ${report.batchId}`,
    );
    expect(batch).toEqual({
      format: "transactions",
      file_name: file,
      file_sha256: createHash("sha256").update(text).digest("hex"),
      rows_read: 4,
      rows_inserted: 4,
      rows_dropped: 0,
      finished: true,
    });
    const after = await tableCounts(database);
    expect({
      transactions: after.transactions - before.transactions,
      customers: after.customers - before.customers,
      merchant_daily: after.merchant_daily - before.merchant_daily,
      ingest_batches: after.ingest_batches - before.ingest_batches,
      staging_transactions: after.staging_transactions,
    }).toEqual({ transactions: 4, customers: 3, merchant_daily: 2, ingest_batches: 1, staging_transactions: 0 });
  });

  it("re-loading the same file (plain or gzip) inserts nothing and refreshes nothing", async () => {
    const m = await seedMerchant();
    const text = validFile(m);
    const file = tmp.write(`${m.p}.csv`, text);
    expect((await ingestFile(database, { format: "transactions", file })).rowsInserted).toBe(4);
    const dailyBefore = await dailyOf(m.id);
    const before = await tableCounts(database);

    const again = await ingestFile(database, { format: "transactions", file });
    expect(again).toMatchObject({ ok: true, rowsRead: 4, rowsInserted: 0, rowsAlreadyPresent: 4, errorCount: 0 });
    const gz = await ingestFile(database, {
      format: "transactions",
      file: tmp.write(`${m.p}.csv.gz`, zlib.gzipSync(text)),
    });
    expect(gz).toMatchObject({ ok: true, rowsRead: 4, rowsInserted: 0, rowsAlreadyPresent: 4, errorCount: 0 });

    const after = await tableCounts(database);
    // Only the two batches are new: each load is recorded, even one that adds nothing.
    expect(after).toEqual({ ...before, ingest_batches: before.ingest_batches + 2 });
    expect(await dailyOf(m.id)).toEqual(dailyBefore);
  });

  it("a gzip file is read the same as its plain text (by magic bytes, whatever the name)", async () => {
    const m = await seedMerchant();
    const file = tmp.write(`${m.p}-compressed.dat`, zlib.gzipSync(validFile(m)));
    const report = await ingestFile(database, { format: "transactions", file });
    expect(report).toMatchObject({ ok: true, rowsRead: 4, rowsInserted: 4 });
    expect((await dailyOf(m.id)).map((d) => d.gross_sales_minor)).toEqual([126000, 349900]);
  });

  /** Loads a file expected to be refused; checks that no table changed and returns the report. */
  async function refused(name: string, content: string | Buffer) {
    const before = await tableCounts(database);
    const report = await ingestFile(database, { format: "transactions", file: tmp.write(name, content) });
    expect(report.ok).toBe(false);
    expect(report.batchId).toBeNull();
    expect(report.rowsInserted).toBe(0);
    expect(await tableCounts(database)).toEqual(before);
    return report;
  }

  it("refuses a file with wrong header columns, reading nothing else", async () => {
    const m = await seedMerchant();
    const bad = validFile(m).replace(HEADER, "transaction_id,merchant,customer_id,amount,currency,occurred_at,channel,kind");
    const report = await refused(`${m.p}-header.csv`, bad);
    expect(report.errors).toEqual([
      {
        line: 1,
        column: null,
        reason: `expected the header "${HEADER}", found "transaction_id,merchant,customer_id,amount,currency,occurred_at,channel,kind"`,
      },
    ]);
    expect(report.errorCount).toBe(1);
    expect(report.rowsRead).toBe(0);
  });

  it("refuses bad dates with their line numbers (counting a quoted line break) and stages nothing", async () => {
    const m = await seedMerchant();
    const report = await refused(
      `${m.p}-dates.csv`,
      csv(HEADER, [
        `${m.p}-1,${m.t1},"${m.p}-c1",100,RUB,2024-03-01T10:00:00Z,offline,purchase`,
        `${m.p}-2,${m.t1},${m.p}-c1,100,RUB,2024-02-30T10:00:00Z,offline,purchase`,
        `${m.p}-3,${m.t1},"${m.p}\nc2",100,RUB,2024-03-01T10:00:00Z,offline,purchase`,
        `${m.p}-4,${m.t1},${m.p}-c1,100,RUB,2024-03-01T10:00:00,offline,purchase`,
        `${m.p}-5,${m.t1},${m.p}-c1,100,RUB,01.03.2024 10:00,offline,purchase`,
      ]),
    );
    const iso = "must be an ISO 8601 timestamp with an offset, e.g. 2024-03-01T14:05:00+03:00 or 2024-03-01T11:05:00Z";
    expect(report.errors).toEqual([
      { line: 3, column: "occurred_at", reason: '"2024-02-30T10:00:00Z": 2024-02-30 is not a calendar day' },
      { line: 4, column: "customer_id", reason: "must be 1–128 printable ASCII characters without leading or trailing spaces" },
      { line: 6, column: "occurred_at", reason: `"2024-03-01T10:00:00": ${iso}` },
      { line: 7, column: "occurred_at", reason: `"01.03.2024 10:00": ${iso}` },
    ]);
    expect(report.rowsRead).toBe(5);
  });

  it("refuses bad amounts, channels, kinds and field counts", async () => {
    const m = await seedMerchant();
    const report = await refused(
      `${m.p}-amounts.csv`,
      csv(HEADER, [
        `${m.p}-1,${m.t1},${m.p}-c1,12.50,RUB,2024-03-01T10:00:00Z,offline,purchase`,
        `${m.p}-2,${m.t1},${m.p}-c1,0,RUB,2024-03-01T10:00:00Z,offline,purchase`,
        `${m.p}-3,${m.t1},${m.p}-c1,-100,RUB,2024-03-01T10:00:00Z,offline,refund`,
        `${m.p}-4,${m.t1},${m.p}-c1,100,RUB,2024-03-01T10:00:00Z,atm,sale`,
        `${m.p}-5,${m.t1},${m.p}-c1,100,RUB,2024-03-01T10:00:00Z,offline`,
        `${m.p}-6,${m.t1},${m.p}-c1,100,RUB,2024-03-01T10:00:00Z,offline,purchase`,
      ]),
    );
    expect(report.errors).toEqual([
      { line: 2, column: "amount_minor", reason: '"12.50" is not a positive integer of minor units (at most 15 digits)' },
      { line: 3, column: "amount_minor", reason: '"0" is not a positive integer of minor units (at most 15 digits)' },
      { line: 4, column: "amount_minor", reason: '"-100" is not a positive integer of minor units (at most 15 digits)' },
      { line: 5, column: "channel", reason: '"atm" is not one of online, offline' },
      { line: 5, column: "kind", reason: '"sale" is not one of purchase, refund' },
      { line: 6, column: null, reason: "expected 8 fields, found 7" },
    ]);
  });

  it("refuses duplicate ids within the file, unknown merchants and currency mismatches", async () => {
    const m = await seedMerchant();
    const report = await refused(
      `${m.p}-dups.csv`,
      csv(HEADER, [
        `${m.p}-1,${m.t1},${m.p}-c1,100,RUB,2024-03-01T10:00:00Z,offline,purchase`,
        `${m.p}-2,${m.t2},${m.p}-c1,100,RUB,2024-03-01T10:00:00Z,offline,purchase`,
        `${m.p}-1,${m.t1},${m.p}-c1,100,RUB,2024-03-01T10:00:00Z,offline,purchase`,
        `${m.p}-3,${m.p}-t9,${m.p}-c1,100,RUB,2024-03-01T10:00:00Z,offline,purchase`,
        `${m.p}-4,${m.t1},${m.p}-c1,100,EUR,2024-03-01T10:00:00Z,offline,purchase`,
      ]),
    );
    expect(report.errors).toEqual([
      { line: 4, column: "transaction_id", reason: "duplicate of line 2" },
      { line: 5, column: "merchant_id", reason: `unknown merchant id "${m.p}-t9" (not in merchant_bank_ids)` },
      { line: 6, column: "currency", reason: '"EUR" differs from the merchant\'s currency RUB' },
    ]);
  });

  it("refuses a truncated gzip, naming the line where it breaks off", async () => {
    const m = await seedMerchant();
    const rows = Array.from(
      { length: 30_000 },
      (_, i) => `${m.p}-${i},${m.t1},${m.p}-c${i % 97},${100 + (i % 1000)},RUB,2024-03-01T10:${String(i % 60).padStart(2, "0")}:00Z,online,purchase`,
    );
    const gz = zlib.gzipSync(csv(HEADER, rows), { level: 1 });
    const cut = gz.subarray(0, Math.floor(gz.length * 0.75));
    const decoded = zlib.gunzipSync(cut, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8");
    const breakLine = decoded.split("\n").length;
    expect(breakLine).toBeGreaterThan(20_000 + 1); // past the first COPY chunk: staged rows must go too

    const report = await refused(`${m.p}-cut.csv.gz`, cut);
    expect(report.errors).toEqual([
      { line: breakLine, column: null, reason: "file is truncated or corrupt: unexpected end of file" },
    ]);
    expect(report.errorCount).toBe(1);
  });

  it("refuses a .gz that is not gzip at all", async () => {
    const m = await seedMerchant();
    const report = await refused(`${m.p}-fake.csv.gz`, validFile(m));
    expect(report.errors).toEqual([{ line: 1, column: null, reason: "file is truncated or corrupt: incorrect header check" }]);
  });

  it("lists the first 100 errors and counts them all", async () => {
    const m = await seedMerchant();
    const rows = Array.from({ length: 150 }, (_, i) => `${m.p}-${i},${m.t1},${m.p}-c1,x${i},RUB,2024-03-01T10:00:00Z,online,purchase`);
    const report = await refused(`${m.p}-many.csv`, csv(HEADER, rows));
    expect(report.errorCount).toBe(150);
    expect(report.errors).toHaveLength(100);
    expect(report.errors[99]).toEqual({
      line: 101,
      column: "amount_minor",
      reason: '"x99" is not a positive integer of minor units (at most 15 digits)',
    });
  });

  it("refuses an id already loaded with different values, changing nothing", async () => {
    const m = await seedMerchant();
    const first = tmp.write(`${m.p}-v1.csv`, validFile(m));
    expect((await ingestFile(database, { format: "transactions", file: first })).rowsInserted).toBe(4);
    const changed = validFile(m)
      .replace(`${m.p}-3,${m.t1},${m.p}-c1,25000,`, `${m.p}-3,${m.t1},${m.p}-c1,26000,`)
      .replace("2024-03-01T21:30:00Z", "2024-03-01T21:31:00Z")
      .concat(`${m.p}-5,${m.t1},${m.p}-c1,500,RUB,2024-03-03T10:00:00Z,offline,purchase\n`);
    const report = await refused(`${m.p}-v2.csv`, changed);
    const [{ id: batch }] = await queryRows<{ id: number }>(
      database.db,
      sql`select ingest_batch_id as id from transactions where bank_transaction_id = ${`${m.p}-3`}`,
    );
    expect(report.errors).toEqual([
      { line: 3, column: "occurred_at", reason: `transaction "${m.p}-2" was already loaded by batch ${batch} with a different time` },
      { line: 4, column: "amount_minor", reason: `transaction "${m.p}-3" was already loaded by batch ${batch} with a different amount` },
    ]);
  });

  it("checks a merchant's zone at the day boundary (America/New_York, DST start)", async () => {
    const m = await seedMerchant({ currency: "USD", timeZone: "America/New_York" });
    const file = tmp.write(
      `${m.p}-ny.csv`,
      csv(HEADER, [
        // 2024-03-10 is the spring-forward day in New York: 06:59Z = 01:59 EST, 07:00Z = 03:00 EDT.
        `${m.p}-1,${m.t1},${m.p}-c1,100,USD,2024-03-10T06:59:00Z,online,purchase`,
        `${m.p}-2,${m.t1},${m.p}-c1,200,USD,2024-03-10T07:00:00Z,online,purchase`,
        `${m.p}-3,${m.t1},${m.p}-c1,300,USD,2024-03-11T03:59:59Z,online,purchase`,
        `${m.p}-4,${m.t1},${m.p}-c1,400,USD,2024-03-11T04:00:00Z,online,purchase`,
      ]),
    );
    expect((await ingestFile(database, { format: "transactions", file })).ok).toBe(true);
    const rows = await queryRows(
      database.db,
      sql`select amount_minor, local_date, local_hour from transactions where merchant_id = ${m.id} order by amount_minor`,
    );
    expect(rows).toEqual([
      { amount_minor: 100, local_date: "2024-03-10", local_hour: 1 },
      { amount_minor: 200, local_date: "2024-03-10", local_hour: 3 },
      { amount_minor: 300, local_date: "2024-03-10", local_hour: 23 },
      { amount_minor: 400, local_date: "2024-03-11", local_hour: 0 },
    ]);
  });

  it("reports progress while reading and once before the merge", async () => {
    const m = await seedMerchant();
    const rows = Array.from({ length: 3000 }, (_, i) => `${m.p}-${i},${m.t1},${m.p}-c1,100,RUB,2024-03-01T10:00:00Z,online,purchase`);
    const seen: Array<{ rows: number; phase: string }> = [];
    const report = await ingestFile(database, {
      format: "transactions",
      file: tmp.write(`${m.p}-progress.csv`, csv(HEADER, rows)),
      onProgress: (p) => seen.push({ rows: p.rows, phase: p.phase }),
    });
    expect(report.rowsInserted).toBe(3000);
    expect(seen.at(-1)).toEqual({ rows: 3000, phase: "merge" });
    expect(seen.filter((s) => s.phase === "read").every((s) => s.rows % 1024 === 0 && s.rows < 3000)).toBe(true);
  });

  // Issue 14 item 7: a header-only file used to be accepted as an empty load (exit 0, an empty
  // batch recorded); it is refused now, like an empty file, and nothing is written.
  it("refuses a header-only file and an empty file, each with one clear error", async () => {
    const m = await seedMerchant();
    const headerOnly = await refused(`${m.p}-header-only.csv`, `${HEADER}\r\n`);
    expect(headerOnly.errors).toEqual([{ line: 1, column: null, reason: "the file has the header but no data rows" }]);
    expect(headerOnly.rowsRead).toBe(0);
    const report = await refused(`${m.p}-empty.csv`, "");
    expect(report.errors).toEqual([{ line: 1, column: null, reason: `the file is empty: expected the header "${HEADER}"` }]);
  });

  // Issue 14 item 7: 20 rows of the old largest amount (15 digits) on one day overflowed the
  // overview's exact arithmetic; 10,000 overflowed bigint in the merge with a raw SQL error.
  it("bounds amounts and sums: the largest row amount is accepted, one more is refused with its line", async () => {
    const m = await seedMerchant();
    const row = (i: number, amount: string, at = "2024-03-01T10:00:00Z") => `${m.p}-b${i},${m.t1},${m.p}-c${i % 3},${amount},RUB,${at},offline,purchase`;
    const max = "1000000000000";
    const ok = await ingestFile(database, { format: "transactions", file: tmp.write(`${m.p}-max.csv`, csv(HEADER, Array.from({ length: 20 }, (_, i) => row(i, max)))) });
    expect(ok).toMatchObject({ ok: true, rowsInserted: 20 });
    expect((await dailyOf(m.id))[0]).toMatchObject({ day: "2024-03-01", gross_sales_minor: 20_000_000_000_000 });
    const over = await refused(`${m.p}-over.csv`, csv(HEADER, [row(100, "1000000000001"), row(101, "999999999999999")]));
    expect(over.errors).toEqual([
      { line: 2, column: "amount_minor", reason: "amount 1000000000001 minor units is over the largest allowed, 1000000000000" },
      { line: 3, column: "amount_minor", reason: "amount 999999999999999 minor units is over the largest allowed, 1000000000000" },
    ]);
  });

  it("refuses the row at which a merchant's total (history + file) would pass 10^15 minor units", async () => {
    const m = await seedMerchant();
    const row = (i: number) => `${m.p}-s${i},${m.t2},${m.p}-c${i % 7},1000000000000,RUB,2024-03-0${1 + (i % 9)}T10:00:00Z,online,purchase`;
    // 20 rows (2 × 10^13) already stored; then a file of 990 rows: the 980th brings the total to 10^15 exactly
    // (allowed), the 981st (file line 982) passes it.
    expect((await ingestFile(database, { format: "transactions", file: tmp.write(`${m.p}-hist.csv`, csv(HEADER, Array.from({ length: 20 }, (_, i) => row(i)))) })).ok).toBe(true);
    const report = await refused(`${m.p}-sum.csv`, csv(HEADER, Array.from({ length: 990 }, (_, i) => row(1000 + i))));
    expect(report.errors).toEqual([
      { line: 982, column: "amount_minor", reason: "the merchant's amounts add up to more than 1000000000000000 minor units at this line (history included)" },
    ]);
  });

  it("refuses purchases dated more than one day in the future, with their lines; tomorrow is accepted", async () => {
    const m = await seedMerchant();
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const line = (i: number, date: string) => `${m.p}-f${i},${m.t1},${m.p}-c1,1000,RUB,${date}T00:00:00Z,offline,purchase`;
    const report = await refused(`${m.p}-future.csv`, csv(HEADER, [line(1, day(0)), line(2, "2199-01-01"), line(3, day(3))]));
    expect(report.errors).toEqual([
      { line: 3, column: "occurred_at", reason: "2199-01-01 is in the future (more than 1 day after today)" },
      { line: 4, column: "occurred_at", reason: `${day(3)} is in the future (more than 1 day after today)` },
    ]);
    expect((await ingestFile(database, { format: "transactions", file: tmp.write(`${m.p}-tomorrow.csv`, csv(HEADER, [line(5, day(1))])) })).ok).toBe(true);
  });

  it("throws for a missing file without touching the database", async () => {
    const before = await tableCounts(database);
    await expect(ingestFile(database, { format: "transactions", file: `${tmp.dir}/missing.csv` })).rejects.toThrow(
      `ingest: cannot read ${tmp.dir}/missing.csv: ENOENT`,
    );
    expect(await tableCounts(database)).toEqual(before);
    expect(fs.existsSync(`${tmp.dir}/missing.csv`)).toBe(false);
  });
});
