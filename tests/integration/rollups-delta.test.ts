import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { ensureMerchant, ingestFile } from "@/lib/ingest";
import { refreshRollupsForDays } from "@/lib/rollups";
import { openTestDatabase, uniqueSlug } from "../helpers/db";
import { csv, tempDir } from "./ingest-fixtures";

/** merchant_month_amount_planes.side, as db/schema documents it. */
const SIDE_NAMES = ["gross", "refunds", "purchases"];
const HEADER = "transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind";

let database: Database;
const tmp = tempDir("rollups-delta");
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
  tmp.cleanup();
});

/** Every rollup row of one merchant, in a stable order, as plain values. */
async function snapshot(merchantId: number) {
  const q = (query: ReturnType<typeof sql>) => queryRows<Record<string, unknown>>(database.db, query);
  return {
    daily: await q(sql`select * from merchant_daily where merchant_id = ${merchantId} order by day`),
    hourly: await q(sql`select * from merchant_hourly where merchant_id = ${merchantId} order by day, hour`),
    customerDaily: await q(sql`select * from merchant_customer_daily where merchant_id = ${merchantId} order by day, customer_id`),
    customers: await q(sql`select * from merchant_customers where merchant_id = ${merchantId} order by ordinal`),
    bitmaps: await q(sql`select merchant_id, day, chunk, bits::text as bits from merchant_day_customer_bitmaps where merchant_id = ${merchantId} order by day, chunk`),
    // A member moving to an earlier cohort leaves zero sums and cleared chunks behind in the
    // delta; a rebuild writes none. Both mean the same figures, so only non-zero rows compare.
    cohortDaily: await q(sql`select cohort, day, net_minor from merchant_cohort_daily where merchant_id = ${merchantId} and net_minor <> 0 order by cohort, day`),
    cohortBitmaps: await q(sql`select cohort, chunk, bits::text as bits from merchant_cohort_bitmaps where merchant_id = ${merchantId} and bit_count(bits) > 0 order by cohort, chunk`),
    // A customers file moving a customer between segment values leaves all-zero rows and
    // cleared chunks behind too (ADR 0029).
    segmentMonthly: await q(sql`select month, dimension, value, purchases, gross_sales_minor, refunds, refunds_minor from merchant_segment_monthly
                               where merchant_id = ${merchantId} and (purchases, gross_sales_minor, refunds, refunds_minor) <> (0, 0, 0, 0)
                               order by month, dimension, value`),
    segmentBitmaps: await q(sql`select dimension, value, chunk, bits::text as bits from merchant_segment_bitmaps
                               where merchant_id = ${merchantId} and bit_count(bits) > 0 order by dimension, value, chunk`),
    monthHours: await q(sql`select month, dow, hour, chunk, bits::text as bits from merchant_month_hour_bitmaps
                           where merchant_id = ${merchantId} order by month, dow, hour, chunk`),
    // Planes a changed month total no longer sets are cleared, not deleted.
    planes: await q(sql`select month, side, plane, chunk, bits::text as bits from merchant_month_amount_planes
                       where merchant_id = ${merchantId} and bit_count(bits) > 0 order by month, side, plane, chunk`),
  };
}

describe("incremental rollups from an ingest batch", () => {
  it("equal a full recompute of the touched days after overlapping loads", async () => {
    const slug = uniqueSlug("delta");
    const m = await ensureMerchant(database, {
      slug, name: "Delta", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", country: "RU", bankMerchantIds: [`${slug}-t`],
    });
    const row = (id: string, customer: string, amount: number, at: string, kind = "purchase") =>
      `${slug}-${id},${slug}-t,${slug}-${customer},${amount},RUB,${at},offline,${kind}`;
    // Batch 1: two days; c2 only refunds on day 2 (no first purchase yet).
    const first = tmp.write("first.csv", csv(HEADER, [
      row("1", "c1", 1000, "2024-05-01T10:00:00+03:00"),
      row("2", "c1", 500, "2024-05-01T10:30:00+03:00"),
      row("3", "c2", 300, "2024-05-02T12:00:00+03:00", "refund"),
      row("4", "c3", 700, "2024-05-02T18:00:00+03:00"),
    ]));
    // Batch 2 adds to the same days and hours (c1 again on day 1, c2's first purchase on day 2,
    // a new customer c4), one new day, and repeats a row of batch 1 (skipped as already present).
    const second = tmp.write("second.csv", csv(HEADER, [
      row("1", "c1", 1000, "2024-05-01T10:00:00+03:00"),
      row("5", "c1", 250, "2024-05-01T10:45:00+03:00"),
      row("6", "c2", 900, "2024-05-02T12:15:00+03:00"),
      row("7", "c4", 400, "2024-05-02T18:10:00+03:00"),
      row("8", "c3", 100, "2024-05-03T09:00:00+03:00", "refund"),
      row("9", "c2", 1200, "2024-04-30T20:00:00+03:00"),
    ]));
    // rollup_version counts the writes of the merchant's rollups (stored competitor reports key on it).
    const version = async () => Number((await queryRows<{ v: number }>(database.db, sql`select rollup_version as v from merchants where id = ${m.id}`))[0].v);
    expect(await version()).toBe(0);
    expect((await ingestFile(database, { format: "transactions", file: first })).rowsInserted).toBe(4);
    expect(await version()).toBe(1);
    const report = await ingestFile(database, { format: "transactions", file: second });
    expect([report.rowsInserted, report.rowsAlreadyPresent]).toEqual([5, 1]);
    expect(await version()).toBe(2);
    // A load that adds nothing leaves it alone.
    expect((await ingestFile(database, { format: "transactions", file: second })).rowsInserted).toBe(0);
    expect(await version()).toBe(2);

    const incremental = await snapshot(m.id);
    expect(incremental.daily.map((d) => [d.day, d.gross_sales_minor, d.refunds_minor, d.purchases, d.refunds, d.customers])).toEqual([
      ["2024-04-30", 1200, 0, 1, 0, 1],
      ["2024-05-01", 1750, 0, 3, 0, 1],
      ["2024-05-02", 2000, 300, 3, 1, 3],
      ["2024-05-03", 0, 100, 0, 1, 0],
    ]);
    expect(incremental.customers.map((c) => [c.ordinal, c.first_purchase_day, c.last_purchase_day, c.purchases, c.gross_sales_minor, c.refunds_minor])).toEqual([
      [0, "2024-05-01", "2024-05-01", 3, 1750, 0],
      [1, "2024-04-30", "2024-05-02", 2, 2100, 300],
      [2, "2024-05-02", "2024-05-02", 1, 700, 100],
      [3, "2024-05-02", "2024-05-02", 1, 400, 0],
    ]);
    expect(incremental.hourly.find((h) => h.day === "2024-05-02" && h.hour === 18)).toMatchObject({ purchases: 2, gross_sales_minor: 1100, customer_ordinals: [2, 3] });

    // Batch 3 moves cohort members: c1's first purchase moves from May to April 15; the new c5
    // refunds on April 10 before its first purchase on April 20 (filed under April 20).
    const third = tmp.write("third.csv", csv(HEADER, [
      row("10", "c1", 800, "2024-04-15T12:00:00+03:00"),
      row("11", "c5", 50, "2024-04-10T10:00:00+03:00", "refund"),
      row("12", "c5", 300, "2024-04-20T10:00:00+03:00"),
    ]));
    expect((await ingestFile(database, { format: "transactions", file: third })).rowsInserted).toBe(3);
    expect(await version()).toBe(3);
    const moved = await snapshot(m.id);
    expect(moved.cohortDaily.map((r) => [r.cohort, r.day, r.net_minor])).toEqual([
      ["2024-04-01", "2024-04-15", 800],
      ["2024-04-01", "2024-04-20", 250],
      ["2024-04-01", "2024-04-30", 1200],
      ["2024-04-01", "2024-05-01", 1750],
      ["2024-04-01", "2024-05-02", 600],
      ["2024-05-01", "2024-05-02", 1100],
      ["2024-05-01", "2024-05-03", -100],
    ]);
    const ones = (bits: unknown) => [...String(bits)].flatMap((b, i) => (b === "1" ? [i] : []));
    expect(moved.cohortBitmaps.map((r) => [r.cohort, r.chunk, ones(r.bits)])).toEqual([
      ["2024-04-01", 0, [0, 1, 4]],
      ["2024-05-01", 0, [2, 3]],
    ]);

    // The month planes decode to every customer's month totals (gross, refunds, purchases) by ordinal.
    const totals = new Map<string, number>();
    for (const r of moved.planes) {
      ones(r.bits).forEach((ordinal) => {
        const key = `${r.month} ${SIDE_NAMES[Number(r.side)]} ${Number(r.chunk) * 8192 + ordinal}`;
        totals.set(key, (totals.get(key) ?? 0) + 2 ** Number(r.plane));
      });
    }
    expect(Object.fromEntries([...totals].sort())).toEqual({
      "2024-04-01 gross 0": 800,
      "2024-04-01 gross 1": 1200,
      "2024-04-01 gross 4": 300,
      "2024-04-01 refunds 4": 50,
      "2024-05-01 gross 0": 1750,
      "2024-05-01 gross 1": 900,
      "2024-05-01 gross 2": 700,
      "2024-05-01 gross 3": 400,
      "2024-05-01 refunds 1": 300,
      "2024-05-01 refunds 2": 100,
      "2024-04-01 purchases 0": 1,
      "2024-04-01 purchases 1": 1,
      "2024-04-01 purchases 4": 1,
      "2024-05-01 purchases 0": 3,
      "2024-05-01 purchases 1": 1,
      "2024-05-01 purchases 2": 1,
      "2024-05-01 purchases 3": 1,
    });

    // The month slots' customers (ISO day of week, local hour; ADR 0039): purchases only, so
    // c5's refund on April 10 sets nothing.
    expect(moved.monthHours.map((r) => [r.month, r.dow, r.hour, r.chunk, ones(r.bits)])).toEqual([
      ["2024-04-01", 1, 12, 0, [0]], // c1, Monday April 15, 12:00
      ["2024-04-01", 2, 20, 0, [1]], // c2, Tuesday April 30, 20:00
      ["2024-04-01", 6, 10, 0, [4]], // c5, Saturday April 20, 10:00
      ["2024-05-01", 3, 10, 0, [0]], // c1, Wednesday May 1, 10:00-10:45
      ["2024-05-01", 4, 12, 0, [1]], // c2, Thursday May 2, 12:15
      ["2024-05-01", 4, 18, 0, [2, 3]], // c3 and c4, Thursday May 2, 18:00 and 18:10
    ]);
    // Stored sparse (ADR 0041): each value ends at its last set bit, so a slot of ordinals 2 and 3
    // is 4 bits; the May 2 18:00 slot is the union of two batches' values ("001" | "0001"). The
    // full recompute at the end of this test writes the same texts.
    expect(moved.monthHours.map((r) => r.bits)).toEqual(["1", "01", "00001", "1", "01", "0011"]);

    // Segments before any customers file: every attribute unknown, one member set per value.
    const gender = (rows: Record<string, unknown>[]) =>
      rows.filter((r) => r.dimension === "gender").map((r) => [r.month, r.value, r.purchases, r.gross_sales_minor, r.refunds, r.refunds_minor]);
    // Month sums (ADR 0040): April is c1's 800, c5's 300 and c2's 1,200 and c5's refund of 50;
    // May is c1's 1,750, c2's 900, c3's 700 and c4's 400, and the refunds of 300 and 100.
    expect(gender(moved.segmentMonthly)).toEqual([
      ["2024-04-01", "unknown", 3, 2300, 1, 50],
      ["2024-05-01", "unknown", 6, 3750, 2, 400],
    ]);
    expect(moved.segmentBitmaps.filter((r) => r.dimension === "gender").map((r) => [r.value, r.chunk, ones(r.bits)])).toEqual([
      ["unknown", 0, [0, 1, 2, 3, 4]],
    ]);

    // A customers file gives c1 (ordinal 0) attributes: its whole history moves from 'unknown'
    // to its new values, in every dimension.
    const people = tmp.write("customers.csv", csv(
      "customer_id,gender,birth_year,marital_status,is_payroll,is_corporate,is_premium,region",
      [`${slug}-c1,female,1990,married,true,,false,Moscow`],
    ));
    expect((await ingestFile(database, { format: "customers", file: people })).rowsInserted).toBe(1);
    const attributed = await snapshot(m.id);
    expect(gender(attributed.segmentMonthly)).toEqual([
      ["2024-04-01", "female", 1, 800, 0, 0],
      ["2024-04-01", "unknown", 2, 1500, 1, 50],
      ["2024-05-01", "female", 3, 1750, 0, 0],
      ["2024-05-01", "unknown", 3, 2000, 2, 400],
    ]);
    // c1's corporate flag is empty: it stays 'unknown' there, with the others.
    expect(attributed.segmentMonthly.filter((r) => r.month === "2024-05-01").map((r) => [r.dimension, r.value, r.purchases])).toEqual([
      ["birthYear", "1990", 3],
      ["birthYear", "unknown", 3],
      ["corporate", "unknown", 6],
      ["gender", "female", 3],
      ["gender", "unknown", 3],
      ["maritalStatus", "married", 3],
      ["maritalStatus", "unknown", 3],
      ["payroll", "unknown", 3],
      ["payroll", "yes", 3],
      ["premium", "no", 3],
      ["premium", "unknown", 3],
      ["region", "Moscow", 3],
      ["region", "unknown", 3],
    ]);
    expect(attributed.segmentBitmaps.filter((r) => r.dimension === "gender").map((r) => [r.value, r.chunk, ones(r.bits)])).toEqual([
      ["female", 0, [0]],
      ["unknown", 0, [1, 2, 3, 4]],
    ]);
    // Loading the same file again changes nothing (no attribute differs).
    expect((await ingestFile(database, { format: "customers", file: people })).rowsInserted).toBe(0);
    expect(await snapshot(m.id)).toEqual(attributed);

    await database.db.transaction((tx) =>
      refreshRollupsForDays(tx, new Map([[m.id, ["2024-04-10", "2024-04-15", "2024-04-20", "2024-04-30", "2024-05-01", "2024-05-02", "2024-05-03"]]])),
    );
    expect(await snapshot(m.id)).toEqual(attributed);
    expect(await version()).toBe(4);
  });

  it("rebuild the month planes of customers over two chunks exactly when a second batch changes their totals", async () => {
    // ADR 0031: the delta's planes are built in Node and sent as hex; the rebuild keeps the SQL
    // build. 8,200 customers span chunk 0 (ordinals 0-8191) and chunk 1; the second batch moves
    // totals in both chunks so that bits must be cleared as well as set (3 + 1 = 4: bits 0 and 1 go).
    const slug = uniqueSlug("planes");
    const m = await ensureMerchant(database, {
      slug, name: "Planes", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", country: "RU", bankMerchantIds: [`${slug}-t`],
    });
    const customers = 8200;
    const customer = (i: number) => `${slug}-c${String(i).padStart(5, "0")}`;
    const day = (i: number) => `2024-06-${String(1 + (i % 28)).padStart(2, "0")}T12:00:00+03:00`;
    const firstRows = Array.from({ length: customers }, (_, i) => `${slug}-a${i},${slug}-t,${customer(i)},${(i % 7) + 1},RUB,${day(i)},offline,purchase`);
    expect((await ingestFile(database, { format: "transactions", file: tmp.write("planes-1.csv", csv(HEADER, firstRows)) })).rowsInserted).toBe(customers);
    const touched = [2, 5, 8191, 8192, 8199];
    const secondRows = [
      ...touched.map((i) => `${slug}-b${i},${slug}-t,${customer(i)},1,RUB,2024-06-29T09:00:00+03:00,online,purchase`),
      `${slug}-r8195,${slug}-t,${customer(8195)},2,RUB,2024-06-30T09:00:00+03:00,online,refund`,
    ];
    expect((await ingestFile(database, { format: "transactions", file: tmp.write("planes-2.csv", csv(HEADER, secondRows)) })).rowsInserted).toBe(6);

    const ones = (bits: unknown) => [...String(bits)].flatMap((b, i) => (b === "1" ? [i] : []));
    const decoded = (planes: Record<string, unknown>[]) => {
      const totals = new Map<string, number>();
      for (const r of planes) {
        for (const pos of ones(r.bits)) {
          const key = `${SIDE_NAMES[Number(r.side)]} ${Number(r.chunk) * 8192 + pos}`;
          totals.set(key, (totals.get(key) ?? 0) + 2 ** Number(r.plane));
        }
      }
      return totals;
    };
    const expected = new Map<string, number>();
    for (let i = 0; i < customers; i++) {
      expected.set(`gross ${i}`, (i % 7) + 1 + (touched.includes(i) ? 1 : 0));
      expected.set(`purchases ${i}`, 1 + (touched.includes(i) ? 1 : 0));
    }
    expected.set("refunds 8195", 2);
    const incremental = await snapshot(m.id);
    expect(incremental.customers.map((c) => c.ordinal)).toEqual(Array.from({ length: customers }, (_, i) => i));
    expect(new Set(incremental.planes.map((r) => r.chunk))).toEqual(new Set([0, 1]));
    expect(decoded(incremental.planes)).toEqual(expected);

    const june = Array.from({ length: 30 }, (_, i) => `2024-06-${String(i + 1).padStart(2, "0")}`);
    await database.db.transaction((tx) => refreshRollupsForDays(tx, new Map([[m.id, june]])));
    expect((await snapshot(m.id)).planes).toEqual(incremental.planes);
  });
});
