/**
 * `npm run serve -- [--processes N] [--port P]`: the production server (`next start`, after
 * `npm run build`) as N processes sharing one port, for PostgreSQL deployments (issue 14 "Load").
 *
 * One `next start` renders on one core: Next/React's rendering is about 30 ms of CPU per page
 * (docs/performance.md, "Load and page speed"), so a single process caps a merchant page at about
 * 30 pages/s whatever the cores. Node's own cluster module (https://nodejs.org/api/cluster.html)
 * forks N workers that each run `next start` in-process; their `listen` on the same port is
 * shared by the primary, which hands connections out round-robin (the default scheduling policy
 * on Linux). Every piece of state that must be shared between the processes already lives in
 * PostgreSQL: sessions are cookies, the login limiter's counters and the job queue are tables;
 * the answer cache (lib/endpoints/cache.ts) is per process and keyed by the merchant's data
 * version, so a process never serves an answer older than the data it can see.
 *
 * N defaults to the number of cores (`os.availableParallelism()`). A worker that dies is started
 * again after 1 s (a crash loop of more than 5 deaths in 60 s stops the server with exit code 1);
 * SIGINT/SIGTERM stop every worker and then the primary.
 *
 * @throws Error (exit 2) when N > 1 without DATABASE_URL: the embedded PGlite admits one process
 *   per data directory, so the demo runs `next start` alone.
 */
import cluster from "node:cluster";
import os from "node:os";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: String(os.availableParallelism()) },
    port: { type: "string", default: process.env.PORT ?? "3000" },
  },
});
const processes = Number(values.processes);
if (!Number.isSafeInteger(processes) || processes < 1) {
  console.error(`--processes must be a whole number >= 1, got "${values.processes}"`);
  process.exit(2);
}
if (processes > 1 && !process.env.DATABASE_URL) {
  console.error("--processes above 1 needs DATABASE_URL: the embedded database (PGlite) admits one process; use `npm start` for it");
  process.exit(2);
}

const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
cluster.setupPrimary({ exec: nextBin, args: ["start", "-p", values.port] });

let stopping = false;
let exitCode = 0;
const deaths: number[] = [];
const fork = () => cluster.fork({ RUN_WORKER_IN_SERVER: process.env.RUN_WORKER_IN_SERVER ?? "0" });
for (let i = 0; i < processes; i += 1) fork();
console.log(`serve: ${processes} next start process(es) on port ${values.port}`);

cluster.on("exit", (worker, code, signal) => {
  if (stopping) {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    return;
  }
  const now = Date.now();
  deaths.push(now);
  while (deaths.length > 0 && deaths[0] < now - 60_000) deaths.shift();
  console.error(`serve: process ${worker.process.pid} ended (${signal ?? `exit ${code}`})`);
  if (deaths.length > 5) {
    console.error("serve: more than 5 processes ended within 60 s; stopping");
    stop(1);
    return;
  }
  setTimeout(fork, 1000);
});

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  const workers = Object.values(cluster.workers ?? {});
  if (workers.length === 0) process.exit(exitCode);
  for (const w of workers) w?.process.kill("SIGTERM");
  setTimeout(() => process.exit(exitCode), 10_000).unref();
}
process.on("SIGINT", () => stop());
process.on("SIGTERM", () => stop());
