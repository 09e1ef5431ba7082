/**
 * Issue 14 item 6: crash debris. A load is killed with SIGKILL (a real kill -9 of a child
 * process) while it merges; before the fix its staging rows and unfinished batch stayed forever.
 * The sweep removes them (and only them: a live load's batch and a living process's upload
 * folder stay), the next load of the same file succeeds, and every load sweeps first.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, queryRows, type Database } from "@/db/client";
import { ensureMerchant, ingestFile, ownedTempDir, sweepCrashDebris } from "@/lib/ingest";
import { INGEST_BATCH_LOCK } from "@/lib/ingest/sweep";
import { openTestDatabase, TEST_DIALECT } from "../helpers/db";

const HEADER = "transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind";
const ROWS = 60_000;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sweep-test-"));
let env: NodeJS.ProcessEnv;
let open: () => Promise<Database>;
let cleanup: () => Promise<void>;
let file: string;

beforeAll(async () => {
  let seedDb: Database;
  if (TEST_DIALECT === "pglite") {
    const dir = path.join(work, "pglite");
    seedDb = await openDatabase({ dataDir: dir });
    await migrateDatabase(seedDb);
    env = { ...process.env, PGLITE_DIR: dir, DATABASE_URL: "" };
    open = () => openDatabase({ dataDir: dir });
    cleanup = async () => undefined;
  } else {
    const pg = await openTestDatabase();
    seedDb = pg;
    env = { ...process.env, DATABASE_URL: pg.url };
    open = () => openDatabase({ url: pg.url });
    cleanup = () => pg.close();
  }
  await ensureMerchant(seedDb, { slug: "crash-shop", name: "Crash Shop", mcc: "5411", timeZone: "Europe/Moscow", currency: "RUB", country: "RU", city: null, bankMerchantIds: ["crash-t1"] });
  if (TEST_DIALECT === "pglite") await seedDb.close();
  const lines = [HEADER];
  for (let i = 0; i < ROWS; i += 1) {
    lines.push(`crash-${i},crash-t1,c${i % 5000},${100 + (i % 900)},RUB,2024-0${1 + (i % 9)}-1${i % 10}T10:00:00Z,offline,purchase`);
  }
  file = path.join(work, "big.csv");
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
}, 300_000);
afterAll(async () => {
  await cleanup?.();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Starts the child load and kills it with SIGKILL once it reports the merge phase. */
async function killDuringMerge(): Promise<void> {
  // node itself (not the tsx wrapper, which would run the load in a grandchild that survives the kill).
  const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/ingest-child.ts", file], { env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += String(d)));
  await new Promise<void>((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (d) => {
      buffered += String(d);
      if (/"phase":"merge"/.test(buffered)) {
        // The merge transaction is under way (staging is full): kill -9 now.
        setTimeout(() => child.kill("SIGKILL"), 50);
      }
      if (/"done"/.test(buffered)) reject(new Error("the load finished before it could be killed"));
    });
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

const count = async (db: Database, q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(db.db, q))[0].n;

describe("crash debris (kill -9 mid-ingest)", () => {
  it("a load killed during its merge leaves debris; the sweep removes exactly it; the next load succeeds", async () => {
    await killDuringMerge();
    const db = await open();
    try {
      const unfinished = await queryRows<{ id: number }>(db.db, sql`select id from ingest_batches where finished_at is null`);
      expect(unfinished).toHaveLength(1); // the debris the issue found
      // PostgreSQL kept every staged row (COPY committed before the merge began); PGlite persists
      // to its folder lazily, so it may have lost some or all of them with the process.
      const staged = await count(db, sql`select count(*)::int as n from staging_transactions`);
      if (TEST_DIALECT === "postgres") expect(staged).toBe(ROWS);
      else expect(staged).toBeLessThanOrEqual(ROWS);
      expect(await count(db, sql`select count(*)::int as n from transactions`)).toBe(0);

      // On PostgreSQL the killed client's backend finishes (and rolls back) its running statement
      // before it notices the closed socket; until then it still holds the batch's lock and the
      // sweep rightly leaves the batch alone. So: sweep until it is gone (a minute at most).
      let report = await sweepCrashDebris(db, { minBatchAgeSeconds: 0, tmpRoot: work });
      for (let i = 0; i < 240 && report.batchesRemoved.length === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 250));
        report = await sweepCrashDebris(db, { minBatchAgeSeconds: 0, tmpRoot: work });
      }
      expect(report).toMatchObject({ ran: true, batchesRemoved: [unfinished[0].id], orphanStagingRows: 0 });
      expect(await count(db, sql`select count(*)::int as n from staging_transactions`)).toBe(0);
      expect(await count(db, sql`select count(*)::int as n from ingest_batches where finished_at is null`)).toBe(0);
      // Idempotent.
      expect(await sweepCrashDebris(db, { minBatchAgeSeconds: 0, tmpRoot: work })).toMatchObject({ ran: true, batchesRemoved: [], orphanStagingRows: 0 });

      const again = await ingestFile(db, { format: "transactions", file });
      expect(again).toMatchObject({ ok: true, rowsInserted: ROWS });
    } finally {
      await db.close();
    }
  }, 240_000);

  it("never removes a live load's batch, nor a living process's upload folder; removes a dead one's", async () => {
    const db = await open();
    try {
      const [batch] = await queryRows<{ id: number }>(db.db, sql`insert into ingest_batches (format, file_name, file_sha256, started_at) values ('transactions', 'live.csv', '', now() - interval '1 hour') returning id`);
      await db.db.execute(sql`insert into staging_transactions (batch_id, line, bank_transaction_id, merchant_id, bank_customer_id, amount_minor, currency, occurred_at, channel, kind)
        select ${batch.id}, 2, 'live-1', m.id, 'c1', 100, 'RUB', now(), 'offline', 'purchase' from merchants m where m.slug = 'crash-shop'`);
      const hold = await db.tryLock([INGEST_BATCH_LOCK, batch.id]);
      expect(hold).not.toBeNull();
      const mine = await ownedTempDir(work);
      const dead = await ownedTempDir(work);
      const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
      fs.writeFileSync(path.join(dead, ".owner-pid"), gone.stdout);
      fs.writeFileSync(path.join(dead, "upload.csv"), "half a file");

      const report = await sweepCrashDebris(db, { minBatchAgeSeconds: 0, tmpRoot: work });
      expect(report.batchesRemoved).toEqual([]);
      expect(report.tempDirsRemoved).toEqual([dead]);
      expect(fs.existsSync(mine)).toBe(true);
      expect(await count(db, sql`select count(*)::int as n from staging_transactions where batch_id = ${batch.id}`)).toBe(1);

      await hold!();
      expect((await sweepCrashDebris(db, { minBatchAgeSeconds: 0, tmpRoot: work })).batchesRemoved).toEqual([batch.id]);
      fs.rmSync(mine, { recursive: true, force: true });
    } finally {
      await db.close();
    }
  }, 120_000);
});
