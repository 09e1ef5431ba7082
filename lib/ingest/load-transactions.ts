import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { RollbackForErrors, type LoadContext, type LoadOutcome } from "./context";
import { findConflictingTransactions, findOutOfBounds, mergeStagedTransactions, type StagedField } from "./merge";
import { STAGING_TRANSACTION_COLUMNS, clearStaging, finishBatch } from "./staging";

/** How a transaction-producing format plugs into {@link stageAndMergeTransactions}. */
export interface TransactionLoad {
  /**
   * CSV chunks of validated staging_transactions lines. It reads the file as it is consumed and
   * must stop yielding once `ctx.errors` is not empty (it may keep reading to count errors).
   */
  chunks: AsyncIterable<string>;
  /** Rows staged, read after `chunks` is exhausted. */
  staged(): number;
  /** Slugs of the merchants the file's rows belong to, read after `chunks` is exhausted. */
  merchants(): string[];
  /** File column to name when a re-loaded id conflicts on a staged field. */
  conflictColumns: Partial<Record<StagedField, string>>;
  /** First step of the merge transaction (the adapters create their merchant here). */
  beforeMerge?(tx: Executor): Promise<void>;
}

/**
 * COPYs a format's validated rows into staging (outside any transaction), then, if the whole
 * file was clean, merges them in one transaction: conflict check, customers, transactions,
 * rollups of the touched merchant-days, the batch's figures, staging cleanup.
 *
 * @returns the outcome, or null when errors were found (logged in ctx.errors; nothing merged,
 *          the caller discards the batch)
 */
export async function stageAndMergeTransactions(ctx: LoadContext, load: TransactionLoad): Promise<LoadOutcome | null> {
  const { database, batchId, errors } = ctx;
  await database.copyCsv("staging_transactions", STAGING_TRANSACTION_COLUMNS, load.chunks);
  if (!errors.empty) return null;
  ctx.progress.emit("merge");
  // Fresh statistics: autovacuum has not seen the rows just copied, and the merge joins on them.
  await database.db.execute(sql`analyze staging_transactions`);
  let outcome: LoadOutcome;
  try {
    outcome = await database.db.transaction(async (tx) => {
      await load.beforeMerge?.(tx);
      // Both checks run so the report lists every problem of the file at once.
      const conflicts = await findConflictingTransactions(tx, batchId, errors, load.conflictColumns);
      const outOfBounds = await findOutOfBounds(tx, batchId, errors, load.conflictColumns);
      if (conflicts + outOfBounds > 0) {
        throw new RollbackForErrors();
      }
      const { inserted } = await mergeStagedTransactions(tx, batchId);
      await finishBatch(tx, batchId, {
        sha256: ctx.reader.sha256,
        rowsRead: ctx.progress.rows,
        rowsInserted: inserted,
        rowsDropped: ctx.dropped.total,
      });
      await clearStaging(tx, batchId);
      return { rowsInserted: inserted, rowsAlreadyPresent: load.staged() - inserted, merchants: load.merchants() };
    });
  } catch (err) {
    if (err instanceof RollbackForErrors) return null;
    throw err;
  }
  await refreshStatistics(database, outcome.rowsInserted);
  return outcome;
}

/** The tables a load grows; the model jobs and pages that follow join them. */
const LOADED_TABLES = [
  "transactions",
  "customers",
  "merchant_customers",
  "merchant_customer_daily",
  "merchant_daily",
  "merchant_hourly",
  "merchant_day_customer_bitmaps",
  "merchant_cohort_bitmaps",
  "merchant_cohort_daily",
  "merchant_segment_monthly",
  "merchant_segment_bitmaps",
  "merchant_month_amount_planes",
  "merchant_month_hour_bitmaps",
] as const;

/**
 * ANALYZE after a sizeable load. PGlite runs no autovacuum, so without this the planner keeps
 * the statistics of the empty tables forever: the churn job right after loading CDNOW took
 * 457 s with nested loops sized for empty tables and 3.2 s after ANALYZE. On PostgreSQL it saves
 * the jobs waiting for autovacuum. Small loads skip it (their share of the table is small).
 */
async function refreshStatistics(database: LoadContext["database"], rowsInserted: number): Promise<void> {
  if (rowsInserted < 1000) return;
  for (const table of LOADED_TABLES) await database.db.execute(sql.raw(`analyze ${table}`));
}
