/**
 * `npm run bench`: figures, not tests (printed, and pasted into docs/performance.md).
 *
 * 1. Ingest throughput of the canonical transactions CSV through lib/ingest (validate, COPY to
 *    staging, merge, rollups) as a ratio to a bare COPY of the same rows into `transactions`.
 * 2. Overview latency (getOverview: current + previous period) for the largest synthetic
 *    merchant, median and p95 over N calls, against the same figures computed by scanning raw
 *    transactions, on the full synthetic bank.
 * 3. Competitors page latency (bench/competitors.ts) on the same bank, against raw transactions.
 * 4. Forecast + findings jobs for every merchant of the full synthetic bank (bench/findings-forecast.ts).
 * 5. Model jobs of every merchant of the full synthetic bank with 1 and 2 worker processes draining
 *    the queue (bench/models.ts; PostgreSQL only: PGlite admits one process): per-merchant job
 *    time (mean, median, p95, max), total, wall time and jobs/s.
 * 6. Single-node scale (bench/scale.ts): the full bank's load beside DuckDB's read_csv of the same
 *    file, per-family growth ratios at X and 2X bank size (--scale X, 0.25 by default: 0.5 M and
 *    1 M rows), and the portfolio of a bank admin over all merchants (PostgreSQL).
 * All on PostgreSQL (BENCH_POSTGRES_URL, default 127.0.0.1:5432) and on PGlite.
 *
 * Flags: --db pglite|postgres|both (both), --rows N (rows for the ingest ratio, 200000),
 * --calls N (50), --skip-ingest, --skip-overview, --skip-campaigns (bench/campaigns.ts: upload
 * throughput of a 1,000,000-row campaign file and the report's compute time), --skip-competitors,
 * --skip-findings, --skip-models, --skip-scale, --scale X.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, queryRows, type Database } from "@/db/client";
import { ingestFile } from "@/lib/ingest";
import { getOverview } from "@/lib/analytics/getOverview";
import { withMerchantScope } from "@/lib/tenancy/scope";
import type { MerchantRef } from "@/lib/tenancy/context";
import { addDays, presetPeriod, previousPeriod, type Period } from "@/lib/days";
import { benchCampaigns } from "./campaigns";
import { benchCompetitors } from "./competitors";
import { benchFindingsForecast } from "./findings-forecast";
import { benchModels } from "./models";
import { benchScale, duckdbReadCsv } from "./scale";
import { benchBankName, sliceCanonical } from "./slice";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    rows: { type: "string", default: "200000" },
    calls: { type: "string", default: "50" },
    "skip-ingest": { type: "boolean", default: false },
    "skip-overview": { type: "boolean", default: false },
    "skip-campaigns": { type: "boolean", default: false },
    "skip-competitors": { type: "boolean", default: false },
    "skip-findings": { type: "boolean", default: false },
    "skip-models": { type: "boolean", default: false },
    "skip-scale": { type: "boolean", default: false },
    scale: { type: "string", default: "0.25" },
  },
});
const ROWS = Number(values.rows);
const CALLS = Number(values.calls);
const dir = path.resolve(".data/bench");
const synthetic = path.join(dir, "synthetic");
const pgAdmin = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const tsx = path.resolve("node_modules/.bin/tsx");

function ensureSynthetic() {
  if (fs.existsSync(path.join(synthetic, "transactions.csv.gz"))) return;
  console.log("generating the synthetic bank (no load) into", synthetic);
  execFileSync(tsx, ["scripts/generate.ts", "--out", synthetic, "--no-load"], { stdio: "inherit" });
}

async function freshDatabase(kind: "pglite" | "postgres", name: string): Promise<Database> {
  if (kind === "pglite") {
    const dataDir = path.join(dir, name);
    fs.rmSync(dataDir, { recursive: true, force: true });
    const database = await openDatabase({ dataDir });
    await migrateDatabase(database);
    return database;
  }
  const admin = await openDatabase({ url: pgAdmin });
  await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
  await admin.db.execute(sql.raw(`create database ${name}`));
  await admin.close();
  const url = new URL(pgAdmin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  await migrateDatabase(database);
  return database;
}

async function mustIngest(database: Database, format: "merchants" | "customers" | "transactions", file: string) {
  const report = await ingestFile(database, { format, file });
  if (!report.ok) throw new Error(`bench: ingest of ${file} failed: ${JSON.stringify(report.errors.slice(0, 5))}`);
  return report;
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function benchIngest(kind: "pglite" | "postgres") {
  const canonical = await sliceCanonical(synthetic, dir, ROWS);
  // Its own name: two benchmark runs on one server must not drop each other's database.
  const database = await freshDatabase(kind, `bench_ingest_${kind}_${process.pid}`);
  try {
    await mustIngest(database, "merchants", path.join(synthetic, "merchants.csv"));
    await mustIngest(database, "customers", path.join(synthetic, "customers.csv"));
    // The same rows in the table's own shape, resolved outside the timing.
    const merchantRows = await queryRows<{ bank_merchant_id: string; merchant_id: number; time_zone: string }>(
      database.db,
      sql`select b.bank_merchant_id, b.merchant_id, m.time_zone from merchant_bank_ids b join merchants m on m.id = b.merchant_id`,
    );
    const merchantsByBankId = new Map(merchantRows.map((r) => [r.bank_merchant_id, r]));
    const customerRows = await queryRows<{ id: number; bank_customer_id: string }>(database.db, sql`select id, bank_customer_id from customers`);
    const customerIds = new Map(customerRows.map((r) => [r.bank_customer_id, r.id]));
    const formatters = new Map<string, Intl.DateTimeFormat>();
    const tableCsv = path.join(dir, `transactions-${ROWS}-table.csv`);
    const w = fs.createWriteStream(tableCsv);
    const lines = readline.createInterface({ input: fs.createReadStream(canonical), crlfDelay: Infinity });
    let header = true;
    for await (const line of lines) {
      if (header) { header = false; continue; }
      const [id, bankMerchant, bankCustomer, amount, currency, occurredAt, channel, kind] = line.split(",");
      const m = merchantsByBankId.get(bankMerchant)!;
      let f = formatters.get(m.time_zone);
      if (!f) {
        f = new Intl.DateTimeFormat("en-CA", { timeZone: m.time_zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" });
        formatters.set(m.time_zone, f);
      }
      const parts = Object.fromEntries(f.formatToParts(new Date(occurredAt)).map((p) => [p.type, p.value]));
      const signed = kind === "refund" ? -Number(amount) : Number(amount);
      w.write(`${id},${m.merchant_id},${customerIds.get(bankCustomer)},${signed},${currency},${occurredAt},${parts.year}-${parts.month}-${parts.day},${Number(parts.hour)},${channel},${kind}\n`);
    }
    await new Promise((r) => w.end(r));

    async function* chunks(file: string) {
      const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
      let buf: string[] = [];
      for await (const l of rl) {
        buf.push(l);
        if (buf.length >= 20000) { yield buf.join("\n") + "\n"; buf = []; }
      }
      if (buf.length) yield buf.join("\n") + "\n";
    }
    const cols = ["bank_transaction_id", "merchant_id", "customer_id", "amount_minor", "currency", "occurred_at", "local_date", "local_hour", "channel", "kind"];
    let t0 = process.hrtime.bigint();
    await database.copyCsv("transactions", cols, chunks(tableCsv));
    const copySeconds = seconds(t0);
    await database.db.execute(sql`truncate transactions`);

    t0 = process.hrtime.bigint();
    const report = await mustIngest(database, "transactions", canonical);
    const ingestSeconds = seconds(t0);
    const result = {
      database: kind,
      rows: report.rowsInserted,
      bareCopyRowsPerSecond: Math.round(ROWS / copySeconds),
      ingestRowsPerSecond: Math.round(report.rowsInserted / ingestSeconds),
      ratio: Number((copySeconds / ingestSeconds).toFixed(3)),
    };
    console.log("ingest", JSON.stringify(result));
    return result;
  } finally {
    await database.close();
    await dropDatabase(kind, `bench_ingest_${kind}_${process.pid}`);
  }
}

/** Removes a benchmark database made by {@link freshDatabase}. */
async function dropDatabase(kind: "pglite" | "postgres", name: string): Promise<void> {
  if (kind === "pglite") {
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    return;
  }
  const admin = await openDatabase({ url: pgAdmin });
  await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
  await admin.close();
}

function quantile(sorted: number[], q: number) {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

async function timeCalls(fn: () => Promise<unknown>, calls: number) {
  await fn(); // warm-up: plans and caches, as a serving process would have them
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: Number(quantile(ms, 0.5).toFixed(2)), p95Ms: Number(quantile(ms, 0.95).toFixed(2)) };
}

/** The overview's figures straight from raw transactions (what the rollups spare a page). */
function rawOverviewQuery(merchantId: number, p: Period, prev: Period) {
  return sql`
    with per as (
      select case when local_date >= ${p.from}::date then 'current' else 'previous' end as which, *
      from transactions
      where merchant_id = ${merchantId} and local_date >= ${prev.from}::date and local_date < ${p.to}::date
    ), firsts as (
      select customer_id, min(local_date) as first_day from transactions
      where merchant_id = ${merchantId} and kind = 'purchase' group by customer_id
    )
    select which,
           coalesce(sum(amount_minor) filter (where kind = 'purchase'), 0) as gross,
           coalesce(-sum(amount_minor) filter (where kind = 'refund'), 0) as refunds,
           count(*) filter (where kind = 'purchase') as purchases,
           count(*) filter (where kind = 'refund') as refund_count,
           count(distinct customer_id) filter (where kind = 'purchase') as customers,
           (select count(*) from firsts f where f.first_day >= (case when which = 'current' then ${p.from}::date else ${prev.from}::date end)
                                          and f.first_day < (case when which = 'current' then ${p.to}::date else ${p.from}::date end)) as new_customers
    from per group by which`;
}

async function benchOverview(kind: "pglite" | "postgres") {
  const name = benchBankName(kind);
  const markerFile = path.join(dir, `${name}.loaded`);
  let database: Database;
  if (fs.existsSync(markerFile)) {
    database = kind === "pglite"
      ? await openDatabase({ dataDir: path.join(dir, name) })
      : await openDatabase({ url: Object.assign(new URL(pgAdmin), { pathname: `/${name}` }).toString() });
    // Idempotent: a bank loaded by an older checkout gets the tables added since.
    await migrateDatabase(database);
  } else {
    database = await freshDatabase(kind, name);
    const t0 = process.hrtime.bigint();
    await mustIngest(database, "merchants", path.join(synthetic, "merchants.csv"));
    await mustIngest(database, "customers", path.join(synthetic, "customers.csv"));
    const report = await mustIngest(database, "transactions", path.join(synthetic, "transactions.csv.gz"));
    const s = seconds(t0);
    const duck = await duckdbReadCsv(path.join(synthetic, "transactions.csv.gz"));
    console.log("full load", JSON.stringify({
      database: kind, rows: report.rowsInserted, seconds: Number(s.toFixed(1)), rowsPerSecond: Math.round(report.rowsInserted / s),
      duckdbReadCsvSeconds: Number(duck.seconds.toFixed(1)), duckdbRowsPerSecond: Math.round(duck.rows / duck.seconds),
      timesDuckdb: Number((s / duck.seconds).toFixed(1)),
    }));
    fs.writeFileSync(markerFile, new Date().toISOString());
  }
  try {
    const [largest] = await queryRows<MerchantRef & { purchases: number; last_day: string }>(
      database.db,
      sql`select m.id, m.slug, m.name, m.mcc, m.currency, m.time_zone as "timeZone", sum(d.purchases)::bigint as purchases, max(d.day) as last_day
          from merchants m join merchant_daily d on d.merchant_id = m.id
          group by m.id order by purchases desc limit 1`,
    );
    const merchant: MerchantRef = { id: largest.id, slug: largest.slug, name: largest.name, mcc: largest.mcc, currency: largest.currency, timeZone: largest.timeZone };
    const results = [];
    for (const days of [30, 365]) {
      const period = presetPeriod(days, addDays(largest.last_day, 1));
      const prev = previousPeriod(period);
      const rollup = await timeCalls(() => withMerchantScope(database, merchant.id, (tx) => getOverview({ tx, merchant }, period)), CALLS);
      const raw = await timeCalls(() => withMerchantScope(database, merchant.id, (tx) => queryRows(tx, rawOverviewQuery(merchant.id, period, prev))), CALLS);
      const r = {
        database: kind, merchant: merchant.slug, merchantPurchases: largest.purchases, periodDays: days,
        rollup, rawScan: raw,
        p95Speedup: Number((raw.p95Ms / rollup.p95Ms).toFixed(1)),
        medianSpeedup: Number((raw.medianMs / rollup.medianMs).toFixed(1)),
      };
      console.log("overview", JSON.stringify(r));
      results.push(r);
    }
    if (!values["skip-competitors"]) results.push(...(await benchCompetitors(database, kind, CALLS)));
    return results;
  } finally {
    await database.close();
  }
}

async function main() {
  fs.mkdirSync(dir, { recursive: true });
  ensureSynthetic();
  const kinds: Array<"pglite" | "postgres"> = values.db === "both" ? ["postgres", "pglite"] : [values.db as "pglite" | "postgres"];
  const summary: Record<string, unknown> = { machine: `${process.platform} ${process.arch}, node ${process.version}`, at: new Date().toISOString() };
  for (const kind of kinds) {
    if (!values["skip-ingest"]) summary[`ingest_${kind}`] = await benchIngest(kind);
    if (!values["skip-overview"]) summary[`overview_${kind}`] = await benchOverview(kind);
    if (!values["skip-campaigns"]) summary[`campaigns_${kind}`] = await benchCampaigns(kind);
    if (!values["skip-findings"]) summary[`findings_forecast_${kind}`] = await benchFindingsForecast(kind);
    if (!values["skip-models"] && kind === "postgres") summary.models_postgres = await benchModels();
    if (!values["skip-scale"]) summary[`scale_${kind}`] = await benchScale(kind, { scale: Number(values.scale), calls: CALLS });
  }
  fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify(summary, null, 2));
  console.log("\nresults written to .data/bench/results.json");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
