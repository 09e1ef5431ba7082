import path from "node:path";
import type { Database } from "@/db/client";
import type { LoadContext, LoadOutcome } from "./context";
import { loadCdnow } from "./formats/cdnow";
import { loadCustomersCsv } from "./formats/customers";
import { loadMerchantsCsv } from "./formats/merchants";
import { loadOnlineRetail } from "./formats/online-retail";
import { loadTransactionsCsv } from "./formats/transactions";
import { CsvReader } from "./read";
import { DropCounter, ErrorLog, Progress } from "./report";
import { beginBatch, discardBatch } from "./staging";
import { INGEST_BATCH_LOCK, sweepCrashDebris } from "./sweep";
import { INGEST_FORMATS, type IngestFormat, type IngestProgress, type IngestReport } from "./types";

export type { IngestFormat, IngestProgress, IngestReport } from "./types";
export { INGEST_FORMATS } from "./types";
export { ownedTempDir, sweepCrashDebris } from "./sweep";
export { ensureMerchant, type MerchantSpec } from "./merchants";
export { filesLoaded, listMerchants, merchantsHaveTransactions } from "./status";

const LOADERS: Record<IngestFormat, (ctx: LoadContext) => Promise<LoadOutcome | null>> = {
  merchants: loadMerchantsCsv,
  customers: loadCustomersCsv,
  transactions: loadTransactionsCsv,
  "online-retail": loadOnlineRetail,
  cdnow: loadCdnow,
};

/**
 * Loads one file (plain CSV, or gzip by `.gz` name or magic bytes) into the database.
 *
 * The file is streamed once: parsed with csv-parse, every row validated, valid rows COPYed into
 * staging while the file is clean, then merged in ONE database transaction that also refreshes
 * the rollups of exactly the merchant-days that received rows. All-or-nothing: when any row is
 * bad (or the gzip is truncated) the report has `ok: false`, the errors with their 1-based line
 * (header = line 1) and column, and the database is left unchanged. Idempotent: ids already
 * loaded with the same values are skipped, so a re-load reports `rowsInserted: 0`.
 *
 * Formats and their rules: docs/data-format.md.
 *
 * @param opts.onProgress called at most every 250 ms while reading (rows so far, rows/s) and
 *                        once when the merge starts
 * @throws Error only for operational failures: unknown format, missing or unreadable file, the
 *         database failing (including an adapter merchant that exists with another currency)
 */
export async function ingestFile(
  database: Database,
  opts: { format: IngestFormat; file: string; onProgress?: (p: IngestProgress) => void },
): Promise<IngestReport> {
  const started = performance.now();
  if (!INGEST_FORMATS.includes(opts.format)) {
    throw new Error(`ingest: unknown format "${opts.format}" (expected one of ${INGEST_FORMATS.join(", ")})`);
  }
  const file = path.resolve(opts.file);
  const reader = await CsvReader.open(file);
  const errors = new ErrorLog();
  const dropped = new DropCounter();
  const progress = new Progress(opts.onProgress);
  // Debris of crashed loads goes first (issue 14 item 6); then this load's batch, whose lock it
  // holds until it ends, so a concurrent sweep leaves it alone.
  await sweepCrashDebris(database);
  const batchId = await beginBatch(database, opts.format, file);
  const releaseBatch = await database.tryLock([INGEST_BATCH_LOCK, batchId]);

  let outcome: LoadOutcome | null;
  try {
    try {
      outcome = await LOADERS[opts.format]({ database, format: opts.format, reader, batchId, errors, dropped, progress });
    } catch (err) {
      // Best effort: the original failure is what the caller needs to see.
      await discardBatch(database, batchId).catch(() => {});
      throw err;
    }
    if (outcome === null || !errors.empty) await discardBatch(database, batchId);
  } finally {
    await releaseBatch?.();
  }
  const ok = outcome !== null && errors.empty;
  return {
    ok,
    format: opts.format,
    file,
    batchId: ok ? batchId : null,
    rowsRead: progress.rows,
    rowsInserted: ok ? outcome!.rowsInserted : 0,
    rowsAlreadyPresent: ok ? outcome!.rowsAlreadyPresent : 0,
    dropped: dropped.counts,
    errorCount: errors.count,
    errors: errors.errors,
    merchants: ok ? outcome!.merchants : [],
    elapsedMs: Math.round(performance.now() - started),
  };
}
