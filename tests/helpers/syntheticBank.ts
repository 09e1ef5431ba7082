import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, type Database } from "@/db/client";
import { createLocalDatabase } from "@/db/cluster";
import { ingestFile, type IngestFormat } from "@/lib/ingest";
import { BANK_FILES, writeBank } from "@/lib/synthetic";
import { openTestDatabase, TEST_DIALECT } from "./db";
import { isAlive } from "./process";

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SMALL_BANK = { seed: 42, customers: 3000, targetTransactions: 120_000 } as const;

/**
 * The vitest run this test file belongs to: the pool's worker processes are children of the run's
 * main process (tests/helpers/globalSetup.ts removes that run's copies, `test_bank_<pid>` and
 * `test-bank-<pid>.tar`, when it ends).
 */
const TEST_RUN_PID = process.ppid;

/** The PostgreSQL template database of one run's loaded small bank. */
const bankTemplateName = (runPid: number) => `test_bank_${runPid}`;
/** The PGlite tarball of one run's loaded small bank. */
const bankTarballPath = (runPid: number) => path.join(os.tmpdir(), `test-bank-${runPid}.tar`);

/** Ingests the bank's three files in `dir` into `database`. @throws Error when a file fails to ingest */
async function ingestBank(database: Database, dir: string): Promise<void> {
  for (const [format, name] of [
    ["merchants", BANK_FILES.merchants],
    ["customers", BANK_FILES.customers],
    ["transactions", BANK_FILES.transactions],
  ] as [IngestFormat, string][]) {
    const report = await ingestFile(database, { format, file: path.join(dir, name) });
    if (!report.ok) throw new Error(`the synthetic bank's ${name} failed to ingest: ${JSON.stringify(report.errors?.slice(0, 3))}`);
  }
}

const random = () => Math.random().toString(36).slice(2, 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** First half of the advisory lock key that serialises building a run's template (the run's pid is the second). */
const BUILD_LOCK = 0x7e57ba4c;

/**
 * Loads the bank into a database of its own name and renames it to `template` only once fully
 * loaded, so a half-built template is never copied (a crash leaves a `test_bank_<pid>_<random>`
 * that globalSetup drops with the dead run's other copies).
 */
async function buildPostgresTemplate(admin: Database, template: string, dir: string): Promise<void> {
  const building = `${template}_${random()}`;
  await createLocalDatabase(ADMIN_URL, building);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${building}`;
  const database = await openDatabase({ url: url.toString() });
  try {
    await migrateDatabase(database);
    await ingestBank(database, dir);
  } finally {
    await database.close();
  }
  await admin.raw(`alter database ${building} rename to ${template}`);
}

/**
 * PostgreSQL: a new database copied from the run's template (CREATE DATABASE … TEMPLATE), the
 * template built by the first file that asks, under an advisory lock the others wait on.
 */
async function fromPostgresTemplate(dir: string): Promise<Database & { url: string }> {
  const template = bankTemplateName(TEST_RUN_PID);
  const admin = await openDatabase({ url: ADMIN_URL });
  try {
    const exists = async () => (await admin.raw(`select 1 from pg_database where datname = $1`, [template])).rows.length > 0;
    // One builder per run: the others wait for the template rather than load a bank of their own.
    let release: (() => Promise<void>) | null = null;
    while (!(await exists()) && !(release = await admin.tryLock([BUILD_LOCK, TEST_RUN_PID]))) await sleep(500);
    if (release) {
      try {
        if (!(await exists())) await buildPostgresTemplate(admin, template, dir);
      } finally {
        await release();
      }
    }
    const name = `test_${process.pid}_${random()}`;
    // CREATE DATABASE refuses a template with other sessions in it; none should be, but a
    // concurrent copy's own check can race it for a moment.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await admin.raw(`create database ${name} template ${template}`);
        break;
      } catch (err) {
        if (attempt >= 5 || !String(err).includes("being accessed by other users")) throw err;
        await sleep(200 * attempt);
      }
    }
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const opened = await openDatabase({ url: url.toString() });
    return {
      ...opened,
      url: url.toString(),
      async close() {
        await opened.close();
        const again = await openDatabase({ url: ADMIN_URL });
        await again.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
        await again.close();
      },
    };
  } finally {
    await admin.close();
  }
}

/**
 * PGlite: a new in-memory database started from the run's tarball of the loaded bank, written by
 * the first file that asks (to a temporary name, then renamed: never half-written) while the
 * others wait on a lock file holding its pid (a dead holder's lock is taken over).
 */
async function fromPgliteTarball(dir: string): Promise<Database> {
  const tarball = bankTarballPath(TEST_RUN_PID);
  const lock = `${tarball}.lock`;
  while (!fs.existsSync(tarball)) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
    } catch {
      const holder = Number(fs.readFileSync(lock, "utf8") || "0");
      if (holder > 0 && !isAlive(holder)) fs.rmSync(lock, { force: true });
      else await sleep(500);
      continue;
    }
    try {
      if (!fs.existsSync(tarball)) {
        const database = await openTestDatabase();
        try {
          await ingestBank(database, dir);
          const blob = await database.dumpDataDir!();
          const partial = `${tarball}.${process.pid}.${random()}`;
          fs.writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
          fs.renameSync(partial, tarball);
        } finally {
          await database.close();
        }
      }
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
  return openDatabase({ dataDir: "memory://", loadDataDir: new Blob([fs.readFileSync(tarball)]) });
}

/**
 * The small synthetic bank of the integration tests (seed 42, 3,000 customers, about 120,000
 * transactions; docs/synthetic-bank.md), written to a new temporary folder and ingested
 * (merchants, customers, transactions) into a fresh test database.
 *
 * The load (about 25 s on PostgreSQL and 45 s on PGlite) is done once per vitest run and copied
 * for every file that asks: a PostgreSQL template database, a PGlite data-directory tarball
 * (tests/helpers/globalSetup.ts removes both when the run ends). On a Citus coordinator every
 * file loads its own (a distributed database cannot be a template).
 *
 * @param prefix names the temporary folder (`<prefix>-XXXXXX` under the OS temp dir)
 * @returns the database, the folder with the bank's files (its truths included), and `cleanup`
 *          that closes the database and removes the folder
 * @throws Error when a file fails to ingest
 */
export async function loadSmallSyntheticBank(prefix: string): Promise<{ database: Database; dir: string; cleanup: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    await writeBank(dir, SMALL_BANK);
    let database: Database;
    if (TEST_DIALECT === "pglite") database = await fromPgliteTarball(dir);
    else if (await isCitus()) {
      database = await openTestDatabase();
      try {
        await ingestBank(database, dir);
      } catch (err) {
        await database.close();
        throw err;
      }
    } else database = await fromPostgresTemplate(dir);
    const cleanup = async () => {
      await database.close();
      removeDir();
    };
    return { database, dir, cleanup };
  } catch (err) {
    removeDir();
    throw err;
  }
}

async function isCitus(): Promise<boolean> {
  const admin = await openDatabase({ url: ADMIN_URL });
  try {
    return (await admin.raw(`select 1 from pg_extension where extname = 'citus'`)).rows.length > 0;
  } finally {
    await admin.close();
  }
}
