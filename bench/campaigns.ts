/**
 * Campaign figures for docs/performance.md (bench/run.ts calls {@link benchCampaigns}; alone:
 * `npx tsx bench/campaigns.ts [--db pglite|postgres|both] [--rows N]`).
 *
 * 1. Upload throughput: a campaign file of N rows (default 1,000,000; the planted campaign of
 *    lib/synthetic/campaign.ts, written to a temp dir) through lib/campaigns importCampaign:
 *    stream, validate, COPY into staging, duplicate and group checks, one merge. Rows/s.
 * 2. Report compute time of that campaign (runCampaignReport: lifts, bootstrap, T-learner and
 *    class transformation on ≤ 60,000 training rows, held-out Qini, k-means, SHAP, the effect of
 *    every customer, stored in one transaction), and of Hillstrom (64,000 rows) when present.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, queryRows, type Database } from "@/db/client";
import { importCampaign, runCampaignReport } from "@/lib/campaigns";
import { DEFAULT_CAMPAIGN, writeSyntheticCampaign } from "@/lib/synthetic/campaign";

type Kind = "pglite" | "postgres";
const HILLSTROM = path.resolve("../shared/data/hillstrom/hillstrom.csv");

async function openFresh(kind: Kind, name: string, dir: string): Promise<Database> {
  if (kind === "pglite") {
    const dataDir = path.join(dir, name);
    fs.rmSync(dataDir, { recursive: true, force: true });
    const database = await openDatabase({ dataDir });
    await migrateDatabase(database);
    return database;
  }
  const admin = await openDatabase({ url: process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" });
  await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
  await admin.db.execute(sql.raw(`create database ${name}`));
  await admin.close();
  const url = new URL(process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  await migrateDatabase(database);
  return database;
}

/** Runs the campaign figures on one database; returns them (also printed). */
export async function benchCampaigns(kind: Kind, rows = 1_000_000, dir = path.resolve(".data/bench")): Promise<Record<string, unknown>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-campaign-"));
  const file = path.join(tmp, `campaign-${rows}.csv`);
  const database = await openFresh(kind, "bench_campaigns", dir);
  try {
    const t0 = performance.now();
    await writeSyntheticCampaign(file, { ...DEFAULT_CAMPAIGN, customers: rows });
    const generateMs = performance.now() - t0;
    const [m] = await queryRows<{ id: number }>(
      database.db,
      sql`insert into merchants (slug, name, mcc, time_zone, currency) values ('bench-campaigns', 'Bench', '5411', 'UTC', 'USD') returning id`,
    );
    const rss0 = process.memoryUsage().rss;
    const t1 = performance.now();
    const imported = await importCampaign(database, { merchantId: m.id, file });
    const importMs = performance.now() - t1;
    if (!imported.ok) throw new Error(`bench: import failed: ${JSON.stringify(imported.errors.slice(0, 3))}`);
    const rssAfterImport = process.memoryUsage().rss;
    const t2 = performance.now();
    const report = await runCampaignReport(database, imported.campaignId!);
    const reportMs = performance.now() - t2;
    if (report.status !== "succeeded") throw new Error(`bench: report failed: ${report.error}`);
    const t3 = performance.now();
    const again = await importCampaign(database, { merchantId: m.id, file });
    const reimportMs = performance.now() - t3;
    const result: Record<string, unknown> = {
      database: kind,
      rows,
      fileMB: Number((fs.statSync(file).size / 1e6).toFixed(1)),
      generateS: Number((generateMs / 1000).toFixed(1)),
      importS: Number((importMs / 1000).toFixed(1)),
      importRowsPerSecond: Math.round(rows / (importMs / 1000)),
      importRssGrowthMB: Math.round((rssAfterImport - rss0) / 1e6),
      reportS: Number((reportMs / 1000).toFixed(1)),
      reportComputeS: Number((report.report!.computeMs / 1000).toFixed(1)),
      reimportAlreadyPresent: again.alreadyPresent,
      reimportS: Number((reimportMs / 1000).toFixed(1)),
    };
    if (fs.existsSync(HILLSTROM)) {
      const h = await importCampaign(database, { merchantId: m.id, file: HILLSTROM, format: "hillstrom" });
      const t4 = performance.now();
      const hr = await runCampaignReport(database, h.campaignId!);
      result.hillstromImportS = Number((h.elapsedMs / 1000).toFixed(1));
      result.hillstromReportS = Number(((performance.now() - t4) / 1000).toFixed(1));
      result.hillstromQini = hr.report!.actions.map((a) => ({ action: a.action, tLearner: a.uplift?.tLearner.qini, random: a.uplift?.random.qini }));
    }
    console.log("campaigns", JSON.stringify(result));
    return result;
  } finally {
    await database.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (kind === "pglite") fs.rmSync(path.join(dir, "bench_campaigns"), { recursive: true, force: true });
  }
}

const isEntry = process.argv[1] && /bench[\\/]campaigns\.ts$/.test(process.argv[1]);
if (isEntry) {
  const { values } = parseArgs({ options: { db: { type: "string", default: "both" }, rows: { type: "string", default: "1000000" } } });
  const kinds: Kind[] = values.db === "both" ? ["postgres", "pglite"] : [values.db as Kind];
  (async () => {
    for (const kind of kinds) await benchCampaigns(kind, Number(values.rows));
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
