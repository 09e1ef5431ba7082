import type { Database } from "@/db/client";
import { CorruptFileError, MalformedCsvError, type CsvReader } from "./read";
import type { DropCounter, ErrorLog, Progress } from "./report";
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
 * The data rows of a CSV file whose header must be exactly `header` (same names, same order):
 * a wrong header is one error on line 1 and nothing else is read; a row with the wrong number
 * of fields is an error and is not yielded. A truncated gzip or broken CSV quoting becomes an
 * error at the line reached and ends the rows. `ctx.reader.line` is the yielded row's line.
 */
export async function* dataRows(ctx: LoadContext, header: readonly string[]): AsyncGenerator<string[]> {
  const { reader, errors, progress } = ctx;
  let headerSeen = false;
  try {
    for await (const record of reader.records()) {
      if (!headerSeen) {
        headerSeen = true;
        if (record.length !== header.length || record.some((name, i) => name !== header[i])) {
          errors.add(
            reader.line,
            null,
            `expected the header "${header.join(",")}", found "${record.join(",")}"`,
          );
          return;
        }
        continue;
      }
      progress.tick();
      if (record.length !== header.length) {
        errors.add(reader.line, null, `expected ${header.length} fields, found ${record.length}`);
        continue;
      }
      yield record;
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
}
