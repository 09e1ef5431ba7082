import path from "node:path";
import fs from "node:fs";
import { sql, type SQL } from "drizzle-orm";
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
  /**
   * Runs SQL text with positional `$1…` parameters outside drizzle and returns `{ rows }` (the
   * shape node-postgres gives, which the job queue's bring-your-own-connection adapter expects).
   * Without parameters the text may hold several statements (simple protocol); objects are sent
   * as JSON text, Dates as ISO text.
   */
  raw(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /**
   * PGlite only: a tarball of the whole data directory (uncompressed), which `openDatabase({
   * loadDataDir })` starts from. Undefined on PostgreSQL (its copy is CREATE DATABASE … TEMPLATE).
   */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
}

/** A JS array as a PostgreSQL array literal ('{"a","b"}'), as node-postgres sends arrays. */
function arrayLiteral(v: readonly unknown[]): string {
  const item = (e: unknown): string =>
    e === null || e === undefined ? "NULL" : Array.isArray(e) ? arrayLiteral(e) : `"${String(e).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return `{${v.map(item).join(",")}}`;
}

/**
 * Parameters as text the drivers take without guessing a type, the way node-postgres prepares
 * them: arrays as array literals, other objects as JSON text (jsonb), Dates as ISO text.
 */
function rawParams(values: readonly unknown[] | undefined): unknown[] {
  return (values ?? []).map((v) =>
    v === undefined
      ? null
      : v instanceof Date
        ? v.toISOString()
        : Array.isArray(v)
          ? arrayLiteral(v)
          : v !== null && typeof v === "object"
            ? JSON.stringify(v)
            : typeof v === "number" || typeof v === "bigint" || typeof v === "boolean"
              ? String(v) // untyped text, as node-postgres sends them: the SQL's casts decide
              : v,
  );
}

/**
 * The same `$1…` text as a drizzle SQL fragment, so it can run inside a drizzle transaction
 * (`tx.execute(rawSql(text, values))`): how the queue's insert joins the ingest transaction.
 * @throws Error when the text references a parameter that was not given
 */
export function rawSql(text: string, values: readonly unknown[] = []): SQL {
  const params = rawParams(values);
  const parts = text.split(/\$(\d+)\b/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      if (parts[i]) chunks.push(sql.raw(parts[i]));
    } else {
      const n = Number(parts[i]);
      if (n < 1 || n > params.length) throw new Error(`rawSql: parameter $${n} not given (${params.length} values)`);
      chunks.push(sql`${params[n - 1]}`);
    }
  }
  return sql.join(chunks);
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
 * `loadDataDir` (PGlite only) starts it from a tarball of another PGlite's data directory, as
 * `PGlite#dumpDataDir` wrote it (the integration tests' synthetic bank, loaded once per run).
 */
export async function openDatabase(opts: { url?: string; dataDir?: string; loadDataDir?: Blob }): Promise<Database> {
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
      async raw(text, values) {
        const params = rawParams(values);
        if (params.length > 0 || !/^\s*begin\b/i.test(text)) {
          const rows = await client.unsafe(text, params as never[]);
          return { rows: rows as unknown as Record<string, unknown>[] };
        }
        // A multi-statement BEGIN … COMMIT (the queue's locked maintenance): one connection of its own.
        const reserved = await client.reserve();
        try {
          const results = (await reserved.unsafe(text)) as unknown as unknown[];
          const last = results.at(-1);
          return { rows: (Array.isArray(last) ? last : []) as Record<string, unknown>[] };
        } finally {
          reserved.release();
        }
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
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
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
    async raw(text, values) {
      const params = rawParams(values);
      if (params.length > 0) return { rows: (await client.query<Record<string, unknown>>(text, params)).rows };
      const results = await client.exec(text);
      return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
    },
    dumpDataDir: () => client.dumpDataDir("none"),
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

/**
 * Applies drizzle/ migrations (generated + custom SQL) to the given database, distributes the
 * tables when the database is a Citus coordinator (db/distribute.ts, docs/adr/0021-citus.md),
 * then creates or upgrades the job queue's schema and queues (pg-boss keeps its own versioned migrations; see
 * db/queue.ts and docs/adr/0017-job-queue.md).
 */
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
  // On a Citus coordinator: distribute by merchant_id (db/distribute.ts); elsewhere a no-op.
  const { distributeIfCitus, queueMigrationRunner } = await import("./distribute");
  await distributeIfCitus(database);
  const { migrateQueue } = await import("./queue");
  await migrateQueue(await queueMigrationRunner(database));
}

