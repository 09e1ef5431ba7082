import { dataBatches, type LoadContext, type LoadOutcome } from "../context";
import { stageAndMergeTransactions } from "../load-transactions";
import type { MerchantSpec } from "../merchants";
import { ChunkBuffer, stagingTransactionLine } from "../staging";
import { compactDateToIso, parseScaledDecimal, shown } from "../validate";
import { AdapterMerchant } from "./adapter-merchant";

/** The header of shared/data/cdnow/cdnow_master.csv. */
const CDNOW_HEADER = ["customer_id", "date", "number_of_cds", "dollar_value"] as const;

/** CDNOW, the online music retailer of Fader & Hardie's cohort (MCC 5735, record shops). */
const CDNOW_MERCHANT: MerchantSpec = {
  slug: "cdnow",
  // The bank knows the retailer by an id of its own, as every synthetic merchant (offers
  // simulate their outcome as ordinary transactions of this id: lib/synthetic/offers.ts).
  bankMerchantIds: ["cdnow"],
  name: "CDNOW",
  mcc: "5735",
  currency: "USD",
  timeZone: "America/New_York",
  country: "US",
  city: "New York",
  region: "New York",
};

const DROP_ZERO_AMOUNT = "zero amount";

const CUSTOMER_ID = /^\d{1,10}$/;
const CDS = /^\d{1,6}$/;

/** One CDNOW row, checked and parsed. */
export interface CdnowLine {
  /** Without leading zeros ("00001" and "1" are the same customer). */
  customerId: string;
  /** `YYYY-MM-DD`, a New York calendar day. */
  day: string;
  /** dollar_value in cents, exact; 0 for the rows the adapter drops. */
  amountMinor: number;
}

/**
 * Parses one CDNOW record (fields in header order).
 * @returns the parsed row, or the problems as [column, reason]
 */
export function parseCdnowLine(f: readonly string[]): CdnowLine | Array<[string, string]> {
  const [customerText, dateText, cdsText, dollarText] = f;
  const problems: Array<[string, string]> = [];
  if (!CUSTOMER_ID.test(customerText)) problems.push(["customer_id", `${shown(customerText)} is not an integer id`]);
  const day = compactDateToIso(dateText);
  if (day === null) problems.push(["date", `${shown(dateText)} is not a calendar day YYYYMMDD`]);
  if (!CDS.test(cdsText)) problems.push(["number_of_cds", `${shown(cdsText)} is not a non-negative integer`]);
  const cents = parseScaledDecimal(dollarText, 2);
  if (cents === null || cents < 0) {
    problems.push(["dollar_value", `${shown(dollarText)} is not a non-negative dollar amount with at most 2 decimals`]);
  }
  if (problems.length > 0) return problems;
  return { customerId: String(Number(customerText)), day: day!, amountMinor: cents! };
}

/**
 * Loads the CDNOW master log as the merchant `cdnow`: one purchase per row, id
 * `cdnow:<file line>` (the file has no transaction id; the line is stable for the same file),
 * customer `cdnow:<customer_id>`, channel online, at local midnight America/New_York of its
 * date, amount = dollar_value in cents. Rows of $0.00 are dropped and counted.
 */
export async function loadCdnow(ctx: LoadContext): Promise<LoadOutcome | null> {
  const merchant = await AdapterMerchant.lookup(ctx.database, CDNOW_MERCHANT);
  let staged = 0;

  async function* chunks(): AsyncGenerator<string> {
    const { errors, dropped, batchId } = ctx;
    const buffer = new ChunkBuffer();
    for await (const { records, lines } of dataBatches(ctx, CDNOW_HEADER)) {
      for (let r = 0; r < records.length; r++) {
        const f = records[r];
        const line = lines[r];
        const parsed = parseCdnowLine(f);
        if (Array.isArray(parsed)) {
          for (const [column, reason] of parsed) errors.add(line, column, reason);
          continue;
        }
        if (parsed.amountMinor === 0) {
          dropped.add(DROP_ZERO_AMOUNT);
          continue;
        }
        if (errors.count > 0) continue;
        staged += 1;
        const chunk = buffer.push(
          stagingTransactionLine(
            batchId,
            line,
            `cdnow:${line}`,
            merchant.stagingId,
            `cdnow:${parsed.customerId}`,
            parsed.amountMinor,
            CDNOW_MERCHANT.currency,
            `${parsed.day} 00:00:00 ${CDNOW_MERCHANT.timeZone}`,
            "online",
            "purchase",
          ),
        );
        if (chunk !== null) yield chunk;
      }
    }
    if (errors.empty) yield buffer.take();
  }

  return stageAndMergeTransactions(ctx, {
    chunks: chunks(),
    staged: () => staged,
    merchants: () => [CDNOW_MERCHANT.slug],
    conflictColumns: { amount: "dollar_value", occurredAt: "date", customer: "customer_id" },
    beforeMerge: (tx) => merchant.ensureInMerge(tx, ctx.batchId),
  });
}
