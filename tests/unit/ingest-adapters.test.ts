import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import {
  DROP_NON_NEGATIVE_REFUND,
  DROP_NON_POSITIVE,
  invoiceOutcome,
  parseOnlineRetailLine,
} from "@/lib/ingest/formats/online-retail";
import { parseCdnowLine } from "@/lib/ingest/formats/cdnow";

const record = (line: string): string[] => parse(line)[0] as string[];

describe("Online Retail lines", () => {
  it("parses a line whose quoted description contains commas", () => {
    const f = record('536520,22760,"TRAY, BREAKFAST IN BED",1,2010-12-01 12:43:00,12.75,14729.0,United Kingdom');
    expect(f).toHaveLength(8);
    expect(parseOnlineRetailLine(f)).toEqual({
      invoiceNo: "536520",
      quantity: 1,
      invoiceDate: "2010-12-01 12:43:00",
      unitPrice: 127500,
      customerId: "14729",
    });
  });

  it("parses a description with an escaped quote and a refund line", () => {
    const f = record('C536379,D,"7"" RECORD ""DISCOUNT""",-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom');
    expect(parseOnlineRetailLine(f)).toEqual({
      invoiceNo: "C536379",
      quantity: -1,
      invoiceDate: "2010-12-01 09:41:00",
      unitPrice: 275000,
      customerId: "14527",
    });
  });

  it("keeps an empty CustomerID as null (the loader drops the row)", () => {
    const f = record("536414,22139,,56,2010-12-01 11:52:00,0,,United Kingdom");
    expect(parseOnlineRetailLine(f)).toMatchObject({ customerId: null, unitPrice: 0, quantity: 56 });
  });

  it("reports every bad field by column", () => {
    const f = record("53X,,desc,1.5,2010-13-01 10:00:00,2.12345,17850.5,UK");
    expect(parseOnlineRetailLine(f)).toEqual([
      ["InvoiceNo", '"53X" is not an invoice number'],
      ["StockCode", "is empty"],
      ["Quantity", '"1.5" is not an integer'],
      ["InvoiceDate", '"2010-13-01 10:00:00" is not a date-time YYYY-MM-DD HH:MM[:SS]'],
      ["UnitPrice", '"2.12345" is not a decimal with at most 4 decimal places'],
      ["CustomerID", '"17850.5" is not an integer id'],
    ]);
  });
});

describe("Online Retail invoice totals", () => {
  it("computes 6 × 2.1 as exactly 1260 pence", () => {
    const line = parseOnlineRetailLine(record("536365,85123A,X,6,2010-12-01 08:26:00,2.1,17850.0,United Kingdom"));
    if (Array.isArray(line)) throw new Error("unexpected problems");
    expect(line.quantity * line.unitPrice).toBe(126000);
    expect(invoiceOutcome("536365", line.quantity * line.unitPrice)).toEqual({ kind: "purchase", amountMinor: 1260 });
  });

  it("sums exactly where floating point would drift (3 × 0.1 + 0.7 per line)", () => {
    // 0.1 * 3 + 0.7 = 0.9999999999999999 in floating point; exactly 1.00 GBP here.
    const total = 3 * parseScaledDecimal01("0.1") + 1 * parseScaledDecimal01("0.7");
    expect(invoiceOutcome("500000", total)).toEqual({ kind: "purchase", amountMinor: 100 });
  });

  it("rounds the invoice total to pence half away from zero", () => {
    expect(invoiceOutcome("1", 12345)).toEqual({ kind: "purchase", amountMinor: 123 });
    expect(invoiceOutcome("1", 12350)).toEqual({ kind: "purchase", amountMinor: 124 });
    expect(invoiceOutcome("C1", -12350)).toEqual({ kind: "refund", amountMinor: -124 });
    expect(invoiceOutcome("C1", -12349)).toEqual({ kind: "refund", amountMinor: -123 });
  });

  it("makes a C invoice a negative refund and drops non-positive purchases", () => {
    expect(invoiceOutcome("C536379", -275000)).toEqual({ kind: "refund", amountMinor: -2750 });
    expect(invoiceOutcome("C536379", 0)).toEqual({ kind: "dropped", reason: DROP_NON_NEGATIVE_REFUND });
    expect(invoiceOutcome("536380", 0)).toEqual({ kind: "dropped", reason: DROP_NON_POSITIVE });
    expect(invoiceOutcome("536380", -100)).toEqual({ kind: "dropped", reason: DROP_NON_POSITIVE });
    // 0.4 pence rounds to 0: not a positive amount.
    expect(invoiceOutcome("536380", 40)).toEqual({ kind: "dropped", reason: DROP_NON_POSITIVE });
    expect(invoiceOutcome("A563185", 110620600)).toEqual({ kind: "purchase", amountMinor: 1106206 });
  });
});

/** UnitPrice in ten-thousandths, through the adapter's own parser. */
function parseScaledDecimal01(price: string): number {
  const line = parseOnlineRetailLine(record(`1,S,X,1,2010-12-01 08:26:00,${price},1.0,UK`));
  if (Array.isArray(line)) throw new Error("unexpected problems");
  return line.unitPrice;
}

describe("CDNOW lines", () => {
  it("converts dollars to cents exactly and strips leading zeros", () => {
    expect(parseCdnowLine(["00001", "19970101", "1", "11.77"])).toEqual({
      customerId: "1",
      day: "1997-01-01",
      amountMinor: 1177,
    });
    expect(parseCdnowLine(["2", "19970112", "5", "77.00"])).toMatchObject({ amountMinor: 7700 });
    expect(parseCdnowLine(["2", "19970112", "5", "1.13"])).toMatchObject({ amountMinor: 113 });
    expect(parseCdnowLine(["3", "19980630", "0", "0.00"])).toMatchObject({ amountMinor: 0, day: "1998-06-30" });
  });

  it("reports every bad field by column", () => {
    expect(parseCdnowLine(["x1", "19970231", "-1", "-2.00"])).toEqual([
      ["customer_id", '"x1" is not an integer id'],
      ["date", '"19970231" is not a calendar day YYYYMMDD'],
      ["number_of_cds", '"-1" is not a non-negative integer'],
      ["dollar_value", '"-2.00" is not a non-negative dollar amount with at most 2 decimals'],
    ]);
    expect(parseCdnowLine(["1", "19970101", "1", "1.005"])).toEqual([
      ["dollar_value", '"1.005" is not a non-negative dollar amount with at most 2 decimals'],
    ]);
  });
});
