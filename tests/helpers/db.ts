import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, type Database } from "@/db/client";

/** Which database the integration suite runs on: `TEST_DATABASE=pglite` (default) or `postgres`. */
export const TEST_DIALECT = (process.env.TEST_DATABASE ?? "pglite") as "pglite" | "postgres";

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Refuses to run tests against anything but a database on this machine. */
function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`tests refuse to run against a non-local database (${host})`);
  }
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new PostgreSQL
 * database `test_<random>` on the local server that `close()` drops again.
 */
export async function openTestDatabase(): Promise<Database & { url?: string }> {
  if (TEST_DIALECT === "pglite") {
    const database = await openDatabase({ dataDir: "memory://" });
    await migrateDatabase(database);
    return database;
  }
  assertLocal(ADMIN_URL);
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = await openDatabase({ url: ADMIN_URL });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const workers = await citusWorkers(admin);
  await admin.close();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let database = await openDatabase({ url: url.toString() });
  if (workers) {
    // A Citus coordinator: each database is a cluster of its own. The server propagates CREATE
    // DATABASE (citus.enable_create_database_propagation) but not the extension: it is created
    // on every worker and the coordinator, the admin database's workers are registered, then
    // migrateDatabase distributes.
    for (const w of workers) {
      const node = new URL(url);
      node.hostname = w.host;
      node.port = String(w.port);
      assertLocal(node.toString());
      const worker = await openDatabase({ url: node.toString() });
      await worker.raw(`create extension if not exists citus`);
      await worker.close();
    }
    await database.raw(`create extension if not exists citus`);
    for (const w of workers) await database.raw(`select citus_add_node($1, $2::int)`, [w.host, w.port]);
  }
  await migrateDatabase(database);
  if (workers) {
    // the database-level settings of the Citus step apply to new connections only
    await database.close();
    database = await openDatabase({ url: url.toString() });
  }
  const opened = database;
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
}

/**
 * The primary worker nodes of the admin database when it is a Citus coordinator (the extension
 * is installed there and nodes are registered), else null: single-node PostgreSQL.
 */
async function citusWorkers(admin: Database): Promise<{ host: string; port: number }[] | null> {
  const { rows } = await admin.raw(`select 1 from pg_extension where extname = 'citus'`);
  if (rows.length === 0) return null;
  const nodes = await admin.raw(
    `select nodename as host, nodeport as port from pg_dist_node where noderole = 'primary' and groupid <> 0 order by nodeid`,
  );
  return nodes.rows.map((r) => ({ host: String(r.host), port: Number(r.port) }));
}

let seq = 0;
/** A unique slug for a merchant seeded by one test. */
export function uniqueSlug(prefix = "m"): string {
  seq += 1;
  return `${prefix}-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 7)}`;
}
