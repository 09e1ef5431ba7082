/**
 * Single-node scale figures (issue 18), step 5 of `npm run bench`, or alone:
 * `npx tsx bench/scale.ts [--db postgres|pglite] [--scale X] [--calls N] [--skip-duckdb]
 * [--families overview,cohortRetention,…|none] [--portfolio-merchants 500|0]`.
 *
 * 1. DuckDB's `read_csv` of the full bank's transactions file (the measuring anchor for the 2 M-row
 *    load that bench/run.ts times), same file, same machine, same run.
 * 2. Per-family growth: two synthetic banks, X and 2X of the default size (same 63 merchants,
 *    customers and transactions doubled), each loaded into a database of its own; every page
 *    family that reads per period is timed (median of N calls after a warm-up, each in its own
 *    merchant-scoped transaction) on the largest merchant over its last 12 whole months, and the
 *    growth ratio 2X / X printed (target ≤ 1.2: a page must not slow down as the bank grows).
 * 3. The RM/bank-admin portfolio on the 2X bank (PostgreSQL): its own 63 merchants, then the bank
 *    grown to 500 merchants by copying merchants and their rollups (target: 500 under 1 s);
 *    `--portfolio-merchants 0` skips it.
 *
 * Databases are named `bench_scale_<size>_<pid>` and dropped afterwards, so two runs on one
 * server do not destroy each other's data.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { closeDatabase, migrateDatabase, openDatabase, queryRows, type Database } from "@/db/client";
import { createUser } from "@/lib/auth/users";
import { loadPortfolio } from "@/lib/endpoints/portfolio";
import { ingestFile } from "@/lib/ingest";
import { getCohortRetention } from "@/lib/analytics/getCohortRetention";
import { getCustomerSegments } from "@/lib/analytics/getCustomerSegments";
import { getOverview } from "@/lib/analytics/getOverview";
import { getPurchaseFrequency } from "@/lib/analytics/getPurchaseFrequency";
import { getRegularCustomers } from "@/lib/analytics/getRegularCustomers";
import { getRevenueDynamics } from "@/lib/analytics/getRevenueDynamics";
import { getSeasonality } from "@/lib/analytics/getSeasonality";
import type { AnalyticsContext, MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { addMonthsToMonthStart, monthStart, type Period } from "@/lib/days";

const dir = path.resolve(".data/bench");
const tsx = path.resolve("node_modules/.bin/tsx");
const pgAdmin = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The page families that read a period, as the pages call them. */
const FAMILIES: Record<string, (ctx: AnalyticsContext, p: Period) => Promise<unknown>> = {
  overview: (ctx, p) => getOverview(ctx, p),
  cohortRetention: (ctx, p) => getCohortRetention(ctx, p),
  revenueDynamics: (ctx, p) => getRevenueDynamics(ctx, p),
  seasonality: (ctx, p) => getSeasonality(ctx, p),
  purchaseFrequency: (ctx, p) => getPurchaseFrequency(ctx, p),
  regularCustomers: (ctx, p) => getRegularCustomers(ctx, p),
  customerSegments: (ctx, p) => getCustomerSegments(ctx, p),
};

async function median(fn: () => Promise<unknown>, calls: number): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

/** Seconds DuckDB takes to read the whole CSV into a table (in memory), and the rows it read. */
export async function duckdbReadCsv(file: string): Promise<{ seconds: number; rows: number }> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const t0 = performance.now();
  await connection.run(`create table t as select * from read_csv('${file.replace(/'/g, "''")}')`);
  const seconds = (performance.now() - t0) / 1000;
  const reader = await connection.runAndReadAll("select count(*)::integer as n from t");
  const rows = Number(reader.getRows()[0][0]);
  connection.closeSync();
  return { seconds, rows };
}

/** The bank's folder (the default size is bench/run.ts's `synthetic`), generated when missing. */
function bankDir(scale: number): string {
  const out = path.join(dir, scale === 1 ? "synthetic" : `synthetic-${scale}`);
  if (!fs.existsSync(path.join(out, "transactions.csv.gz"))) {
    execFileSync(tsx, ["scripts/generate.ts", "--scale", String(scale), "--out", out, "--no-load"], { stdio: "inherit" });
  }
  return out;
}

async function loadBank(
  kind: "postgres" | "pglite",
  scale: number,
): Promise<{ database: Database; url: string | null; drop: () => Promise<void>; loadSeconds: number; rows: number }> {
  const name = `bench_scale_${String(scale).replace(".", "_")}_${process.pid}`;
  let database: Database;
  let drop: () => Promise<void>;
  let url: string | null = null;
  if (kind === "pglite") {
    const dataDir = path.join(dir, name);
    database = await openDatabase({ dataDir });
    drop = async () => {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  } else {
    const admin = await openDatabase({ url: pgAdmin });
    await admin.db.execute(sql.raw(`create database ${name}`));
    url = Object.assign(new URL(pgAdmin), { pathname: `/${name}` }).toString();
    database = await openDatabase({ url });
    drop = async () => {
      await database.close();
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await admin.close();
    };
  }
  await migrateDatabase(database);
  const bank = bankDir(scale);
  const t0 = performance.now();
  let rows = 0;
  for (const [format, file] of [["merchants", "merchants.csv"], ["customers", "customers.csv"], ["transactions", "transactions.csv.gz"]] as const) {
    const report = await ingestFile(database, { format, file: path.join(bank, file) });
    if (!report.ok) throw new Error(`bench: ${file} failed: ${JSON.stringify(report.errors.slice(0, 3))}`);
    rows = report.rowsInserted;
  }
  return { database, url, drop, loadSeconds: (performance.now() - t0) / 1000, rows };
}

/** The bank's largest merchant and its last 12 whole months. */
async function largestMerchant(database: Database) {
  const [largest] = await queryRows<MerchantRef & { last_day: string; customers: number }>(
    database.db,
    sql`select m.id, m.slug, m.name, m.mcc, m.currency, m.time_zone as "timeZone", max(d.day)::text as last_day,
               (select count(*)::int from merchant_customers mc where mc.merchant_id = m.id) as customers
        from merchants m join merchant_daily d on d.merchant_id = m.id
        group by m.id order by sum(d.purchases) desc limit 1`,
  );
  const merchant: MerchantRef = { id: largest.id, slug: largest.slug, name: largest.name, mcc: largest.mcc, currency: largest.currency, timeZone: largest.timeZone };
  const to = monthStart(largest.last_day);
  return { merchant, customers: largest.customers, period: { from: addMonthsToMonthStart(to, -12), to } as Period };
}

/** Columns of a public table that an insert may name (no identity or generated column). */
async function insertableColumns(database: Database, table: string): Promise<string[]> {
  const rows = await queryRows<{ c: string }>(
    database.db,
    sql`select column_name as c from information_schema.columns
        where table_schema = 'public' and table_name = ${table} and is_identity = 'NO' and is_generated = 'NEVER'
        order by ordinal_position`,
  );
  return rows.map((r) => `"${r.c}"`);
}

/**
 * Grows the bank to `target` merchants cheaply for the portfolio figure: copies of the existing
 * merchants (slug `<slug>-c<k>`) with copies of the rollup rows the portfolio reads
 * (merchant_daily, merchant_day_customer_bitmaps, merchant_customers), so every copy shows the
 * figures of its original. Bench-only SQL on a throw-away database.
 * @returns the merchant count afterwards
 */
async function cloneMerchants(database: Database, target: number): Promise<number> {
  const originals = await queryRows<{ id: number; slug: string }>(database.db, sql`select id, slug from merchants order by id`);
  const merchantCols = await insertableColumns(database, "merchants");
  const tables = ["merchant_daily", "merchant_day_customer_bitmaps", "merchant_customers"];
  const tableCols = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, (await insertableColumns(database, t)).filter((c) => c !== `"merchant_id"`)] as const)));
  let count = originals.length;
  for (let k = 1; count < target; k++) {
    const batch = originals.slice(0, Math.min(originals.length, target - count));
    const select = merchantCols.map((c) => (c === `"slug"` ? `slug || '-c${k}'` : c === `"name"` ? `name || ' (copy ${k})'` : c)).join(", ");
    const made = await queryRows<{ id: number; slug: string }>(
      database.db,
      sql.raw(`insert into merchants (${merchantCols.join(", ")}) select ${select} from merchants
               where id in (${batch.map((m) => m.id).join(",")}) returning id, slug`),
    );
    const newBySlug = new Map(made.map((m) => [m.slug, m.id]));
    const pairs = batch.map((m) => [m.id, newBySlug.get(`${m.slug}-c${k}`)!] as const);
    const map = `unnest('{${pairs.map((p) => p[0]).join(",")}}'::int[], '{${pairs.map((p) => p[1]).join(",")}}'::int[]) as map(old_id, new_id)`;
    for (const t of tables) {
      const cols = tableCols[t];
      await database.raw(`insert into ${t} (merchant_id, ${cols.join(", ")}) select map.new_id, ${cols.map((c) => `t.${c}`).join(", ")} from ${t} t join ${map} on t.merchant_id = map.old_id`);
    }
    count += batch.length;
  }
  await database.raw("analyze merchants, merchant_daily, merchant_day_customer_bitmaps, merchant_customers");
  return count;
}

/**
 * The relationship manager's portfolio as the page loads it (loadPortfolio: one authorization
 * query, then one set-based statement for every merchant the actor may open, issue 18), for a
 * bank admin who sees all the bank's merchants: median ms of `calls` loads and ms per merchant,
 * first for the bank's own merchants, then with the bank grown to `manyMerchants` by copying
 * merchants (cloneMerchants). PostgreSQL only (the process database comes from DATABASE_URL).
 */
async function timePortfolio(database: Database, url: string, calls: number, manyMerchants: number) {
  const email = `bench-admin-${process.pid}@example.com`;
  const userId = await createUser(database, { email, password: "bench-admin-password-1", bankRole: "bank_admin" });
  const before = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  await closeDatabase();
  try {
    const actor = { userId, email, name: null, bankRole: "bank_admin" as const, locale: "en" as const };
    const time = async () => {
      const merchants = (await loadPortfolio(actor, null)).rows.length;
      const ms = await median(() => loadPortfolio(actor, null), calls);
      return { merchants, medianMs: Math.round(ms), msPerMerchant: Number((ms / merchants).toFixed(2)) };
    };
    const own = await time();
    await cloneMerchants(database, manyMerchants);
    const many = await time();
    const result = { own, many, load: os.loadavg().map((l) => Number(l.toFixed(2))) };
    console.log("portfolio", JSON.stringify(result));
    return result;
  } finally {
    await closeDatabase();
    if (before === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = before;
  }
}

/**
 * Loads X and 2X (both kept open), then times every family on both banks' largest merchant with
 * the calls interleaved (X, 2X, X, 2X …) so that the machine's load weighs on both sides alike;
 * prints and returns the growth ratios (median 2X / median X).
 */
export async function benchScale(kind: "postgres" | "pglite", opts: { scale: number; calls: number; portfolioMerchants?: number; families?: readonly string[] }) {
  const sizes = [opts.scale, opts.scale * 2];
  const banks: Array<Awaited<ReturnType<typeof loadBank>>> = [];
  try {
    for (const scale of sizes) {
      const bank = await loadBank(kind, scale);
      banks.push(bank);
      console.log("scale bank", JSON.stringify({ scale, rows: bank.rows, loadSeconds: Number(bank.loadSeconds.toFixed(1)), rowsPerSecond: Math.round(bank.rows / bank.loadSeconds) }));
    }
    const targets = await Promise.all(banks.map((b) => largestMerchant(b.database)));
    const growth: Record<string, { x1Ms: number; x2Ms: number; ratio: number }> = {};
    for (const [family, fn] of Object.entries(FAMILIES).filter(([f]) => !opts.families || opts.families.includes(f))) {
      const call = (i: number) => withMerchantScope(banks[i].database, targets[i].merchant.id, (tx) => fn({ tx, merchant: targets[i].merchant }, targets[i].period));
      await call(0);
      await call(1);
      const ms: [number[], number[]] = [[], []];
      for (let k = 0; k < opts.calls; k++) {
        for (const i of [0, 1]) {
          const t0 = performance.now();
          await call(i);
          ms[i].push(performance.now() - t0);
        }
      }
      const [x1, x2] = ms.map((m) => m.sort((a, b) => a - b)[Math.floor(m.length / 2)]);
      growth[family] = { x1Ms: Number(x1.toFixed(2)), x2Ms: Number(x2.toFixed(2)), ratio: Number((x2 / x1).toFixed(2)) };
    }
    // `--portfolio-merchants 0` times the families alone (no 500-merchant copy of the bank).
    const portfolio = banks[1].url && opts.portfolioMerchants !== 0 ? await timePortfolio(banks[1].database, banks[1].url, 5, opts.portfolioMerchants ?? 500) : null;
    const result = {
      database: kind,
      sizes: banks.map((b, i) => ({ scale: sizes[i], rows: b.rows, largestMerchant: targets[i].merchant.slug, itsCustomers: targets[i].customers, period: targets[i].period, loadSeconds: Number(b.loadSeconds.toFixed(1)) })),
      growth,
      portfolio,
    };
    console.log("growth", JSON.stringify(result));
    return result;
  } finally {
    for (const b of banks) await b.drop();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: "string", default: "postgres" },
      scale: { type: "string", default: "0.25" },
      calls: { type: "string", default: "15" },
      "skip-duckdb": { type: "boolean", default: false },
      /** Comma-separated families to time (default all; "none" for the portfolio alone). */
      families: { type: "string" },
      "portfolio-merchants": { type: "string", default: "500" },
    },
  });
  fs.mkdirSync(dir, { recursive: true });
  if (!values["skip-duckdb"]) {
    const file = path.join(bankDir(1), "transactions.csv.gz");
    console.log("duckdb read_csv", JSON.stringify({ file, ...(await duckdbReadCsv(file)) }));
  }
  await benchScale(values.db as "postgres" | "pglite", {
    scale: Number(values.scale),
    calls: Number(values.calls),
    portfolioMerchants: Number(values["portfolio-merchants"]),
    families: values.families ? values.families.split(",") : undefined,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
