import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { getDatabase, queryRows, type Database } from "@/db/client";
import type { MerchantAccess } from "@/lib/auth/access";
import { importCampaign, type CampaignImportReport } from "./import";
import { resumeInterruptedReports, runCampaignReport, type StoredReport } from "./store";
import { sendJob } from "@/lib/jobs/outbox";
import { QUEUES } from "@/db/queue";
import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { ownedTempDir, sweepCrashDebris } from "@/lib/ingest";

/*
 * Campaigns (docs/campaigns.md): partner uploads and uplift reports. Import and report run on
 * the owner connection after an access check (docs/adr/0004-campaigns.md); the pages read
 * through lib/campaigns/queries.ts inside the merchant's scope.
 */

export { importCampaign, type CampaignImportReport } from "./import";
export { findCampaignMerchantId, resumeInterruptedReports, runCampaignReport } from "./store";

/** Largest upload accepted from the browser, bytes (a 1,000,000-row file is about 60 MB). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** The upload exceeded {@link MAX_UPLOAD_BYTES} (413, code "upload_too_large", details maxBytes). */
export class UploadTooLargeError extends AppError {
  constructor(message = `upload larger than ${MAX_UPLOAD_BYTES} bytes`) {
    super("upload_too_large", 413, message, { maxBytes: MAX_UPLOAD_BYTES });
  }
}

/**
 * A browser upload for an authorized merchant: the request body is streamed to a temporary
 * file (never held in memory), imported with {@link importCampaign} and, when it was new and
 * valid, its report is queued (`campaign-report` job, {@link campaignReportJob}): the upload
 * answers at once with `reportQueued`, the report page shows progress until the worker stores
 * it. The temporary file is always removed.
 *
 * @param access the route wrapper's access (authorization is done; the caller checks the role)
 * @throws UploadTooLargeError past MAX_UPLOAD_BYTES; Error for operational failures
 */
export async function importUploadedCampaign(
  access: MerchantAccess,
  body: ReadableStream<Uint8Array>,
  opts: { fileName: string; name?: string; format?: "campaign" | "hillstrom"; windowDays?: number },
): Promise<{ import: CampaignImportReport; reportQueued: boolean }> {
  // Marked with this process's id: a crash leaves it to the sweep (lib/ingest/sweep.ts).
  const dir = await ownedTempDir();
  // The browser's name may carry a .gz suffix the reader uses; keep only a safe base name.
  const safe = path.basename(opts.fileName).replace(/[^A-Za-z0-9._-]/g, "_").slice(-100) || "upload.csv";
  // a temporary file, not a project file: keep Turbopack from tracing the whole project
  const file = path.join(/*turbopackIgnore: true*/ dir, safe);
  try {
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > MAX_UPLOAD_BYTES) done(new UploadTooLargeError(`upload larger than ${MAX_UPLOAD_BYTES} bytes`));
        else done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>), limit, fs.createWriteStream(file));
    const database = await getDatabase();
    const imported = await importCampaign(database, {
      merchantId: access.merchant.id,
      file,
      fileName: opts.fileName,
      name: opts.name,
      format: opts.format,
      windowDays: opts.windowDays,
    });
    const queue = imported.ok && imported.campaignId !== null && !imported.alreadyPresent;
    if (queue) await sendJob(database.db, QUEUES.campaignReport, { campaignId: imported.campaignId }, String(imported.campaignId));
    // The same file again: if a crash interrupted its report, compute it now (issue 14 item 6).
    if (imported.ok && imported.campaignId !== null && imported.alreadyPresent) {
      await resumeInterruptedReports(database, { minAgeSeconds: 0, campaignId: imported.campaignId });
    }
    return { import: { ...imported, file: opts.fileName }, reportQueued: queue };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/**
 * The worker's `campaign-report` handler (registered by the worker's entry points; lib/jobs
 * does not import campaigns): computes the report of a newly uploaded campaign unless one is
 * already stored, so an attempt retried after a crash never stores a second version.
 * @returns the stored report's id and status, or `skipped` when one existed
 */
export async function campaignReportJob(database: Database, data: Record<string, unknown>): Promise<object> {
  const campaignId = Number(data.campaignId);
  if (!Number.isSafeInteger(campaignId) || campaignId <= 0) throw new Error(`campaign-report: invalid campaign id ${String(data.campaignId)}`);
  const [existing] = await queryRows<{ id: number }>(database.db, sql`select id from campaign_reports where campaign_id = ${campaignId} limit 1`);
  if (existing) return { skipped: true, reportId: existing.id };
  const stored: StoredReport = await runCampaignReport(database, campaignId);
  return { reportId: stored.reportId, status: stored.status };
}

/**
 * The worker's hourly `sweep` job (lib/jobs/worker.ts WorkerOptions.sweep; issue 14 item 6):
 * removes what crashed loads and uploads left (lib/ingest/sweep.ts: unfinished batches no live
 * process holds, orphan staging rows, upload folders of dead processes), then resumes campaign
 * reports a crash interrupted. Idempotent; safe beside live loads (their batch locks are held).
 * @returns the sweep's report and the ids of the campaigns whose reports were resumed
 */
export async function sweepAfterCrashes(database: Database): Promise<{ debris: Awaited<ReturnType<typeof sweepCrashDebris>>; resumedCampaigns: number[] }> {
  const debris = await sweepCrashDebris(database);
  const resumedCampaigns = await resumeInterruptedReports(database);
  return { debris, resumedCampaigns };
}
