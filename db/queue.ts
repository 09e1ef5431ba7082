import PgBoss from "pg-boss";

/** What the queue needs of db/client's Database (kept structural: client imports this file). */
interface RawRunner {
  raw(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/*
 * The job queue's storage (docs/adr/0017-job-queue.md): pg-boss 10 in its own schema `pgboss`,
 * on the same database as everything else (PostgreSQL, or the embedded PGlite through
 * `Database.raw`). The queues are declared here, beside the tables, because an ingest transaction
 * inserts into them: they must exist wherever the schema does, so `migrateDatabase` creates them.
 * lib/jobs/queue.ts runs the workers and the schedules over these declarations.
 */

/** The PostgreSQL schema pg-boss keeps its tables in. No grant: merchant roles never see it. */
export const QUEUE_SCHEMA = "pgboss";

/** Queue names. */
export const QUEUES = {
  /** Refit one merchant's models (data: { merchantId }); coalesced per merchant. */
  models: "models",
  /** Refresh every stale stored Competitors report (after model jobs: peers' data changed); coalesced bank-wide. */
  competitorReports: "competitor-reports",
  /** Compute one uploaded campaign's report (data: { campaignId }). */
  campaignReport: "campaign-report",
  /** Turn a merchant's new significant findings into notifications and alert e-mails (data: { merchantId, revealedAt }); coalesced per merchant. */
  alerts: "alerts",
  /** Write one offer's treatment list for the bank's offer channel (data: { offerId }). */
  offerDelivery: "offer-delivery",
  /** Measure offers whose window has ended (data: { offerId } for one, {} for every due one; hourly). */
  offerMeasure: "offer-measure",
  /** Deliver the e-mail outbox over SMTP. */
  email: "email",
  /** Hourly: queue the weekly digest of the users whose local digest hour it is. */
  digest: "digest",
  /** Keep the last versions of each run kind per merchant, delete older ones. */
  prune: "prune",
  /** Clean crash debris of interrupted ingests and uploads. */
  sweep: "sweep",
  /** Load one file through lib/ingest (data: { format, file }): the demo's background loads. */
  load: "load",
  /** Does nothing: the queue's own throughput (docs/performance.md). */
  noop: "noop",
  /** Jobs that failed every retry land here for the bank admin (/admin/queue). */
  dead: "dead-letter",
} as const;

/** A queue name. */
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Per-queue options. `stately` allows one waiting and one running job per singleton key: a
 * second request while one waits is dropped (coalescing), and two workers never run the same
 * key at once. Retries back off exponentially from `retryDelay` seconds.
 */
const QUEUE_OPTIONS: Record<QueueName, Omit<PgBoss.Queue, "name">> = {
  [QUEUES.models]: { policy: "stately", retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600, deadLetter: QUEUES.dead },
  [QUEUES.competitorReports]: { policy: "stately", retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 3600, deadLetter: QUEUES.dead },
  [QUEUES.campaignReport]: { policy: "stately", retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600, deadLetter: QUEUES.dead },
  // expiry 10 minutes: a killed worker's alert is retried well inside the 60-minute alert budget
  [QUEUES.alerts]: { policy: "stately", retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 600, deadLetter: QUEUES.dead },
  [QUEUES.offerDelivery]: { policy: "stately", retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 900, deadLetter: QUEUES.dead },
  [QUEUES.offerMeasure]: { policy: "stately", retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 3600, deadLetter: QUEUES.dead },
  [QUEUES.email]: { policy: "stately", retryLimit: 8, retryDelay: 15, retryBackoff: true, expireInSeconds: 600, deadLetter: QUEUES.dead },
  [QUEUES.digest]: { policy: "stately", retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 900, deadLetter: QUEUES.dead },
  [QUEUES.prune]: { policy: "stately", retryLimit: 2, retryDelay: 300, retryBackoff: true, expireInSeconds: 900, deadLetter: QUEUES.dead },
  [QUEUES.sweep]: { policy: "stately", retryLimit: 2, retryDelay: 300, retryBackoff: true, expireInSeconds: 900, deadLetter: QUEUES.dead },
  [QUEUES.load]: { policy: "stately", retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600, deadLetter: QUEUES.dead },
  [QUEUES.noop]: { policy: "standard", retryLimit: 0 },
  [QUEUES.dead]: { policy: "standard", retryLimit: 0, retentionMinutes: 60 * 24 * 30 },
};

/** pg-boss's bring-your-own-connection adapter over our handle (one pool, or the one PGlite). */
export function queueDb(database: RawRunner): PgBoss.Db {
  return { executeSql: (text, values) => database.raw(text, values) };
}

/**
 * Creates (or upgrades) pg-boss's schema and the queues of {@link QUEUES}, then keeps their
 * options as declared. Idempotent; called by `migrateDatabase`.
 */
export async function migrateQueue(database: RawRunner): Promise<void> {
  const boss = new PgBoss({ db: queueDb(database), schema: QUEUE_SCHEMA, supervise: false, schedule: false, migrate: true });
  boss.on("error", () => {});
  await boss.start();
  // the dead-letter queue first: the others reference it
  const names = [QUEUES.dead, ...Object.values(QUEUES).filter((n) => n !== QUEUES.dead)];
  for (const name of names) {
    const existing = await boss.getQueue(name);
    if (existing) await boss.updateQueue(name, { name, ...QUEUE_OPTIONS[name] });
    else await boss.createQueue(name, { name, ...QUEUE_OPTIONS[name] });
  }
  await boss.stop({ graceful: false, close: false, wait: true } as PgBoss.StopOptions);
}
