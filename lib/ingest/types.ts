/** The file formats `ingestFile` reads (docs/data-format.md describes each). */
export type IngestFormat = "merchants" | "customers" | "transactions" | "online-retail" | "cdnow";

export const INGEST_FORMATS: readonly IngestFormat[] = [
  "merchants",
  "customers",
  "transactions",
  "online-retail",
  "cdnow",
];

/** One problem found in a file. `line` is the 1-based file line (the header is line 1). */
export interface IngestError {
  line: number;
  /** The file's column name, or null when the problem is not one column's (field count, gzip). */
  column: string | null;
  reason: string;
}

/** Reported while reading (`phase: "read"`, rows = data rows so far) and once before merging. */
export interface IngestProgress {
  rows: number;
  rowsPerSecond: number;
  phase: "read" | "merge";
}

/**
 * What one `ingestFile` call did. `ok: false` means the database was left exactly as it was
 * (no batch row, no staging rows, no transactions, no rollups).
 */
export interface IngestReport {
  ok: boolean;
  format: IngestFormat;
  /** Absolute path of the file read. */
  file: string;
  /** `ingest_batches.id` of the merged load; null when nothing was merged. */
  batchId: number | null;
  /** Data rows read from the file (header and blank lines not counted). */
  rowsRead: number;
  /**
   * Records the load added or changed: transactions inserted (transactions, online-retail,
   * cdnow), customers inserted or updated (customers), merchant rows that created or changed a
   * merchant or added a bank id (merchants).
   */
  rowsInserted: number;
  /** Records of the file already in the database with the same values (a re-load's whole file). */
  rowsAlreadyPresent: number;
  /** Rows (or invoices) skipped by a documented rule: reason -> count. Not errors. */
  dropped: Record<string, number>;
  /** All errors found; `errors` keeps the first 100 in file order of discovery. */
  errorCount: number;
  errors: IngestError[];
  /** Slugs of the merchants the load touched (created, updated or given transactions). */
  merchants: string[];
  /** Wall time of the whole call, milliseconds. */
  elapsedMs: number;
}
