import fs from "node:fs";
import os from "node:os";
import { openDatabase } from "@/db/client";
import { isAlive } from "./process";

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * Drops the PostgreSQL copies of the small synthetic bank (tests/helpers/syntheticBank.ts) whose
 * run is `runPid`, or, with `runPid` null, those of every run whose main process is gone (a run
 * killed before its teardown), and removes the matching PGlite tarballs and their leftovers.
 * A server that cannot be reached is skipped: unit-only runs need none.
 */
async function removeBankCopies(runPid: number | null): Promise<void> {
  const ours = (pid: number) => (runPid === null ? !isAlive(pid) : pid === runPid);
  for (const file of fs.readdirSync(os.tmpdir())) {
    const m = /^test-bank-(\d+)\.tar/.exec(file);
    if (m && ours(Number(m[1]))) fs.rmSync(`${os.tmpdir()}/${file}`, { force: true });
  }
  let admin;
  try {
    admin = await openDatabase({ url: ADMIN_URL });
    const { rows } = await admin.raw(`select datname from pg_database where datname like 'test\\_bank\\_%'`);
    for (const { datname } of rows as { datname: string }[]) {
      const m = /^test_bank_(\d+)(_[a-z0-9]+)?$/.exec(datname);
      if (m && ours(Number(m[1]))) await admin.raw(`drop database if exists ${datname} with (force)`);
    }
  } catch (err) {
    if (!/ECONNREFUSED|does not exist/.test(String(err))) throw err;
  } finally {
    await admin?.close();
  }
}

/** vitest globalSetup: clears a dead run's bank copies before the run, this run's after it. */
export async function setup(): Promise<() => Promise<void>> {
  await removeBankCopies(null);
  return () => removeBankCopies(process.pid);
}
