/**
 * The in-server job worker, loaded by instrumentation.ts on the Node runtime. On the embedded
 * PGlite (no DATABASE_URL) the server process owns the database, so it also runs the job worker (docs/adr/0017-job-queue.md): the demo's loads, models
 * and reports are filled in the background while pages are served. With PostgreSQL the worker is
 * its own process (`npm run worker`) unless RUN_WORKER_IN_SERVER=1.
 *
 * Pages first: PGlite is one WASM instance on this event loop, so the in-server worker runs one
 * job at a time, starts the next only after the server has had no request for IDLE_MS, and
 * jobs wait for the same quiet between their pieces (lib/jobs/yield.ts).
 */
const IDLE_MS = idleMs(process.env.WORKER_IDLE_MS);

/**
 * The quiet the in-server worker waits for, ms: WORKER_IDLE_MS (a whole number ≥ 0; 0 runs jobs
 * beside requests, as the e2e server does so a suite hammering pages cannot starve a queued
 * report), default 1500. @throws Error on any other value (a misconfigured server fails loudly).
 */
function idleMs(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 1500;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`WORKER_IDLE_MS must be a whole number of milliseconds >= 0, got "${raw}"`);
  return n;
}

/** Starts the in-server worker (Node runtime only; see instrumentation.ts). */
export async function startServerWorker() {
  const inServer = process.env.RUN_WORKER_IN_SERVER === "1" || (!process.env.DATABASE_URL && process.env.RUN_WORKER_IN_SERVER !== "0");
  if (!inServer) return;
  const http = await import("node:http");
  const { getDatabase } = await import("./db/client");
  const { startWorker } = await import("./lib/jobs/worker");
  const { setYieldGate } = await import("./lib/jobs/yield");
  const { campaignReportJob, sweepAfterCrashes } = await import("./lib/campaigns");
  const { offerDeliveryJob, offerMeasureJob } = await import("./lib/offers");
  const { QUEUES } = await import("./db/queue");
  // Every HTTP request of this process marks the server busy (pages, API routes, assets alike).
  let lastRequest = 0;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: InstanceType<typeof http.Server>, event: string, ...args: unknown[]) {
    if (event === "request") lastRequest = Date.now();
    return (emit as (this: unknown, event: string, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
  const idle = async () => {
    while (Date.now() - lastRequest < IDLE_MS) await new Promise((r) => setTimeout(r, IDLE_MS - (Date.now() - lastRequest) + 50));
  };
  setYieldGate(idle);
  const database = await getDatabase();
  // A worker that cannot start (e.g. a database migrated before the queue existed: run
  // `npm run db:migrate`) must not take the pages down with it.
  await startWorker(database, {
    pollingIntervalSeconds: 1,
    serial: true,
    handlers: { [QUEUES.campaignReport]: campaignReportJob, [QUEUES.offerDelivery]: offerDeliveryJob, [QUEUES.offerMeasure]: offerMeasureJob }, sweep: sweepAfterCrashes,
    beforeJob: idle,
    onJob: (e) => {
      if (e.error) console.error(`worker: ${e.queue} job ${e.id} failed: ${e.error.split("\n")[0]}`);
    },
  }).then(
    () => console.log(`worker: running in the server process (${database.dialect})`),
    (err: unknown) => console.error(`worker: not started: ${err instanceof Error ? err.message : String(err)}`),
  );
}
