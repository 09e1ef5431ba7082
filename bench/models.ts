/*
 * Benchmark: the model jobs of every merchant of the full synthetic bank on PostgreSQL, as the
 * queue runs them (issue 15's throughput, issue 17's "under 2 s per merchant"; docs/performance.md,
 * "Model jobs of the synthetic bank"). For 1 and then 2 worker processes (scripts/worker.ts, what
 * `npm run worker` runs, each with its own segment cache as in production): every merchant's
 * runs are deleted, a `models` job is sent for every merchant with data, the workers drain the
 * queue. Printed per pass: wall time from the workers' spawn to the empty queue (process start
 * included) and jobs/s, each job's time as the worker logs it (mean, median, p95, max: every
 * family plus the merchant's Competitors reports), and the seconds per model family summed over
 * the stored runs (finished_at − started_at; on PostgreSQL three families of a job run at once,
 * lib/jobs/runModels.ts FAMILY_CONCURRENCY, so these overlap and add up to more than the jobs).
 *
 * Run from bench/run.ts (after its overview step has loaded the bank into bench_bank_postgres),
 * or alone on any PostgreSQL database holding a loaded bank:
 *   npx tsx bench/models.ts [--url postgres://…/db] [--workers 1,2] [--merchants N]
 * With BENCH_WORKER_CPU_PROF=DIR each worker process writes a V8 CPU profile (.cpuprofile) there.
 * It deletes the database's model runs and queued model jobs: never point it at a database whose
 * runs matter.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type Database } from "@/db/client";
import { QUEUES } from "@/db/queue";
import { enqueueModelJobs } from "@/lib/jobs/outbox";
import { drainQueues } from "@/lib/jobs/worker";
import { benchBankName } from "./slice";

const dir = path.resolve(".data/bench");
const pgAdmin = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Quantile q of ascending values (nearest rank). */
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** One pass: `workers` processes draining a models job per merchant. */
export interface ModelsPass {
  workers: number;
  merchants: number;
  wallSeconds: number;
  jobsPerSecond: number;
  /** Each job's seconds as its worker logged them. */
  perMerchantSeconds: { mean: number; median: number; p95: number; max: number; total: number };
  /** Summed seconds of the stored runs per model family. */
  perKindSeconds: Record<string, number>;
  failedRuns: number;
  failedJobs: number;
}

/** Starts a worker process on `url` working the models queue; `onJob` gets each logged job's seconds. */
function startWorkerProcess(url: string, onJob: (seconds: number, failed: boolean) => void): ChildProcess {
  // BENCH_WORKER_CPU_PROF=DIR: each worker writes a V8 CPU profile there when it stops (where a job's time goes).
  const profile = process.env.BENCH_WORKER_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "scripts/worker.ts", "--queues", QUEUES.models, "--poll", "0.5"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // scripts/worker.ts logs "<iso> models <job id> done 1.23 s" (or "failed: …") per job.
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    const m = /^\S+ models \S+ (done|failed: .*) ([\d.]+) s$/.exec(line);
    if (m) onJob(Number(m[2]), m[1] !== "done");
  });
  return child;
}

async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}

/** One pass with `workers` processes over the first `limit` merchants with data (all by default). */
async function modelsPass(database: Database, url: string, workers: number, limit?: number): Promise<ModelsPass> {
  await database.raw(`delete from pgboss.job where name in ($1, $2)`, [QUEUES.models, QUEUES.competitorReports]);
  await database.raw(`delete from model_runs`);
  await database.raw(`delete from model_jobs`);
  // Each job refreshes its merchant's Competitors reports; reports left stored by an earlier pass
  // would be "fresh" and skipped, so every pass starts without them and does the same work.
  await database.raw(`delete from competitor_reports`);
  // Every pass deletes a bank's worth of runs and outputs: without a vacuum the next pass works
  // over millions of dead output rows (seen: 6.6 M dead beside 0.36 M live, 3.8 GB, after ten
  // passes, the families 18 % slower), so passes would not compare.
  await database.raw(`vacuum (analyze) model_runs, model_customer_outputs, competitor_reports`);
  const all = await queryRows<{ id: number }>(database.db, sql`select distinct merchant_id as id from merchant_daily order by 1`);
  const ids = (limit ? all.slice(0, limit) : all).map((r) => Number(r.id));
  await database.db.transaction((tx) => enqueueModelJobs(tx, ids, "bench"));
  const jobSeconds: number[] = [];
  let failedJobs = 0;
  const started = performance.now();
  const procs = Array.from({ length: workers }, () =>
    startWorkerProcess(url, (s, failed) => {
      jobSeconds.push(s);
      if (failed) failedJobs++;
      // Progress (and the figures so far, should the pass be cut short).
      console.log(`  models, ${workers} worker(s): job ${jobSeconds.length}/${ids.length} ${s.toFixed(2)} s at ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }),
  );
  try {
    await drainQueues(database, [QUEUES.models], { pollMs: 250, timeoutMs: 4 * 3_600_000 });
  } finally {
    await Promise.all(procs.map(stopWorkerProcess));
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const kinds = await queryRows<{ kind: string; seconds: number; failed: number }>(
    database.db,
    sql`select kind, sum(extract(epoch from finished_at - started_at))::float8 as seconds, (count(*) filter (where status = 'failed'))::int as failed
        from model_runs group by kind order by kind`,
  );
  const sorted = [...jobSeconds].sort((a, b) => a - b);
  const total = sorted.reduce((s, v) => s + v, 0);
  return {
    workers,
    merchants: ids.length,
    wallSeconds: round(wallSeconds, 1),
    jobsPerSecond: round(ids.length / wallSeconds, 3),
    perMerchantSeconds: sorted.length === 0
      ? { mean: 0, median: 0, p95: 0, max: 0, total: 0 }
      : { mean: round(total / sorted.length), median: round(quantile(sorted, 0.5)), p95: round(quantile(sorted, 0.95)), max: round(sorted[sorted.length - 1]), total: round(total, 1) },
    perKindSeconds: Object.fromEntries(kinds.map((k) => [k.kind, round(Number(k.seconds), 1)])),
    failedRuns: kinds.reduce((s, k) => s + Number(k.failed), 0),
    failedJobs,
  };
}

/**
 * Runs the model jobs of the loaded bank with each worker count in turn and prints one line per
 * pass. Without `url`, the bank bench/run.ts's overview step loaded (bench_bank_postgres).
 * @returns the passes, or null when no loaded bank is found
 */
export async function benchModels(opts: { url?: string; workers?: readonly number[]; merchants?: number } = {}): Promise<ModelsPass[] | null> {
  let url = opts.url;
  if (!url) {
    const name = benchBankName("postgres");
    if (!fs.existsSync(path.join(dir, `${name}.loaded`))) {
      console.log("models postgres: no loaded bank in .data/bench (run the overview step first, or pass --url)");
      return null;
    }
    url = Object.assign(new URL(pgAdmin), { pathname: `/${name}` }).toString();
  }
  const database = await openDatabase({ url });
  try {
    const passes: ModelsPass[] = [];
    for (const workers of opts.workers ?? [1, 2]) {
      const r = await modelsPass(database, url, workers, opts.merchants);
      console.log("models", JSON.stringify({ database: "postgres", ...r }));
      passes.push(r);
    }
    return passes;
  } finally {
    await database.close();
  }
}

const isEntry = process.argv[1] && /bench[\\/]models\.ts$/.test(process.argv[1]);
if (isEntry) {
  const { values } = parseArgs({ options: { url: { type: "string" }, workers: { type: "string", default: "1,2" }, merchants: { type: "string" } } });
  const workers = values.workers!.split(",").map(Number);
  if (workers.some((w) => !(Number.isInteger(w) && w >= 1))) throw new Error(`--workers: whole numbers ≥ 1, got ${values.workers}`);
  benchModels({ url: values.url, workers, merchants: values.merchants ? Number(values.merchants) : undefined }).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
