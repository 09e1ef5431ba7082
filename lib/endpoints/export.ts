import ExcelJS from "exceljs";
import { createTranslator } from "next-intl";
import { defuseFormula, toCsv, type CsvCell } from "@/lib/csv";
import { currencyDigits, toMajor } from "@/lib/format";
import enApi from "@/messages/en/api.json";
import ruApi from "@/messages/ru/api.json";
import type { ColumnType, ExportColumn, ExportTable } from "./define";

/*
 * The CSV and XLSX exports of a view's tables (lib/endpoints/define.ts `tables`). Both carry the
 * same figures: money as major units of the merchant's currency with its minor-unit digits,
 * percentages as fractions, days as dates, integers as integers. CSV goes through lib/csv toCsv
 * (RFC 4180, formulas defused); XLSX through exceljs, numbers as numeric cells and every text cell
 * defused the same way, so no exported cell starts a formula in either file. Headers and sheet
 * titles are translated from messages/{en,ru}/api.json (`api.export`).
 */

export type ExportLocale = "en" | "ru";
export type ExportFormat = "csv" | "xlsx";

export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

const MESSAGES = { en: { api: enApi }, ru: { api: ruApi } } as const;

/** The translator of the export texts in `locale`. */
function translator(locale: ExportLocale) {
  return createTranslator({ locale, messages: MESSAGES[locale], namespace: "api.export" });
}

/** The header of a column in `locale` (its message may use {currency}). */
function columnHeader(column: Pick<ExportColumn<unknown>, "header">, locale: ExportLocale, currency: string): string {
  return translator(locale)(`columns.${column.header}` as never, { currency } as never);
}

/** The title of a table in `locale` (a sheet name). */
function tableTitle(id: string, locale: ExportLocale): string {
  return translator(locale)(`tables.${id}` as never);
}

const defaultDigits = (type: ColumnType, digits: number | undefined) => digits ?? (type === "percent" ? 4 : 2);

/**
 * One cell's exported number: money in major units rounded to the currency's digits, other
 * numbers rounded to the column's digits; null stays null.
 * @throws TypeError when a numeric column holds text
 */
export function cellNumber(type: ColumnType, raw: string | number | null, currency: string, digits?: number): number | null {
  if (raw === null) return null;
  if (typeof raw !== "number" || !Number.isFinite(raw)) throw new TypeError(`a ${type} cell must be a finite number, got ${JSON.stringify(raw)}`);
  if (type === "money") return Number(toMajor(raw, currency).toFixed(currencyDigits(currency)));
  if (type === "integer") return Math.round(raw);
  return Number(raw.toFixed(defaultDigits(type, digits)));
}

/** One CSV cell: numbers with their fixed digits (a plain decimal, never defused), text and dates as text. */
function csvCell(column: ExportColumn<unknown>, raw: string | number | null, currency: string): CsvCell {
  if (raw === null) return null;
  switch (column.type) {
    case "text":
    case "date":
      return String(raw);
    case "integer":
      return cellNumber("integer", raw, currency);
    case "money":
      return cellNumber("money", raw, currency)!.toFixed(currencyDigits(currency));
    default:
      return cellNumber(column.type, raw, currency, column.digits)!.toFixed(defaultDigits(column.type, column.digits));
  }
}

/**
 * A table as a CSV document (header row translated, CRLF, formulas defused by lib/csv toCsv).
 * @throws TypeError when a numeric column holds text
 */
export function tableToCsv(table: ExportTable<unknown>, locale: ExportLocale, currency: string): string {
  const header = table.columns.map((c) => columnHeader(c, locale, currency));
  return toCsv(
    header,
    table.rows.map((row) => table.columns.map((c) => csvCell(c, c.value(row), currency))),
  );
}

/** The Excel number format of a column. */
function numFmt(column: ExportColumn<unknown>, currency: string): string | undefined {
  const decimals = (n: number) => (n > 0 ? `.${"0".repeat(n)}` : "");
  switch (column.type) {
    case "money":
      return `#,##0${decimals(currencyDigits(currency))}`;
    case "percent":
      return `0${decimals(Math.max(0, defaultDigits("percent", column.digits) - 2))}%`;
    case "number":
      return `0${decimals(defaultDigits("number", column.digits))}`;
    case "integer":
      return "0";
    case "date":
      return "yyyy-mm-dd";
    default:
      return undefined;
  }
}

/** Excel's 31-character sheet names without []:*?/\ (and unique within the workbook). */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[[\]:*?/\\]/g, " ").slice(0, 31).trim() || "Sheet";
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

/**
 * The tables as one XLSX workbook, one sheet per table: a bold, frozen, translated header row;
 * numeric cells as numbers with the column's format (money in major units, percent as a
 * fraction shown in %), days as date cells, text cells defused (never a formula).
 * @returns the .xlsx bytes
 * @throws TypeError when a numeric column holds text
 */
export async function tablesToXlsx(tables: ReadonlyArray<ExportTable<unknown>>, locale: ExportLocale, currency: string): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Merchant Insights";
  // A fixed timestamp keeps the bytes of equal exports equal (the figures carry their own period).
  workbook.created = new Date(Date.UTC(2000, 0, 1));
  workbook.modified = workbook.created;
  const taken = new Set<string>();
  for (const table of tables) {
    const sheet = workbook.addWorksheet(sheetName(tableTitle(table.id, locale), taken), { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = table.columns.map((c) => {
      const header = columnHeader(c, locale, currency);
      return { header, width: Math.min(60, Math.max(10, header.length + 2)), style: { numFmt: numFmt(c, currency) } };
    });
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) {
      sheet.addRow(
        table.columns.map((c) => {
          const raw = c.value(row);
          if (raw === null) return null;
          if (c.type === "text") return defuseFormula(String(raw));
          if (c.type === "date") {
            const day = String(raw);
            return /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00Z`) : defuseFormula(day);
          }
          return cellNumber(c.type, raw, currency, c.digits);
        }),
      );
    }
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
