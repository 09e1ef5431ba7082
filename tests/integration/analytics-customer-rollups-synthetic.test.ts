import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import {
  buildSegments,
  getCustomerSegments,
  SEGMENT_DIMENSIONS,
  type SegmentAggregateRow,
  type SegmentDimension,
} from "@/lib/analytics/getCustomerSegments";
import { buildRegularTrend, getRegularCustomers, REGULAR_RULE, type RegularAggregateRow } from "@/lib/analytics/getRegularCustomers";
import { buildFrequencyBands, getPurchaseFrequency, type FrequencyAggregateRow } from "@/lib/analytics/getPurchaseFrequency";
import { buildHeatmap, getSeasonality, type HeatmapAggregateRow } from "@/lib/analytics/getSeasonality";
import { ingestFile, type IngestFormat } from "@/lib/ingest";
import { findMerchantRef } from "@/lib/jobs/store";
import { BANK_FILES, writeBank } from "@/lib/synthetic";
import { withMerchantScope } from "@/lib/tenancy/scope";
import type { MerchantRef } from "@/lib/tenancy/context";
import { addDays, addMonthsToMonthStart, monthStartsIn, type Period } from "@/lib/days";
import { openTestDatabase } from "../helpers/db";

/*
 * Customer segments (monthly sums since docs/adr/0040) and regular customers read from their rollups (docs/adr/0029-segment-rollups.md)
 * equal the per-customer queries they replaced, on the small synthetic bank (seed 42, 3,000 customers, about
 * 120,000 transactions), for every merchant and three periods (whole months, a `to` in the middle
 * of a month, a `from` in the middle of one), all seven dimensions:
 * 1. after the bank's transactions are loaded in two files (newest year first, so the second
 *    load adds to days, customers and members the first one created);
 * 2. after a customers file changes the attributes of every 4th customer (gender, birth year,
 *    marital status, the three flags, region; some set to unknown): the changed customers'
 *    history moves between segment values at every merchant they shop at.
 * Regular customers (counts from month bitmaps, net revenue from the month amount planes and,
 * for a `to` inside a month, that month's per-customer rows) and purchase frequency (purchases
 * and net revenue from the month planes of whole months, per-customer rows of the cut days;
 * docs/adr/0038) and the seasonality heatmap (distinct customers per day of week and hour from
 * month-slot bitmaps and the cut days' hourly lists; docs/adr/0039) are compared after the loads.
 */
let database: Database;
let dir: string;
let changedCustomers = 0;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "segment-rollup-"));
  await writeBank(dir, { seed: 42, customers: 3000, targetTransactions: 120_000 });
  database = await openTestDatabase();
  const [header, ...rows] = zlib.gunzipSync(fs.readFileSync(path.join(dir, BANK_FILES.transactions))).toString("utf8").trim().split("\n");
  const at = header.split(",").indexOf("occurred_at");
  const newer = rows.filter((r) => r.split(",")[at] >= "2025-11-01");
  const older = rows.filter((r) => r.split(",")[at] < "2025-11-01");
  expect(newer.length).toBeGreaterThan(10_000);
  expect(older.length).toBeGreaterThan(10_000);
  fs.writeFileSync(path.join(dir, "newer.csv"), [header, ...newer].join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "older.csv"), [header, ...older].join("\n") + "\n");

  // The customers file after a change of attributes: every 4th customer, each field changed in a
  // way the synthetic generator does not produce by itself (so every changed field moves).
  const [customersHeader, ...customerRows] = fs.readFileSync(path.join(dir, BANK_FILES.customers), "utf8").trim().split("\n");
  expect(customersHeader).toBe("customer_id,gender,birth_year,marital_status,is_payroll,is_corporate,is_premium,region");
  const flip = (flag: string) => (flag === "true" ? "false" : flag === "false" ? "" : "true");
  const changed = customerRows.map((line, i) => {
    if (i % 4 !== 0) return line;
    changedCustomers += 1;
    const [id, gender, birthYear, marital, payroll, corporate, premium, region] = line.split(",");
    return [
      id,
      gender === "female" ? "male" : gender === "male" ? "" : "female",
      birthYear === "" ? "1971" : String(Number(birthYear) - 7),
      marital === "married" ? "divorced" : "married",
      flip(payroll),
      flip(corporate),
      flip(premium),
      i % 8 === 0 ? "" : region === "Kazan" ? "Tver" : "Kazan",
    ].join(",");
  });
  fs.writeFileSync(path.join(dir, "customers-changed.csv"), [customersHeader, ...changed].join("\n") + "\n");

  for (const [format, name] of [
    ["merchants", BANK_FILES.merchants],
    ["customers", BANK_FILES.customers],
    ["transactions", "newer.csv"],
    ["transactions", "older.csv"],
  ] as [IngestFormat, string][]) {
    const report = await ingestFile(database, { format, file: path.join(dir, name) });
    if (!report.ok) throw new Error(`${name} failed to ingest: ${JSON.stringify(report.errors.slice(0, 3))}`);
  }
}, 900_000);
afterAll(async () => {
  await database?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const yesNo = (col: SQL) => sql`case when ${col} then 'yes' when not ${col} then 'no' else 'unknown' end`;

/** The SQL value of each dimension over merchant_customers, as getCustomerSegments had it before the rollups. */
function dimensionValue(dimension: SegmentDimension, refYear: number): SQL {
  switch (dimension) {
    case "gender":
      return sql`coalesce(mc.gender, 'unknown')`;
    case "maritalStatus":
      return sql`coalesce(mc.marital_status, 'unknown')`;
    case "region":
      return sql`coalesce(mc.region, 'unknown')`;
    case "payroll":
      return yesNo(sql`mc.is_payroll`);
    case "corporate":
      return yesNo(sql`mc.is_corporate`);
    case "premium":
      return yesNo(sql`mc.is_premium`);
    case "ageBand": {
      const age = sql`(${refYear}::int - mc.birth_year)`;
      return sql`case when mc.birth_year is null then 'unknown'
                      when ${age} < 18 then '<18'
                      when ${age} <= 24 then '18-24'
                      when ${age} <= 34 then '25-34'
                      when ${age} <= 44 then '35-44'
                      when ${age} <= 54 then '45-54'
                      when ${age} <= 64 then '55-64'
                      else '65+' end`;
    }
  }
}

/** The per-customer query getCustomerSegments ran before the segment rollups (the reference). */
function perCustomerRows(merchant: MerchantRef, period: Period) {
  const refYear = Number(addDays(period.to, -1).slice(0, 4));
  const pairs = sql.join(
    SEGMENT_DIMENSIONS.map((d) => sql`(${d}::text, ${dimensionValue(d, refYear)})`),
    sql`, `,
  );
  return withMerchantScope(database, merchant.id, (tx) =>
    queryRows<SegmentAggregateRow>(
      tx,
      sql`
        with per_customer as (
          select d.customer_id, sum(d.purchases)::bigint as purchases,
                 sum(d.gross_sales_minor)::bigint as gross, sum(d.refunds_minor)::bigint as refunds
          from merchant_customer_daily d
          where d.merchant_id = ${merchant.id} and d.day >= ${period.from}::date and d.day < ${period.to}::date
          group by d.customer_id
        )
        select dim.dimension, dim.value,
               (count(*) filter (where p.purchases > 0))::bigint as customers,
               sum(p.purchases)::bigint as purchases, sum(p.gross)::bigint as gross, sum(p.refunds)::bigint as refunds
        from per_customer p
        join merchant_customers mc on mc.merchant_id = ${merchant.id} and mc.customer_id = p.customer_id
        cross join lateral (values ${pairs}) as dim(dimension, value)
        group by dim.dimension, dim.value`,
    ),
  );
}

const PERIODS: Period[] = [
  { from: "2025-11-01", to: "2026-11-01" },
  { from: "2025-03-01", to: "2026-02-17" },
  { from: "2024-12-10", to: "2025-09-01" },
];

/**
 * Runs `compare` for each of the bank's 63 merchants and each of `periods` (`label` names the
 * pair for an assertion message); returns the sum of what it returns (the shown rows compared).
 */
async function compareEveryMerchant(
  periods: readonly Period[],
  compare: (merchant: MerchantRef, period: Period, label: string) => Promise<number>,
): Promise<number> {
  const slugs = await queryRows<{ slug: string }>(database.db, sql`select slug from merchants order by slug`);
  expect(slugs.length).toBe(63);
  let shown = 0;
  for (const { slug } of slugs) {
    const merchant = (await findMerchantRef(database, { slug }))!;
    for (const period of periods) shown += await compare(merchant, period, `${slug} ${period.from}..${period.to}`);
  }
  return shown;
}

/** Compares every merchant × period; returns how many shown (unsuppressed) rows were compared. */
function compareAll(): Promise<number> {
  // Since ADR 0040 the sums are monthly and the days outside whole months are read per
  // customer: every kind of cut is compared.
  return compareEveryMerchant(CUT_PERIODS, async (merchant, period, label) => {
    const expected = buildSegments(period, SEGMENT_DIMENSIONS, await perCustomerRows(merchant, period));
    const actual = await withMerchantScope(database, merchant.id, (tx) => getCustomerSegments({ tx, merchant }, period));
    expect(actual, label).toEqual(expected);
    return Object.values(expected.dimensions).reduce((n, rows) => n + rows.filter((r) => !r.suppressed).length, 0);
  });
}

describe("customer segments from the segment rollups", () => {
  it("equal the per-customer query for every merchant of the synthetic bank, then after a customers file moves a quarter of the customers", async () => {
    // The comparison covers shown figures, not only suppressed rows.
    expect(await compareAll()).toBeGreaterThan(1000);

    const report = await ingestFile(database, { format: "customers", file: path.join(dir, "customers-changed.csv") });
    expect(report.ok).toBe(true);
    expect(report.rowsInserted).toBe(changedCustomers);
    expect(changedCustomers).toBe(750);
    expect(await compareAll()).toBeGreaterThan(1000);
  }, 900_000);
});

/** The per-customer query getRegularCustomers ran before the month planes (the reference). */
function perCustomerRegularRows(merchant: MerchantRef, period: Period) {
  const months = monthStartsIn(period);
  const from = addMonthsToMonthStart(months[0], 1 - REGULAR_RULE.windowMonths);
  return withMerchantScope(database, merchant.id, (tx) =>
    queryRows<RegularAggregateRow>(
      tx,
      sql`
        with months as (
          select unnest(string_to_array(${months.join(",")}, ',')::date[]) as month
        ), customer_months as (
          select d.customer_id, date_trunc('month', d.day::timestamp)::date as month,
                 sum(d.purchases) as purchases, sum(d.gross_sales_minor - d.refunds_minor) as net
          from merchant_customer_daily d
          where d.merchant_id = ${merchant.id} and d.day >= ${from}::date and d.day < ${period.to}::date
          group by 1, 2
        ), per_customer as (
          select m.month, cm.customer_id,
                 count(*) filter (where cm.purchases > 0) as active_months, sum(cm.net) as net
          from months m
          join customer_months cm on cm.month >= (m.month - interval '5 months')::date and cm.month <= m.month
          group by 1, 2
        )
        select month::text as month,
               (count(*) filter (where active_months >= 3))::bigint as regulars,
               (count(*) filter (where active_months > 0))::bigint as active,
               coalesce(sum(net) filter (where active_months >= 3), 0)::bigint as regular_net,
               coalesce(sum(net), 0)::bigint as total_net
        from per_customer
        group by month
        order by month`,
    ),
  );
}

describe("regular customers from month bitmaps and month amount planes", () => {
  it("equal the per-customer query for every merchant of the synthetic bank", async () => {
    expect(REGULAR_RULE).toEqual({ minActiveMonths: 3, windowMonths: 6 });
    const shown = await compareEveryMerchant(PERIODS, async (merchant, period, label) => {
      const expected = buildRegularTrend(period, await perCustomerRegularRows(merchant, period));
      const actual = await withMerchantScope(database, merchant.id, (tx) => getRegularCustomers({ tx, merchant }, period));
      expect(actual.trend, label).toEqual(expected);
      return expected.filter((p) => !p.suppressed).length;
    });
    expect(shown).toBeGreaterThan(500);
  }, 900_000);
});

/** The per-customer query getPurchaseFrequency ran before the purchase planes (the reference, ADR 0038). */
function perCustomerFrequencyRows(merchant: MerchantRef, period: Period) {
  return withMerchantScope(database, merchant.id, (tx) =>
    queryRows<FrequencyAggregateRow>(
      tx,
      sql`
        with per_customer as (
          select d.customer_id, sum(d.purchases)::bigint as purchases,
                 sum(d.gross_sales_minor - d.refunds_minor)::bigint as net
          from merchant_customer_daily d
          where d.merchant_id = ${merchant.id} and d.day >= ${period.from}::date and d.day < ${period.to}::date
          group by d.customer_id
          having sum(d.purchases) > 0
        )
        select (width_bucket(purchases, array[1, 2, 3, 4, 6, 10]::bigint[]) - 1)::int as band,
               count(*)::bigint as customers, sum(purchases)::bigint as purchases, sum(net)::bigint as net
        from per_customer
        group by 1
        order by 1`,
    ),
  );
}

/**
 * The three periods above (whole months; a cut after them; a cut before them), a 30-day preset
 * across two months (no whole month), whole months only, cuts on both sides.
 */
const CUT_PERIODS: Period[] = [
  ...PERIODS,
  { from: "2026-09-17", to: "2026-10-17" },
  { from: "2026-05-01", to: "2026-08-01" },
  { from: "2025-01-20", to: "2025-06-10" },
];

describe("purchase frequency from the month planes and the cut days", () => {
  it("equals the per-customer query for every merchant of the synthetic bank", async () => {
    const shown = await compareEveryMerchant(CUT_PERIODS, async (merchant, period, label) => {
      const expected = buildFrequencyBands(await perCustomerFrequencyRows(merchant, period));
      const actual = await withMerchantScope(database, merchant.id, (tx) => getPurchaseFrequency({ tx, merchant }, period));
      expect(actual.bands, label).toEqual(expected);
      return expected.filter((b) => !b.suppressed).length;
    });
    expect(shown).toBeGreaterThan(1000);
  }, 900_000);
});

/** The heatmap query getSeasonality ran before the month-slot bitmaps (the reference, ADR 0039). */
function perCustomerHeatRows(merchant: MerchantRef, period: Period) {
  return withMerchantScope(database, merchant.id, (tx) =>
    queryRows<HeatmapAggregateRow>(
      tx,
      sql`
        with cells as (
          select extract(isodow from h.day)::int as dow, h.hour::int as hour,
                 sum(h.purchases)::bigint as purchases, sum(h.gross_sales_minor)::bigint as gross
          from merchant_hourly h
          where h.merchant_id = ${merchant.id} and h.day >= ${period.from}::date and h.day < ${period.to}::date
          group by 1, 2
        ), people as (
          select extract(isodow from h.day)::int as dow, h.hour::int as hour, count(distinct o.ordinal)::bigint as customers
          from merchant_hourly h
          cross join lateral unnest(h.customer_ordinals) as o(ordinal)
          where h.merchant_id = ${merchant.id} and h.day >= ${period.from}::date and h.day < ${period.to}::date
          group by 1, 2
        )
        select c.dow, c.hour, c.purchases, c.gross, coalesce(p.customers, 0)::bigint as customers
        from cells c left join people p on p.dow = c.dow and p.hour = c.hour`,
    ),
  );
}

describe("seasonality heatmap from month-slot bitmaps and the cut days", () => {
  it("equals the per-customer count for every merchant of the synthetic bank", async () => {
    const shown = await compareEveryMerchant(CUT_PERIODS, async (merchant, period, label) => {
      const expected = buildHeatmap(await perCustomerHeatRows(merchant, period));
      const actual = await withMerchantScope(database, merchant.id, (tx) => getSeasonality({ tx, merchant }, period));
      expect(actual.heatmap, label).toEqual(expected);
      return expected.filter((c) => !c.suppressed).length;
    });
    expect(shown).toBeGreaterThan(5000);
  }, 900_000);
});
