import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";

/** Every table an ingest may write: a refused file must leave each count as it was. */
export const INGEST_TABLES = [
  "merchants",
  "merchant_bank_ids",
  "customers",
  "transactions",
  "merchant_daily",
  "merchant_hourly",
  "merchant_customers",
  "merchant_customer_daily",
  "merchant_day_customer_bitmaps",
  "merchant_cohort_bitmaps",
  "merchant_cohort_daily",
  "merchant_segment_monthly",
  "merchant_segment_bitmaps",
  "merchant_month_amount_planes",
  "merchant_month_hour_bitmaps",
  "ingest_batches",
  "staging_transactions",
  "staging_customers",
] as const;

/** Row counts of {@link INGEST_TABLES} (names are constants, never input). */
export async function tableCounts(database: Database): Promise<Record<string, number>> {
  const parts = INGEST_TABLES.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(", ");
  const [row] = await queryRows<Record<string, number>>(database.db, sql.raw(`select ${parts}`));
  return row;
}

/** A temporary directory for one test file's CSVs, removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; write: (name: string, content: string | Buffer) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return {
    dir,
    write(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** CSV text from a header and rows (fields are written as given: quote them in the test). */
export function csv(header: string, rows: readonly string[]): string {
  return [header, ...rows].join("\n") + "\n";
}
