import { stringify } from "csv-stringify/sync";

/*
 * The one CSV writer for downloads (kernel: imports nothing of ours). RFC 4180 quoting by
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

/**
 * A whole CSV document: `header`, then one line per row, CRLF after every line (RFC 4180).
 * Rows must have the header's length; throws RangeError otherwise (a short row would shift
 * every later column of that line).
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) throw new RangeError(`CSV row ${i + 1} has ${row.length} cells, the header ${header.length}`);
  }
  return stringify([header, ...rows] as unknown[][], {
    record_delimiter: "\r\n",
    // csv-stringify quotes the record delimiter ("\r\n") but not a lone "\n" or "\r" inside a cell.
    quoted_match: /[\r\n]/,
    cast: {
      string: (value) => defuseFormula(value),
      boolean: (value) => (value ? "true" : "false"),
      bigint: (value) => value.toString(),
    },
  });
}
