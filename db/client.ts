import path from "node:path";
import fs from "node:fs";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

/** The drizzle handle, the same type for both drivers (PGlite and postgres.js). */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A drizzle transaction or the database itself: anything `execute` can run on. */
export type Executor = Pick<Db, "execute">;

type Dialect = "pglite" | "postgres";

/**
 * One open database. `db` is drizzle; `copyCsv` bulk-loads CSV text into a table through the
 * driver's COPY (postgres.js streams to `COPY … FROM STDIN`, PGlite reads a Blob from
 * `/dev/blob`); callers pass chunks of complete CSV lines, so memory stays at one chunk.
 */
export interface Database {
  dialect: Dialect;
  db: Db;
  /** COPY chunks of CSV (no header) into `table (columns)`. Not in a transaction: use staging. */
  copyCsv(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<void>;
  /**
   * Takes the session-level advisory lock `key` (two int4) if no other live session holds it and
   * keeps it until the returned release is called or the process dies: PostgreSQL ends a killed
   * process's session, and with it the lock, so a lock that can be taken marks its owner dead.
   * PostgreSQL: pg_try_advisory_lock on a reserved connection. PGlite: a data directory admits
   * one process, so the locks held by this process are all there are (kept in memory).
   * @returns the release function, or null when another session holds the lock
   */
  tryLock(key: readonly [number, number]): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

// int8 and numeric arrive as JS numbers (minor units stay far below 2^53), dates as 'YYYY-MM-DD'.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const toNumber = (x: string) => (x === null ? null : Number(x));
const identity = (x: string) => x;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
function copyStatement(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`copyCsv: not a plain identifier: ${name}`);
  }
  return `COPY ${table} (${columns.join(", ")}) FROM ${source} WITH (FORMAT csv)`;
}

/** Where the embedded database keeps its files unless PGLITE_DIR says otherwise. */
function defaultPgliteDir(): string {
  return process.env.PGLITE_DIR ?? path.join(process.cwd(), ".data", "pglite");
}

/**
 * Opens a database: postgres.js when `url` is given, else embedded PGlite in `dataDir`
 * (`memory://` for an in-memory one). PGlite allows one process per data directory.
 */
export async function openDatabase(opts: { url?: string; dataDir?: string }): Promise<Database> {
  if (opts.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(opts.url, {
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
      onnotice: () => {},
      types: {
        int8: { to: INT8, from: [INT8], serialize: (x: unknown) => String(x), parse: toNumber },
        numeric: { to: NUMERIC, from: [NUMERIC], serialize: (x: unknown) => String(x), parse: toNumber },
        date: { to: DATE, from: [DATE], serialize: (x: unknown) => String(x), parse: identity },
      },
    });
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      dialect: "postgres",
      db,
      async copyCsv(table, columns, chunks) {
        const writable = await client.unsafe(copyStatement(table, columns, "STDIN")).writable();
        await new Promise<void>((resolve, reject) => {
          writable.on("error", reject);
          writable.on("finish", () => resolve());
          (async () => {
            for await (const chunk of chunks) {
              if (!writable.write(chunk)) await new Promise((r) => writable.once("drain", r));
            }
            writable.end();
          })().catch((err) => {
            writable.destroy(err);
            reject(err);
          });
        });
      },
      async tryLock([a, b]) {
        const conn = await client.reserve();
        try {
          const [row] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${a}::int4, ${b}::int4) as ok`;
          if (!row.ok) {
            conn.release();
            return null;
          }
        } catch (err) {
          conn.release();
          throw err;
        }
        return async () => {
          try {
            await conn`select pg_advisory_unlock(${a}::int4, ${b}::int4)`;
          } finally {
            conn.release();
          }
        };
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = opts.dataDir ?? defaultPgliteDir();
  if (!dataDir.startsWith("memory://")) fs.mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, {
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: identity },
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  const held = new Set<string>();
  return {
    dialect: "pglite",
    db,
    async copyCsv(table, columns, chunks) {
      const statement = copyStatement(table, columns, "'/dev/blob'");
      for await (const chunk of chunks) {
        if (chunk.length > 0) await client.query(statement, [], { blob: new Blob([chunk]) });
      }
    },
    async tryLock([a, b]) {
      const key = `${a}:${b}`;
      if (held.has(key)) return null;
      held.add(key);
      return async () => {
        held.delete(key);
      };
    },
    close: () => client.close(),
  };
}

const globalForDb = globalThis as unknown as { __database?: Promise<Database> };

/**
 * The process-wide database from the environment: `DATABASE_URL` (PostgreSQL) when set, else
 * embedded PGlite under `.data/pglite`. Cached on globalThis so Next's dev reloads share it.
 */
export function getDatabase(): Promise<Database> {
  globalForDb.__database ??= openDatabase({ url: process.env.DATABASE_URL || undefined });
  return globalForDb.__database;
}

/** Closes the process-wide database (CLI scripts call this before exiting). */
export async function closeDatabase(): Promise<void> {
  const current = globalForDb.__database;
  globalForDb.__database = undefined;
  if (current) await (await current).close();
}

/**
 * Runs raw SQL and returns its rows, hiding the drivers' different result shapes
 * (postgres.js returns an array, PGlite `{ rows }`).
 */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Applies drizzle/ migrations (generated + custom SQL) to the given database. */
export async function migrateDatabase(database: Database): Promise<void> {
  const migrationsFolder = path.join(process.cwd(), "drizzle");
  if (database.dialect === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(database.db as any, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(database.db as any, { migrationsFolder });
  }
}

