/**
 * Next's server start hook. On the embedded PGlite (no DATABASE_URL) the server process owns the
 * database, so it also runs the job worker (docs/adr/0013-job-queue.md): the demo's models,
 * reports and e-mail are filled in the background while pages are served. With PostgreSQL the
 * worker is its own process (`npm run worker`) unless RUN_WORKER_IN_SERVER=1.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const inServer = process.env.RUN_WORKER_IN_SERVER === "1" || (!process.env.DATABASE_URL && process.env.RUN_WORKER_IN_SERVER !== "0");
  if (!inServer) return;
  const { getDatabase } = await import("./db/client");
  const { startWorker } = await import("./lib/jobs/worker");
  const database = await getDatabase();
  await startWorker(database, {
    pollingIntervalSeconds: 1,
    onJob: (e) => {
      if (e.error) console.error(`worker: ${e.queue} job ${e.id} failed: ${e.error}`);
    },
  });
  console.log(`worker: running in the server process (${database.dialect})`);
}
