/**
 * `npm run worker`: the job worker (docs/adr/0017-job-queue.md) on DATABASE_URL — model jobs
 * after ingest, e-mail delivery over SMTP_URL, pruning of old run versions, the crash-debris
 * sweep, on their cron schedules. Run one or several (jobs are safe under concurrency); stop
 * with SIGTERM/SIGINT, which lets running jobs finish. On the embedded PGlite (no DATABASE_URL)
 * the database belongs to one process: this command then works the queue until it is empty
 * and exits (the demo server runs its own worker in-process).
 *
 * Flags: --queues a,b (default all), --poll SECONDS (default 2), --once (drain and exit).
 */
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "@/db/client";
import { QUEUES, type QueueName } from "@/db/queue";
import { drainQueues, startWorker } from "@/lib/jobs/worker";
import { campaignReportJob, sweepAfterCrashes } from "@/lib/campaigns";
import { offerDeliveryJob, offerMeasureJob } from "@/lib/offers";

const { values } = parseArgs({
  options: { queues: { type: "string" }, poll: { type: "string", default: "2" }, once: { type: "boolean", default: false } },
});

async function main() {
  const database = await getDatabase();
  const queues = values.queues ? (values.queues.split(",") as QueueName[]) : undefined;
  for (const q of queues ?? []) if (!(Object.values(QUEUES) as string[]).includes(q)) throw new Error(`unknown queue ${q}`);
  const onJob = (e: { queue: string; id: string; ms: number; error?: string }) =>
    console.log(`${new Date().toISOString()} ${e.queue} ${e.id} ${e.error ? `failed: ${e.error}` : "done"} ${(e.ms / 1000).toFixed(2)} s`);
  // WORKER_HOLD_MS: tests hold each job this long before running it, to kill the worker mid-job
  const hold = Number(process.env.WORKER_HOLD_MS ?? 0);
  const beforeJob = hold > 0 ? () => new Promise<void>((r) => setTimeout(r, hold)) : undefined;
  const worker = await startWorker(database, { queues, pollingIntervalSeconds: Number(values.poll), onJob, beforeJob, schedules: !values.once, handlers: { [QUEUES.campaignReport]: campaignReportJob, [QUEUES.offerDelivery]: offerDeliveryJob, [QUEUES.offerMeasure]: offerMeasureJob }, sweep: sweepAfterCrashes });
  console.log(`worker started (${database.dialect}, pid ${process.pid})`);
  if (values.once || database.dialect === "pglite") {
    await drainQueues(database, queues);
    await worker.stop();
    await closeDatabase();
    return;
  }
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  console.log("stopping: letting running jobs finish");
  await worker.stop();
  await closeDatabase();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
