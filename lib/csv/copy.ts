/*
 * The CSV encoder for data files a machine reads back (kernel: imports nothing of ours): the
 * rows ingest streams into PostgreSQL `COPY … (FORMAT csv)` staging tables, and the synthetic
 * bank's files in the canonical ingest formats (docs/data-format.md). The quoting is RFC 4180's,
 * as in the download writer (./index.ts toCsv), but nothing is formula-defused: these cells are
 * data and must arrive byte for byte (a customer id "=A1" stays "=A1"). Downloads a person
 * opens in a spreadsheet go through toCsv, never through this file.
 */

/** One field of a data file: text, a number, a bigint, a boolean, or unknown (null/undefined). */
export type CopyCsvValue = string | number | bigint | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field as PostgreSQL COPY (FORMAT csv) reads it: quoted, with quotes doubled, when it holds
 * a comma, a double quote, CR or LF; as is otherwise. null/undefined and "" are the unquoted empty
 * field, which COPY reads as NULL (unknown stays unknown). Numbers and booleans as String() writes
 * them ("12.5", "true").
 * Source: PostgreSQL 15 documentation, COPY, "CSV Format".
 */
export function copyCsvField(value: CopyCsvValue): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of a data file: the fields encoded by {@link copyCsvField}, joined by commas, ended by "\n". */
export function copyCsvLine(fields: readonly CopyCsvValue[]): string {
  return fields.map(copyCsvField).join(",") + "\n";
}
