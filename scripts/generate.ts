/**
 * `npm run generate -- [--seed N] [--customers N] [--transactions N] [--months N] [--scale X]
 *  [--out DIR] [--no-load] [--force]`
 *
 * Writes the deterministic synthetic bank (docs/synthetic-bank.md) to DIR (default
 * .data/synthetic): merchants.csv, customers.csv, transactions.csv.gz, truths.json,
 * customer_truths.csv, customer_mcc_truths.csv, switch_events.csv. Unless --no-load, applies
 * pending migrations and loads merchants, customers, then transactions through ingestFile into
 * DATABASE_URL, or the embedded PGlite (.data/pglite, PGLITE_DIR) when unset.
 *
 * Fast paths: files already in DIR for the same config (truths.json's config hash, file sizes)
 * are not regenerated; a database that already holds these exact files (finished ingest
 * batches with their sha256) is not reloaded. A database holding another
 * synthetic bank (other seed or size) is refused unless --force: its customers would be
 * overwritten before the transactions' ids clash.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase, migrateDatabase, type Database } from "@/db/client";
import { filesLoaded, ingestFile, merchantsHaveTransactions, type IngestFormat, type IngestReport } from "@/lib/ingest";
import { BANK_FILES, readWrittenBank, resolveBankConfig, writeBank, type BankConfig, type WrittenBank } from "@/lib/synthetic";
import { AppError } from "@/lib/errors";

const USAGE = `usage: npm run generate -- [--seed N] [--customers N] [--transactions N] [--months N]
                         [--scale X] [--out DIR] [--no-load] [--force]

Generates the synthetic bank (default: seed 42, 50,000 customers, ~2,000,000 transactions over the
24 months before 2026-11-01) into DIR (default .data/synthetic) and, unless --no-load, loads it into
the configured database. --scale shrinks customers and transactions together (merchants stay).`;

const number = (n: number) => n.toLocaleString("en-US");
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

/** A bad command line (400, code "usage": exit code 2 through lib/errors exitCodeOf). */
class UsageError extends AppError {
  constructor(message: string) {
    super("usage", 400, message);
  }
}

function parse(): { config: BankConfig; dir: string; load: boolean; force: boolean } | null {
  const { values } = parseArgs({
    options: {
      seed: { type: "string" },
      customers: { type: "string" },
      transactions: { type: "string" },
      months: { type: "string" },
      scale: { type: "string" },
      out: { type: "string" },
      "no-load": { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const scale = values.scale === undefined ? undefined : Number(values.scale);
  if (scale !== undefined && !(scale > 0)) throw new UsageError(`--scale must be a positive number, got "${values.scale}"`);
  const config: BankConfig = {
    seed: integer("seed", values.seed),
    customers: integer("customers", values.customers),
    targetTransactions: integer("transactions", values.transactions),
    months: integer("months", values.months),
    scale,
  };
  for (const key of Object.keys(config) as (keyof BankConfig)[]) if (config[key] === undefined) delete config[key];
  resolveBankConfig(config);
  return {
    config,
    dir: path.resolve(values.out ?? path.join(".data", "synthetic")),
    load: !values["no-load"],
    force: values.force,
  };
}

async function generate(dir: string, config: BankConfig): Promise<WrittenBank> {
  const existing = readWrittenBank(dir, config);
  if (existing) {
    console.log(`already generated in ${dir} (config ${existing.configHash.slice(0, 12)}): not regenerated`);
    return existing;
  }
  const resolved = resolveBankConfig(config);
  console.log(
    `generating: seed ${resolved.seed}, ${number(resolved.customers)} customers, ~${number(resolved.targetTransactions)} transactions, ${resolved.startDate}..${resolved.endDate} (exclusive) -> ${dir}`,
  );
  const tty = process.stderr.isTTY === true;
  const written = await writeBank(dir, config, (customers, transactions) => {
    const line = `  ${number(customers)} customers, ${number(transactions)} transactions`;
    // The summary below gives the final figures; a log file gets a line per 10,000 customers.
    if (tty) process.stderr.write(`\r${line}   `);
    else if (customers % 10_000 === 0 && customers < resolved.customers) console.log(line);
  });
  if (tty) process.stderr.write("\r\x1b[K");
  return written;
}

function describe(w: WrittenBank) {
  const s = w.summary;
  console.log(
    `bank: ${number(w.files.merchants.rows)} merchants, ${number(s.customers)} customers, ${number(s.transactions)} transactions ` +
      `(${number(s.purchases)} purchases, ${number(s.refunds)} refunds), ${number(s.switches)} switches, κ = ${w.kappa}` +
      (w.elapsedMs > 0 ? `, generated in ${(w.elapsedMs / 1000).toFixed(1)} s` : ""),
  );
  for (const f of Object.values(w.files)) console.log(`  ${f.file.padEnd(24)} ${mb(f.bytes).padStart(9)}  ${number(f.rows)} rows`);
}

/**
 * "loaded": the database has finished ingest batches for all three files (same sha256; ingest is
 * all-or-nothing, so a finished batch means the whole file is in). "other": the bank's merchants
 * hold transactions from other files (another seed or size). "absent": neither. Both queries
 * use indexes; counting the 2,000,000 rows instead took seconds on PGlite.
 */
async function loadState(database: Database, w: WrittenBank, bankMerchantIds: string[]): Promise<"loaded" | "other" | "absent"> {
  const shas = [w.files.merchants.sha256, w.files.customers.sha256, w.files.transactions.sha256];
  if (await filesLoaded(database, shas)) return "loaded";
  return (await merchantsHaveTransactions(database, bankMerchantIds)) ? "other" : "absent";
}

function reportLine(r: IngestReport): string {
  const seconds = r.elapsedMs / 1000;
  if (!r.ok) {
    const errors = r.errors.slice(0, 10).map((e) => `\n    line ${e.line}${e.column ? `, ${e.column}` : ""}: ${e.reason}`);
    return `  ${r.format}: REFUSED, ${number(r.errorCount)} error(s), nothing changed${errors.join("")}`;
  }
  return `  ${r.format}: ${number(r.rowsRead)} rows read, ${number(r.rowsInserted)} inserted, ${number(r.rowsAlreadyPresent)} already present (${seconds.toFixed(1)} s)`;
}

async function load(dir: string, w: WrittenBank, force: boolean): Promise<number> {
  const database = await getDatabase();
  try {
    await migrateDatabase(database);
    const merchantIds = fs
      .readFileSync(path.join(dir, BANK_FILES.merchants), "utf8")
      .split("\n")
      .slice(1)
      .filter((line) => line.length > 0)
      .map((line) => line.slice(0, line.indexOf(",")));
    const state = await loadState(database, w, merchantIds);
    if (state === "loaded") {
      console.log(`already loaded into ${database.dialect}: nothing to do`);
      return 0;
    }
    if (state === "other" && !force) {
      console.error(
        "the database already holds another synthetic bank (other seed or size) on these merchants; " +
          "use a fresh database (PGLITE_DIR or DATABASE_URL) or pass --force to load over it",
      );
      return 1;
    }
    const started = performance.now();
    const tty = process.stderr.isTTY === true;
    for (const [format, name] of [
      ["merchants", BANK_FILES.merchants],
      ["customers", BANK_FILES.customers],
      ["transactions", BANK_FILES.transactions],
    ] as [IngestFormat, string][]) {
      const report = await ingestFile(database, {
        format,
        file: path.join(dir, name),
        onProgress: (p) => {
          const text = `${format}: ${p.phase === "merge" ? "merging" : "reading"} ${number(p.rows)} rows, ${number(p.rowsPerSecond)} rows/s`;
          if (tty) process.stderr.write(`\r  ${text}   `);
          else if (p.phase === "merge") console.log(`  ${text}`);
        },
      });
      if (tty) process.stderr.write("\r\x1b[K");
      console.log(reportLine(report));
      if (!report.ok) return 1;
    }
    console.log(`loaded into ${database.dialect} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await closeDatabase();
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  const written = await generate(args.dir, args.config);
  describe(written);
  if (!args.load) return 0;
  return load(args.dir, written, args.force);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const messages: string[] = [];
    for (let e: unknown = err; e !== undefined && messages.length < 5; e = e instanceof Error ? e.cause : undefined) {
      messages.push(e instanceof Error ? e.message : String(e));
    }
    console.error(`generate failed: ${messages.join("\n  caused by: ")}`);
    process.exit(1);
  },
);
