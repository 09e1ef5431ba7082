import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { discardBatch } from "./staging";

/*
 * Crash debris (issue 14 item 6; wall 5 of ARCHITECTURE.md: "a crash leaves nothing that the
 * next run does not clean up"). A load killed with -9 left its staging rows (1.2 M rows, 253 MB
 * after two kills) and its unfinished ingest_batches row forever, and a killed upload left its
 * file in the temp folder. Every load holds the advisory lock of its batch while it runs
 * (INGEST_BATCH_LOCK, taken right after the batch row is created); a crash ends the session and
 * frees it. The sweep removes what no live run owns: unfinished batches whose lock it can take,
 * staging rows of no batch, and upload folders whose owning process is gone. It runs at the start
 * of every load, from `npm run cli -- sweep`, and (issue 15) from the worker's schedule.
 */

/** Advisory lock namespace of a running load: (INGEST_BATCH_LOCK, batch id). */
export const INGEST_BATCH_LOCK = 1_414_001;
/** Advisory lock that lets one sweep run at a time: (SWEEP_LOCK, 0). */
const SWEEP_LOCK = 1_414_002;
/**
 * A batch younger than this is left alone even when its lock is free: a load creates its batch
 * row and takes the lock a few milliseconds apart.
 */
const MIN_BATCH_AGE_SECONDS = 60;
/** Prefix of the temp folders uploads write into (ownedTempDir); the sweep looks at no others. */
const UPLOAD_DIR_PREFIX = "mi-upload-";
const OWNER_FILE = ".owner-pid";
/** A folder without a readable owner is removed only once it is older than this (ms). */
const UNOWNED_DIR_AGE_MS = 60 * 60 * 1000;

/** What one sweep removed. */
export interface SweepReport {
  /** false when another sweep was running (this one did nothing). */
  ran: boolean;
  batchesRemoved: number[];
  orphanStagingRows: number;
  tempDirsRemoved: string[];
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A new temp folder for an upload, marked with this process's id so a sweep in another process
 * leaves it alone while this process lives. Remove it when done (fs.rm); a crash leaves it to the
 * sweep.
 * @returns the folder's absolute path
 */
export async function ownedTempDir(tmpRoot: string = os.tmpdir()): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(tmpRoot, UPLOAD_DIR_PREFIX));
  await fs.promises.writeFile(path.join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

async function sweepTempDirs(tmpRoot: string, now: number): Promise<string[]> {
  const removed: string[] = [];
  const names = await fs.promises.readdir(tmpRoot).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(UPLOAD_DIR_PREFIX)) continue;
    const dir = path.join(tmpRoot, name);
    const owner = Number(await fs.promises.readFile(path.join(dir, OWNER_FILE), "utf8").catch(() => "NaN"));
    if (Number.isInteger(owner) && owner > 0) {
      if (processAlive(owner)) continue;
    } else {
      const stat = await fs.promises.stat(dir).catch(() => null);
      if (!stat || now - stat.mtimeMs < UNOWNED_DIR_AGE_MS) continue;
    }
    await fs.promises.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/**
 * Removes the debris of crashed loads and uploads (see the module comment). Idempotent; safe
 * while other loads run (it never touches a batch whose lock is held, nor a folder whose owner
 * lives); one sweep at a time (a second concurrent call returns `ran: false`).
 * @param opts.tmpRoot where upload folders live (default os.tmpdir())
 * @param opts.minBatchAgeSeconds leave batches younger than this alone (default 60; tests 0)
 */
export async function sweepCrashDebris(database: Database, opts: { tmpRoot?: string; minBatchAgeSeconds?: number } = {}): Promise<SweepReport> {
  const guard = await database.tryLock([SWEEP_LOCK, 0]);
  if (!guard) return { ran: false, batchesRemoved: [], orphanStagingRows: 0, tempDirsRemoved: [] };
  try {
    const open = await queryRows<{ id: number }>(
      database.db,
      sql`select id from ingest_batches where finished_at is null and started_at < now() - make_interval(secs => ${opts.minBatchAgeSeconds ?? MIN_BATCH_AGE_SECONDS}) order by id`,
    );
    const batchesRemoved: number[] = [];
    for (const { id } of open) {
      const release = await database.tryLock([INGEST_BATCH_LOCK, id]);
      if (!release) continue; // a live load owns it
      try {
        await discardBatch(database, id);
        batchesRemoved.push(id);
      } finally {
        await release();
      }
    }
    const orphans = await queryRows<{ n: number }>(
      database.db,
      sql`with t as (delete from staging_transactions s where not exists (select 1 from ingest_batches b where b.id = s.batch_id) returning 1),
               c as (delete from staging_customers s where not exists (select 1 from ingest_batches b where b.id = s.batch_id) returning 1)
          select ((select count(*) from t) + (select count(*) from c))::int as n`,
    );
    const tempDirsRemoved = await sweepTempDirs(opts.tmpRoot ?? os.tmpdir(), Date.now());
    return { ran: true, batchesRemoved, orphanStagingRows: orphans[0]?.n ?? 0, tempDirsRemoved };
  } finally {
    await guard();
  }
}
