import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, type Database } from "@/db/client";
import { createLocalDatabase } from "@/db/cluster";

/** Which database the integration suite runs on: `TEST_DATABASE=pglite` (default) or `postgres`. */
export const TEST_DIALECT = (process.env.TEST_DATABASE ?? "pglite") as "pglite" | "postgres";

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

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
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  // On a Citus coordinator this also creates the extension and registers the workers.
  const { url, citus } = await createLocalDatabase(ADMIN_URL, name);
  let database = await openDatabase({ url });
  await migrateDatabase(database);
  if (citus) {
    // the database-level settings of the Citus step (db/distribute.ts) apply to new connections only
    await database.close();
    database = await openDatabase({ url });
  }
  const opened = database;
  return {
    ...opened,
    url,
    async close() {
      await opened.close();
      const again = await openDatabase({ url: ADMIN_URL });
      await again.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await again.close();
    },
  };
}

let seq = 0;
/** A unique slug for a merchant seeded by one test. */
export function uniqueSlug(prefix = "m"): string {
  seq += 1;
  return `${prefix}-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 7)}`;
}
