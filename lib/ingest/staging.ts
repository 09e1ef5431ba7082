import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "@/db/client";
import { copyCsvField } from "@/lib/csv/copy";

/*
 * The batch lifecycle. An ingest_batches row is created before reading (staging rows carry its
 * id), staging is filled by COPY outside any transaction, and then either the merge transaction
 * finishes the batch or `discardBatch` removes every trace of it.
 */

/**
 * Creates the batch row. `file_sha256` is filled in by {@link finishBatch} once the file has
 * been read (hashing happens on the same pass as parsing).
 */
export async function beginBatch(database: Database, format: string, file: string): Promise<number> {
  const [row] = await queryRows<{ id: number }>(
    database.db,
    sql`insert into ingest_batches (format, file_name, file_sha256) values (${format}, ${file}, '') returning id`,
  );
  return row.id;
}

/** Records what the merged batch read and added; runs inside the merge transaction. */
export async function finishBatch(
  tx: Executor,
  batchId: number,
  figures: { sha256: string; rowsRead: number; rowsInserted: number; rowsDropped: number },
): Promise<void> {
  await tx.execute(sql`
    update ingest_batches
    set file_sha256 = ${figures.sha256}, rows_read = ${figures.rowsRead}, rows_inserted = ${figures.rowsInserted},
        rows_dropped = ${figures.rowsDropped}, finished_at = now()
    where id = ${batchId}`);
}

/** Deletes a batch's staging rows (after its merge, or when it failed). */
export async function clearStaging(tx: Executor, batchId: number): Promise<void> {
  await tx.execute(sql`delete from staging_transactions where batch_id = ${batchId}`);
  await tx.execute(sql`delete from staging_customers where batch_id = ${batchId}`);
}

/** Removes a failed batch entirely: its staging rows and its ingest_batches row. */
export async function discardBatch(database: Database, batchId: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    await clearStaging(tx, batchId);
    await tx.execute(sql`delete from ingest_batches where id = ${batchId}`);
  });
}

export const STAGING_TRANSACTION_COLUMNS = [
  "batch_id",
  "line",
  "bank_transaction_id",
  "merchant_id",
  "bank_customer_id",
  "amount_minor",
  "currency",
  "occurred_at",
  "channel",
  "kind",
] as const;

/**
 * One staging_transactions row as a CSV line for COPY. `occurredAt` is any text PostgreSQL's
 * timestamptz input accepts: an ISO timestamp with offset, or a local time followed by an IANA
 * zone name (`2011-06-01 10:00:00 Europe/London`), which PostgreSQL converts with its own tz
 * database, the same one that later derives local_date.
 *
 * @param amountMinor signed minor units: negative for a refund
 */
export function stagingTransactionLine(
  batchId: number,
  line: number,
  bankTransactionId: string,
  merchantId: number,
  bankCustomerId: string,
  amountMinor: number,
  currency: string,
  occurredAt: string,
  channel: "online" | "offline",
  kind: "purchase" | "refund",
): string {
  return `${batchId},${line},${copyCsvField(bankTransactionId)},${merchantId},${copyCsvField(bankCustomerId)},${amountMinor},${currency},${occurredAt},${channel},${kind}\n`;
}

/** Rows per COPY chunk: big enough to amortise a statement (PGlite), small enough for memory. */
export const COPY_CHUNK_ROWS = 20_000;

/** Accumulates CSV lines and hands out chunks of {@link COPY_CHUNK_ROWS} lines. */
export class ChunkBuffer {
  private lines: string[] = [];

  /** Adds a line; returns a full chunk to yield, or null. */
  push(line: string): string | null {
    this.lines.push(line);
    if (this.lines.length < COPY_CHUNK_ROWS) return null;
    return this.take();
  }

  /** The remaining lines as one chunk ("" when none). */
  take(): string {
    const chunk = this.lines.join("");
    this.lines = [];
    return chunk;
  }
}
