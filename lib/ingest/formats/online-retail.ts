import { dataBatches, type LoadContext, type LoadOutcome } from "../context";
import { stageAndMergeTransactions } from "../load-transactions";
import type { MerchantSpec } from "../merchants";
import { ChunkBuffer, stagingTransactionLine } from "../staging";
import { normaliseLocalDateTime, parseScaledDecimal, roundHalfAwayFromZero, shown } from "../validate";
import { AdapterMerchant } from "./adapter-merchant";

/** The header of UCI Online Retail as stored in shared/data/online_retail/online_retail.csv.gz. */
const ONLINE_RETAIL_HEADER = [
  "InvoiceNo",
  "StockCode",
  "Description",
  "Quantity",
  "InvoiceDate",
  "UnitPrice",
  "CustomerID",
  "Country",
] as const;

/** The retailer of the UCI Online Retail log (a UK online gift shop: MCC 5947, gift shops). */
const ONLINE_RETAIL_MERCHANT: MerchantSpec = {
  slug: "online-retail",
  // The bank knows the retailer by an id of its own, as every synthetic merchant (offers
  // simulate their outcome as ordinary transactions of this id: lib/synthetic/offers.ts).
  bankMerchantIds: ["online-retail"],
  name: "Online Retail",
  mcc: "5947",
  currency: "GBP",
  timeZone: "Europe/London",
  country: "GB",
  city: "London",
  region: "London",
};

/** UnitPrice is parsed exactly in ten-thousandths of a pound; the file has at most 3 decimals. */
const PRICE_SCALE = 4;
/** Ten-thousandths of a pound per penny. */
const UNITS_PER_PENNY = 100;

const DROP_MISSING_CUSTOMER = "missing CustomerID";
export const DROP_NON_POSITIVE = "non-positive invoice total";
export const DROP_NON_NEGATIVE_REFUND = "non-negative refund total";

const INVOICE_NO = /^[A-Z]?\d{1,12}$/;
const QUANTITY = /^-?\d{1,9}$/;
const CUSTOMER_ID = /^(\d{1,12})(?:\.0+)?$/;

/** One line of Online Retail, checked and parsed. */
export interface OnlineRetailLine {
  invoiceNo: string;
  quantity: number;
  /** `YYYY-MM-DD HH:MM:SS`, Europe/London wall-clock time. */
  invoiceDate: string;
  /** Exact UnitPrice in ten-thousandths of a pound (may be negative: bad-debt adjustments). */
  unitPrice: number;
  /** CustomerID as a plain integer string ("17850.0" -> "17850"); null when empty. */
  customerId: string | null;
}

/**
 * Parses one Online Retail record (fields in header order).
 * @returns the parsed line, or the problems as [column, reason]
 */
export function parseOnlineRetailLine(f: readonly string[]): OnlineRetailLine | Array<[string, string]> {
  const [invoiceNo, stockCode, , quantityText, dateText, priceText, customerText] = f;
  const problems: Array<[string, string]> = [];
  if (!INVOICE_NO.test(invoiceNo)) problems.push(["InvoiceNo", `${shown(invoiceNo)} is not an invoice number`]);
  if (stockCode === "") problems.push(["StockCode", "is empty"]);
  if (!QUANTITY.test(quantityText)) problems.push(["Quantity", `${shown(quantityText)} is not an integer`]);
  const invoiceDate = normaliseLocalDateTime(dateText);
  if (invoiceDate === null) problems.push(["InvoiceDate", `${shown(dateText)} is not a date-time YYYY-MM-DD HH:MM[:SS]`]);
  const unitPrice = parseScaledDecimal(priceText, PRICE_SCALE);
  if (unitPrice === null) {
    problems.push(["UnitPrice", `${shown(priceText)} is not a decimal with at most ${PRICE_SCALE} decimal places`]);
  }
  let customerId: string | null = null;
  if (customerText !== "") {
    const m = CUSTOMER_ID.exec(customerText);
    if (m === null) problems.push(["CustomerID", `${shown(customerText)} is not an integer id`]);
    else customerId = String(Number(m[1]));
  }
  if (problems.length > 0) return problems;
  return { invoiceNo, quantity: Number(quantityText), invoiceDate: invoiceDate!, unitPrice: unitPrice!, customerId };
}

/** An invoice being summed. */
interface InvoiceTotal {
  invoiceNo: string;
  firstLine: number;
  customerId: string;
  customerLine: number;
  /** Earliest InvoiceDate of its lines (local wall-clock, comparable as text). */
  earliest: string;
  /** Σ Quantity × UnitPrice, exact, in ten-thousandths of a pound. */
  totalUnits: number;
}

/** How an invoice becomes a transaction (or is dropped), per the documented rules. */
export type InvoiceOutcome =
  | { kind: "purchase" | "refund"; amountMinor: number }
  | { kind: "dropped"; reason: string };

/**
 * The transaction an invoice makes: its total rounded to pence half away from zero
 * (`1.2345` GBP -> 123 p, `-0.005` -> -1 p); an InvoiceNo starting with "C" is a refund
 * (negative amount; dropped if its rounded total is not negative); any other invoice is a
 * purchase if its rounded total is positive, else dropped.
 */
export function invoiceOutcome(invoiceNo: string, totalUnits: number): InvoiceOutcome {
  const pence = roundHalfAwayFromZero(totalUnits, UNITS_PER_PENNY);
  if (invoiceNo.startsWith("C")) {
    return pence < 0 ? { kind: "refund", amountMinor: pence } : { kind: "dropped", reason: DROP_NON_NEGATIVE_REFUND };
  }
  return pence > 0 ? { kind: "purchase", amountMinor: pence } : { kind: "dropped", reason: DROP_NON_POSITIVE };
}

/**
 * Loads UCI Online Retail as the merchant `online-retail`: one transaction per InvoiceNo
 * (`online-retail:<InvoiceNo>`), customer `online-retail:<CustomerID>`, channel online, at the
 * invoice's earliest InvoiceDate read as Europe/London wall-clock time (PostgreSQL converts it
 * with its tz database). Rows without CustomerID are dropped and counted before summing.
 * The invoices are summed in memory (about 26k; an invoice's rows need not be contiguous),
 * then staged.
 */
export async function loadOnlineRetail(ctx: LoadContext): Promise<LoadOutcome | null> {
  const { errors, dropped } = ctx;
  const merchant = await AdapterMerchant.lookup(ctx.database, ONLINE_RETAIL_MERCHANT);
  const invoices = new Map<string, InvoiceTotal>();

  for await (const { records, lines } of dataBatches(ctx, ONLINE_RETAIL_HEADER)) {
    for (let r = 0; r < records.length; r++) {
      const f = records[r];
      const line = lines[r];
      const parsed = parseOnlineRetailLine(f);
      if (Array.isArray(parsed)) {
        for (const [column, reason] of parsed) errors.add(line, column, reason);
        continue;
      }
      if (parsed.customerId === null) {
        dropped.add(DROP_MISSING_CUSTOMER);
        continue;
      }
      const product = parsed.quantity * parsed.unitPrice;
      let invoice = invoices.get(parsed.invoiceNo);
      if (invoice === undefined) {
        invoice = {
          invoiceNo: parsed.invoiceNo,
          firstLine: line,
          customerId: parsed.customerId,
          customerLine: line,
          earliest: parsed.invoiceDate,
          totalUnits: 0,
        };
        invoices.set(parsed.invoiceNo, invoice);
      } else if (invoice.customerId !== parsed.customerId) {
        errors.add(
          line,
          "CustomerID",
          `invoice ${parsed.invoiceNo} belongs to customer ${invoice.customerId} (line ${invoice.customerLine})`,
        );
        continue;
      }
      if (parsed.invoiceDate < invoice.earliest) invoice.earliest = parsed.invoiceDate;
      invoice.totalUnits += product;
      if (!Number.isSafeInteger(product) || !Number.isSafeInteger(invoice.totalUnits)) {
        errors.add(line, "Quantity", `invoice ${parsed.invoiceNo}'s total exceeds exact integer arithmetic`);
      }
    }
  }

  let staged = 0;
  async function* chunks(): AsyncGenerator<string> {
    if (!errors.empty) return;
    const buffer = new ChunkBuffer();
    for (const invoice of invoices.values()) {
      const outcome = invoiceOutcome(invoice.invoiceNo, invoice.totalUnits);
      if (outcome.kind === "dropped") {
        dropped.add(outcome.reason);
        continue;
      }
      staged += 1;
      const chunk = buffer.push(
        stagingTransactionLine(
          ctx.batchId,
          invoice.firstLine,
          `online-retail:${invoice.invoiceNo}`,
          merchant.stagingId,
          `online-retail:${invoice.customerId}`,
          outcome.amountMinor,
          ONLINE_RETAIL_MERCHANT.currency,
          `${invoice.earliest} ${ONLINE_RETAIL_MERCHANT.timeZone}`,
          "online",
          outcome.kind,
        ),
      );
      if (chunk !== null) yield chunk;
    }
    yield buffer.take();
  }

  return stageAndMergeTransactions(ctx, {
    chunks: chunks(),
    staged: () => staged,
    merchants: () => [ONLINE_RETAIL_MERCHANT.slug],
    // An invoice's amount comes from several rows' Quantity and UnitPrice: no one column to name.
    conflictColumns: { occurredAt: "InvoiceDate", customer: "CustomerID", kind: "InvoiceNo" },
    beforeMerge: (tx) => merchant.ensureInMerge(tx, ctx.batchId),
  });
}
