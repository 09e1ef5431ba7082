import { openDatabase, type Database } from "./client";

/** Refuses anything but a database on this machine (tests and benches create and drop databases). */
function assertLocalUrl(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`refusing to create or drop a database on a non-local server (${host})`);
  }
}

/**
 * The primary worker nodes registered in the database at `admin` when it is a Citus coordinator
 * (the `citus` extension is installed and has workers), else null: a single PostgreSQL server.
 */
async function citusWorkers(admin: Database): Promise<{ host: string; port: number }[] | null> {
  const { rows } = await admin.raw(`select 1 from pg_extension where extname = 'citus'`);
  if (rows.length === 0) return null;
  const nodes = await admin.raw(
    `select nodename as host, nodeport as port from pg_dist_node where noderole = 'primary' and groupid <> 0 order by nodeid`,
  );
  return nodes.rows.map((r) => ({ host: String(r.host), port: Number(r.port) }));
}

/**
 * Creates the empty database `name` on the server of `adminUrl` (a connection to an existing
 * database there, e.g. `postgres`) and returns its URL. On a Citus coordinator each database is
 * a cluster of its own: the server propagates CREATE DATABASE to the workers
 * (`citus.enable_create_database_propagation = on`, docs/scaling.md "Citus") but not the
 * extension, so `citus` is created on every worker and on the coordinator and the admin
 * database's workers are registered in the new one. Migrate it afterwards (`migrateDatabase`
 * distributes the tables), then open new connections: the Citus step's settings are per database.
 *
 * @param name a plain lower-case identifier
 * @throws Error for a non-local server, a bad name, or what the server refuses (name taken, …)
 */
export async function createLocalDatabase(adminUrl: string, name: string): Promise<{ url: string; citus: boolean }> {
  assertLocalUrl(adminUrl);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`createLocalDatabase: not a plain identifier: ${name}`);
  const admin = await openDatabase({ url: adminUrl });
  let workers: { host: string; port: number }[] | null;
  try {
    await admin.raw(`create database ${name}`);
    workers = await citusWorkers(admin);
  } finally {
    await admin.close();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (workers) {
    for (const w of workers) {
      const node = new URL(url);
      node.hostname = w.host;
      node.port = String(w.port);
      assertLocalUrl(node.toString());
      const worker = await openDatabase({ url: node.toString() });
      try {
        await worker.raw(`create extension if not exists citus`);
      } finally {
        await worker.close();
      }
    }
    const database = await openDatabase({ url: url.toString() });
    try {
      await database.raw(`create extension if not exists citus`);
      for (const w of workers) await database.raw(`select citus_add_node($1, $2::int)`, [w.host, w.port]);
    } finally {
      await database.close();
    }
  }
  return { url: url.toString(), citus: workers !== null };
}
