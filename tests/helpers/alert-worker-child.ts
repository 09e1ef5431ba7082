/**
 * A worker of the `alerts` queue in a child process for the kill -9 test
 * (tests/integration/alerts.test.ts): after the first recipient's notifications and e-mail are
 * committed it kills itself with SIGKILL, mid-job, leaving the job active for pg-boss to expire
 * and retry.
 */
import { getDatabase } from "@/db/client";
import { QUEUES } from "@/db/queue";
import { processAlertJob } from "@/lib/jobs/alerts";
import { startWorker } from "@/lib/jobs/worker";

const database = await getDatabase();
await startWorker(database, {
  queues: [QUEUES.alerts],
  pollingIntervalSeconds: 0.5,
  schedules: false,
  transport: null,
  handlers: {
    [QUEUES.alerts]: (db, data) =>
      processAlertJob(db, Number(data.merchantId), String(data.revealedAt), {
        afterRecipient: () => {
          process.stdout.write("killed after the first recipient\n");
          process.kill(process.pid, "SIGKILL");
        },
      }),
  },
});
