/**
 * Job-queue throughput (docs/performance.md, "Job queue"): `npx tsx bench/queue.ts [--db
 * pglite|postgres|both] [--jobs N] [--models-url URL] [--merchants N] [--models-only]`.
 * 1. No-op jobs: N jobs sent, then worked by one worker (batch of 1, as the product's handlers
 *    run), jobs/s from the first fetch to the last completion; on PostgreSQL also with 2 workers.
 * 2. With --models-url (a PostgreSQL database holding a loaded synthetic bank): a models job for
 *    every merchant with data, worked by 1 and then by 2 worker processes; wall time and jobs/s.
 *    Each pass deletes the merchants' runs first so both do the same work. `--merchants N` takes
 *    the first N merchants with data (by id) when the whole bank would take too long.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase, queryRows, type Database } from "@/db/client";
import { QUEUES } from "@/db/queue";
import { enqueueModelJobs } from "@/lib/jobs/outbox";
import { drainQueues, startWorker } from "@/lib/jobs/worker";

const { values } = parseArgs({
  options: { db: { type: "string", default: "both" }, jobs: { type: "string", default: "2000" }, "models-url": { type: "string" }, merchants: { type: "string" }, "models-only": { type: "boolean", default: false } },
});
const N = Number(values.jobs);

async function noop(database: Database, workers: number, batchSize: number): Promise<number> {
  await database.raw(`delete from pgboss.job where name = 'noop'`);
  await database.raw(
    `insert into pgboss.job (name, data, policy) select 'noop', '{}'::jsonb, 'standard' from generate_series(1, $1::int)`,
    [N],
  );
  const started = Date.now();
  const extra = values.db !== "pglite" && database.dialect === "postgres" ? workers - 1 : 0;
  const ws = [await startWorker(database, { queues: [QUEUES.noop], pollingIntervalSeconds: 0.5, schedules: false, transport: null, batchSize })];
  for (let i = 0; i < extra; i++) ws.push(await startWorker(database, { queues: [QUEUES.noop], pollingIntervalSeconds: 0.5, schedules: false, transport: null, batchSize }));
  await drainQueues(database, [QUEUES.noop], { pollMs: 50 });
  const seconds = (Date.now() - started) / 1000;
  for (const w of ws) await w.stop();
  return N / seconds;
}

async function models(url: string, workers: number): Promise<{ merchants: number; seconds: number }> {
  const database = await openDatabase({ url });
  await database.raw(`delete from pgboss.job where name in ('models', 'competitor-reports')`);
  await database.raw(`delete from model_runs`);
  const all = await queryRows<{ id: number }>(database.db, sql`select distinct merchant_id as id from merchant_daily order by 1`);
  const ids = values.merchants ? all.slice(0, Number(values.merchants)) : all;
  await enqueueModelJobs(database.db, ids.map((r) => r.id), "bench");
  const started = Date.now();
  const procs = Array.from({ length: workers }, () =>
    spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", "--queues", "models", "--poll", "0.5"], { env: { ...process.env, DATABASE_URL: url }, stdio: "ignore" }),
  );
  await drainQueues(database, [QUEUES.models], { pollMs: 500 });
  const seconds = (Date.now() - started) / 1000;
  for (const p of procs) p.kill("SIGTERM");
  await database.close();
  return { merchants: ids.length, seconds };
}

async function main() {
  for (const dialect of values["models-only"] ? [] : values.db === "both" ? ["pglite", "postgres"] : [values.db!]) {
    let database: Database;
    let drop: (() => Promise<void>) | undefined;
    if (dialect === "pglite") database = await openDatabase({ dataDir: "memory://" });
    else {
      const admin = await openDatabase({ url: "postgres://postgres@127.0.0.1:5432/postgres" });
      await admin.db.execute(sql.raw(`drop database if exists bench_queue with (force)`));
      await admin.db.execute(sql.raw(`create database bench_queue`));
      await admin.close();
      database = await openDatabase({ url: "postgres://postgres@127.0.0.1:5432/bench_queue" });
      drop = async () => {
        const again = await openDatabase({ url: "postgres://postgres@127.0.0.1:5432/postgres" });
        await again.db.execute(sql.raw(`drop database if exists bench_queue with (force)`));
        await again.close();
      };
    }
    await migrateDatabase(database);
    for (const batch of [1, 100]) {
      console.log(`${dialect}: no-op jobs, 1 worker, batch ${batch}: ${(await noop(database, 1, batch)).toFixed(1)} jobs/s (${N} jobs)`);
      if (dialect === "postgres") console.log(`${dialect}: no-op jobs, 2 workers, batch ${batch}: ${(await noop(database, 2, batch)).toFixed(1)} jobs/s (${N} jobs)`);
    }
    await database.close();
    await drop?.();
  }
  if (values["models-url"]) {
    for (const workers of [1, 2]) {
      const r = await models(values["models-url"], workers);
      console.log(`postgres: models jobs, ${r.merchants} merchants, ${workers} worker process(es): ${r.seconds.toFixed(1)} s (${(r.merchants / r.seconds).toFixed(2)} jobs/s)`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
