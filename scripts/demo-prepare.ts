/**
 * The demo's data step (run by scripts/demo.ts in its own process: PGlite admits one process per
 * data directory). Loads what the featured demo users need before the server starts, and queues
 * the rest for the server's in-process worker:
 *  - foreground: migrate; the synthetic bank's merchants and customers; the transactions of the
 *    featured synthetic merchants (the synthetic owner's and the Start owner's); Online Retail and
 *    CDNOW when ../shared/data has them. Their model jobs are queued by the loads themselves.
 *  - background (`load` jobs, one per merchant, the relationship manager's portfolio first): the
 *    other synthetic merchants' transactions, each file a small all-or-nothing ingest so the
 *    server stays responsive between them; each load queues its merchant's model jobs.
 *
 * With --all-now (the demo's --setup-only, e2e) every transaction loads in the foreground, in
 * one ingest.
 *
 * Usage: tsx scripts/demo-prepare.ts --bank DIR [--shared DIR] [--all-now] (DIR holds `npm run generate --
 * --no-load` output). Prints one line per step with its seconds.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import zlib from "node:zlib";
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase, migrateDatabase } from "@/db/client";
import { QUEUES } from "@/db/queue";
import { ingestFile, type IngestFormat } from "@/lib/ingest";
import { sendJob } from "@/lib/jobs/outbox";

const { values } = parseArgs({ options: { bank: { type: "string" }, shared: { type: "string" }, "all-now": { type: "boolean", default: false } } });

/** The synthetic owner's merchant (scripts/demo-users.ts FEATURED_SYNTHETIC: Moscow grocery, the best-populated peer group). */
const FEATURED_SYNTHETIC = "msk-grocery-1";
/** The Start owner's merchant: the ninth synthetic slug (scripts/demo-users.ts startPlanSlug). */
const START_PLAN_RANK = 8;

async function timed<T>(title: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const out = await fn();
  console.log(`  ✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return out;
}

async function load(format: IngestFormat, file: string) {
  const database = await getDatabase();
  const report = await ingestFile(database, { format, file });
  if (!report.ok) throw new Error(`${path.basename(file)} refused: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return report;
}

/** Rows per background load: one all-or-nothing ingest each, so no single statement holds the server for long. */
const PIECE_ROWS = 8_000;

/**
 * Splits the bank's transactions by merchant into `dir/<slug>.<n>.csv` pieces of at most
 * PIECE_ROWS rows (header kept); returns slug -> its piece files.
 */
async function splitByMerchant(bank: string, dir: string): Promise<Map<string, string[]>> {
  const slugByBankId = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(bank, "merchants.csv"), "utf8").split("\n").slice(1)) {
    const [bankId, slug] = line.split(",");
    if (bankId && slug) slugByBankId.set(bankId, slug);
  }
  fs.mkdirSync(dir, { recursive: true });
  const lines = readline.createInterface({ input: fs.createReadStream(path.join(bank, "transactions.csv.gz")).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  let header = "";
  const buffers = new Map<string, string[]>();
  for await (const line of lines) {
    if (!header) {
      header = line;
      continue;
    }
    const first = line.indexOf(",");
    const slug = slugByBankId.get(line.slice(first + 1, line.indexOf(",", first + 1)));
    if (!slug) throw new Error(`transactions: unknown merchant in line ${line.slice(0, 60)}`);
    let buf = buffers.get(slug);
    if (!buf) buffers.set(slug, (buf = []));
    buf.push(line);
  }
  const files = new Map<string, string[]>();
  for (const [slug, rows] of buffers) {
    // by time (field 6, ISO with the merchant's fixed offset): each piece then touches its own
    // days, so each load's rollup refresh covers a few weeks rather than the whole history
    const keyed = rows.map((line) => ({ line, at: line.split(",", 6)[5] }));
    keyed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (let i = 0; i < keyed.length; i++) rows[i] = keyed[i].line;
    const pieces: string[] = [];
    for (let i = 0; i < rows.length; i += PIECE_ROWS) {
      const file = path.join(dir, `${slug}.${pieces.length + 1}.csv`);
      fs.writeFileSync(file, `${header}\n${rows.slice(i, i + PIECE_ROWS).join("\n")}\n`);
      pieces.push(file);
    }
    files.set(slug, pieces);
  }
  return files;
}

async function main() {
  if (!values.bank) throw new Error("usage: demo-prepare.ts --bank DIR [--shared DIR]");
  const bank = path.resolve(values.bank);
  const database = await getDatabase();
  await timed("migrate", () => migrateDatabase(database));
  await timed("merchants", () => load("merchants", path.join(bank, "merchants.csv")));
  await timed("customers", () => load("customers", path.join(bank, "customers.csv")));
  if (values["all-now"]) {
    // No server to keep responsive (--setup-only, e2e): the whole bank in one load, the fastest way.
    await timed("transactions (all merchants)", () => load("transactions", path.join(bank, "transactions.csv.gz")));
  }
  const files = values["all-now"] ? new Map<string, string[]>() : await timed("split the transactions by merchant", () => splitByMerchant(bank, path.join(bank, "by-merchant")));
  const slugs = [...files.keys()].sort();
  const foreground = [slugs.includes(FEATURED_SYNTHETIC) ? FEATURED_SYNTHETIC : slugs[0], slugs[START_PLAN_RANK]].filter((s): s is string => s !== undefined);
  for (const slug of foreground) {
    await timed(`transactions of ${slug}`, async () => {
      for (const file of files.get(slug)!) await load("transactions", file);
    });
  }
  const retail = values.shared ? path.join(values.shared, "online_retail", "online_retail.csv.gz") : "";
  const cdnow = values.shared ? path.join(values.shared, "cdnow", "cdnow_master.csv") : "";
  if (retail && fs.existsSync(retail) && fs.existsSync(cdnow)) {
    await timed("Online Retail (real)", () => load("online-retail", retail));
    await timed("CDNOW (real)", () => load("cdnow", cdnow));
  } else {
    console.log("  (no shared data: the real Online Retail and CDNOW merchants are skipped)");
  }
  // The rest in the background, the relationship manager's portfolio (the first slugs) first.
  const rest = slugs.filter((s) => !foreground.includes(s));
  await timed(`queue the background loads of ${rest.length} merchants`, async () => {
    // singleton key "<slug>:<piece>": a merchant's models job waits while a piece of it is pending
    for (const slug of rest) {
      for (const [i, file] of files.get(slug)!.entries()) await sendJob(database.db, QUEUES.load, { format: "transactions", file }, `${slug}:${i + 1}`);
    }
  });
  await closeDatabase();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
