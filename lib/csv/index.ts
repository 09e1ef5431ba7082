import { stringify } from "csv-stringify/sync";

/*
 * The one CSV writer for downloads (kernel: imports nothing of ours). Data files that a machine
 * reads back (PostgreSQL COPY staging, the synthetic bank's files) are written by ./copy.ts
 * instead: same quoting, no formula defusing. RFC 4180 quoting by
 * csv-stringify, CRLF line ends, a header row, and formula defusing: a text cell that a
 * spreadsheet would run as a formula (it starts with =, +, -, @, tab or carriage return; OWASP
 * "CSV Injection") is written with a leading apostrophe, so `=HYPERLINK(…)` from an uploaded file
 * shows as text. Numbers, and text that is a plain decimal number such as "-12.50", are written as
 * they are: they cannot run and must stay numbers in the sheet.
 */

/** One cell: text, a number, a bigint, a boolean, or empty (null/undefined). */
export type CsvCell = string | number | bigint | boolean | null | undefined;

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV Injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number, optionally signed: harmless, and must stay a number. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * A text cell made safe for spreadsheets: prefixed with `'` when it would start a formula,
 * unchanged otherwise (plain decimal numbers included).
 */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** How a CSV download is laid out. */
export interface CsvOptions {
  /** Write the header line (default true); false for the later pages of a streamed download. */
  header?: boolean;
  /** Line end after every line: "\r\n" (RFC 4180, the default) or "\n". */
  lineEnd?: "\r\n" | "\n";
}

/**
 * A whole CSV document, or one page of a streamed one: `header` (unless `header: false`), then
 * one line per row, a line end after every line (CRLF by default, RFC 4180). Text cells are
 * formula-defused ({@link defuseFormula}), booleans written true/false, bigints in full.
 * Rows must have the header's length.
 * @throws RangeError for a row whose length differs from the header's (a short row would shift
 *         every later column of that line)
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>, options: CsvOptions = {}): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) throw new RangeError(`CSV row ${i + 1} has ${row.length} cells, the header ${header.length}`);
  }
  const records = (options.header ?? true) ? [header, ...rows] : rows;
  if (records.length === 0) return "";
  return stringify(records as unknown[][], {
    record_delimiter: options.lineEnd ?? "\r\n",
    // csv-stringify quotes the record delimiter but not a lone "\n" or "\r" inside a cell.
    quoted_match: /[\r\n]/,
    cast: {
      string: (value) => defuseFormula(value),
      boolean: (value) => (value ? "true" : "false"),
      bigint: (value) => value.toString(),
    },
  });
}
