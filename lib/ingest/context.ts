import type { Database } from "@/db/client";
import { CorruptFileError, MalformedCsvError, type CsvReader, type RecordBatch } from "./read";
import type { DropCounter, ErrorLog, Progress } from "./report";
import { shown } from "./validate";
import type { IngestFormat } from "./types";

/** What a format's loader works with during one `ingestFile` call. */
export interface LoadContext {
  database: Database;
  format: IngestFormat;
  reader: CsvReader;
  batchId: number;
  errors: ErrorLog;
  dropped: DropCounter;
  progress: Progress;
}

/** What a loader reports back when its batch was merged (or not, when errors were found). */
export interface LoadOutcome {
  rowsInserted: number;
  rowsAlreadyPresent: number;
  merchants: string[];
}

/** Thrown inside a merge transaction to roll it back after errors were logged. */
export class RollbackForErrors extends Error {
  constructor() {
    super("ingest: merge rolled back because the file has errors");
  }
}

/**
 * The data rows of a CSV file whose header must be exactly `header` (same names, same order),
 * in batches with each row's line: a wrong header is one error on line 1 and nothing else is
 * read; a row with the wrong number of fields is an error and is left out. A truncated gzip or
 * broken CSV quoting becomes an error at the line reached and ends the rows.
 */
export async function* dataBatches(ctx: LoadContext, header: readonly string[]): AsyncGenerator<RecordBatch> {
  const { reader, errors, progress } = ctx;
  let headerSeen = false;
  let dataRows = 0;
  try {
    for await (const batch of reader.batches()) {
      let { records, lines } = batch;
      if (!headerSeen) {
        headerSeen = true;
        const first = records[0];
        if (first.length !== header.length || first.some((name, i) => name !== header[i])) {
          errors.add(lines[0], null, `expected the header "${header.join(",")}", found ${shown(first.join(","), 300)}`);
          return;
        }
        records = records.slice(1);
        lines = lines.slice(1);
      }
      // A row of the wrong shape splits the batch, so that errors stay in file order: the
      // rows before it are handled (and their errors logged) before its own error is.
      let start = 0;
      dataRows += records.length;
      for (let i = 0; i < records.length; i++) {
        progress.tick();
        if (records[i].length !== header.length) {
          if (i > start) yield { records: records.slice(start, i), lines: lines.slice(start, i) };
          errors.add(lines[i], null, `expected ${header.length} fields, found ${records[i].length}`);
          start = i + 1;
        }
      }
      if (start === 0) yield { records, lines };
      else if (start < records.length) yield { records: records.slice(start), lines: lines.slice(start) };
    }
  } catch (err) {
    if (err instanceof CorruptFileError) {
      errors.add(reader.decodedLine, null, err.message);
      return;
    }
    if (err instanceof MalformedCsvError) {
      errors.add(err.line, null, err.message);
      return;
    }
    throw err;
  }
  if (!headerSeen) errors.add(1, null, `the file is empty: expected the header "${header.join(",")}"`);
  // Issue 14 item 7: a header-only file used to succeed and record an empty batch, which reads as
  // "loaded" when the export most likely failed upstream.
  else if (dataRows === 0) errors.add(1, null, "the file has the header but no data rows");
}
