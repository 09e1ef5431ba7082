import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { buildCohorts, getCohortRetention, type CohortAggregateRow } from "@/lib/analytics/getCohortRetention";
import { ingestFile, type IngestFormat } from "@/lib/ingest";
import { findMerchantRef } from "@/lib/jobs/store";
import { BANK_FILES, writeBank } from "@/lib/synthetic";
import { withMerchantScope } from "@/lib/tenancy/scope";
import type { MerchantRef } from "@/lib/tenancy/context";
import type { Period } from "@/lib/days";
import { openTestDatabase } from "../helpers/db";

/*
 * Cohort retention read from the cohort rollups (docs/adr/0020-cohort-rollups.md) equals the
 * per-customer query it replaced, on the small synthetic bank (seed 42, 3,000 customers, about
 * 120,000 transactions), for every merchant and three periods (whole months, a `to` in the middle
 * of a month, a `from` in the middle of one). The bank is loaded newest year first, then the
 * older year, so most customers' first purchase moves to an earlier cohort on the second load:
 * the incremental maintenance's hardest case.
 */
let database: Database;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cohort-rollup-"));
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
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The per-customer query getCohortRetention ran before the cohort rollups (the reference). */
function perCustomerRows(merchant: MerchantRef, period: Period) {
  const from = `${period.from.slice(0, 7)}-01`;
  return withMerchantScope(database, merchant.id, (tx) =>
    queryRows<CohortAggregateRow>(
      tx,
      sql`
        with members as (
          select mc.customer_id, date_trunc('month', mc.first_purchase_day::timestamp)::date as cohort
          from merchant_customers mc
          where mc.merchant_id = ${merchant.id} and mc.first_purchase_day >= ${from}::date and mc.first_purchase_day < ${period.to}::date
        ), sizes as (
          select cohort, count(*)::bigint as size from members group by cohort
        ), activity as (
          select m.cohort, date_trunc('month', d.day::timestamp)::date as month, d.customer_id,
                 sum(d.purchases) as purchases, sum(d.gross_sales_minor - d.refunds_minor) as net
          from merchant_customer_daily d
          join members m on m.customer_id = d.customer_id
          where d.merchant_id = ${merchant.id} and d.day >= ${from}::date and d.day < ${period.to}::date
          group by 1, 2, 3
        )
        select a.cohort::text as cohort, a.month::text as month, s.size,
               (count(*) filter (where a.purchases > 0))::bigint as customers, sum(a.net)::bigint as net
        from activity a join sizes s on s.cohort = a.cohort
        where a.month >= a.cohort
        group by a.cohort, a.month, s.size
        order by 1, 2`,
    ),
  );
}

describe("cohort retention from the cohort rollups", () => {
  it("equals the per-customer query for every merchant of the synthetic bank, loaded newest year first", async () => {
    const slugs = await queryRows<{ slug: string }>(database.db, sql`select slug from merchants order by slug`);
    expect(slugs.length).toBe(63);
    const periods: Period[] = [
      { from: "2025-11-01", to: "2026-11-01" },
      { from: "2025-03-01", to: "2026-02-17" },
      { from: "2024-12-10", to: "2025-09-01" },
    ];
    let cells = 0;
    for (const { slug } of slugs) {
      const merchant = (await findMerchantRef(database, { slug }))!;
      for (const period of periods) {
        const expected = buildCohorts(period, await perCustomerRows(merchant, period));
        const actual = await withMerchantScope(database, merchant.id, (tx) => getCohortRetention({ tx, merchant }, period));
        expect(actual.cohorts, `${slug} ${period.from}..${period.to}`).toEqual(expected);
        cells += expected.reduce((n, c) => n + c.cells.filter((x) => !x.suppressed).length, 0);
      }
    }
    // The comparison covers shown figures, not only suppressed cells.
    expect(cells).toBeGreaterThan(1000);
  }, 600_000);
});
