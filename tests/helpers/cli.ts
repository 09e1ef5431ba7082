import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDatabase, openDatabase, type Database } from "@/db/client";
import { openTestDatabase, TEST_DIALECT } from "./db";

const TSX = path.join(process.cwd(), "node_modules", ".bin", "tsx");

/** A seeded database the CLI can open in a child process, and how to run the CLI against it. */
export interface CliDatabase {
  run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  cleanup(): Promise<void>;
}

/**
 * Prepares a fresh database for CLI tests on the suite's dialect: a PGlite directory (closed
 * again after seeding, since PGlite admits one process per directory) or a new PostgreSQL
 * database, seeded by `seed`; `run` executes `tsx scripts/cli.ts …` with the environment pointing
 * at it and resolves with its exit code and output.
 */
export async function prepareCliDatabase(prefix: string, seed: (database: Database) => Promise<void>): Promise<CliDatabase> {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  if (TEST_DIALECT === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-pglite-`));
    const database = await openDatabase({ dataDir: dir });
    await migrateDatabase(database);
    await seed(database);
    await database.close();
    env = { ...process.env, PGLITE_DIR: dir, DATABASE_URL: "" };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const database = await openTestDatabase();
    await seed(database);
    env = { ...process.env, DATABASE_URL: database.url };
    cleanup = () => database.close();
  }
  return {
    cleanup,
    run: (...args) =>
      new Promise((resolve) => {
        execFile(TSX, ["scripts/cli.ts", ...args], { env, cwd: process.cwd(), timeout: 120_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
  };
}
