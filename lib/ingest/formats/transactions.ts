import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { dataBatches, type LoadContext, type LoadOutcome } from "../context";
import { stageAndMergeTransactions } from "../load-transactions";
import { ChunkBuffer, stagingTransactionLine } from "../staging";
import { BANK_ID, BANK_ID_RULE, checkOffsetTimestamp, parsePositiveMinor, shown } from "../validate";

/** The canonical transactions CSV header (docs/data-format.md, "Transactions"). */
const TRANSACTIONS_HEADER = [
  "transaction_id",
  "merchant_id",
  "customer_id",
  "amount_minor",
  "currency",
  "occurred_at",
  "channel",
  "kind",
] as const;

interface KnownMerchant {
  id: number;
  slug: string;
  currency: string;
}

/** The bank's merchant ids -> their tenant, read once per load (merchants are few next to rows). */
async function loadBankMerchantIds(database: Database): Promise<Map<string, KnownMerchant>> {
  const rows = await queryRows<{ bank_merchant_id: string; id: number; slug: string; currency: string }>(
    database.db,
    sql`select b.bank_merchant_id, m.id, m.slug, m.currency
        from merchant_bank_ids b join merchants m on m.id = b.merchant_id`,
  );
  return new Map(rows.map((r) => [r.bank_merchant_id, { id: r.id, slug: r.slug, currency: r.currency }]));
}

/**
 * Loads a canonical transactions CSV: validates each row (see docs/data-format.md), stages the
 * valid rows while the file is clean, and merges them in one transaction.
 *
 * Row errors: malformed fields, a merchant_id not in merchant_bank_ids, a currency other than
 * the merchant's, a transaction_id seen earlier in the same file, and (at merge) an id already
 * loaded with different values.
 */
export async function loadTransactionsCsv(ctx: LoadContext): Promise<LoadOutcome | null> {
  const bankMerchants = await loadBankMerchantIds(ctx.database);
  const seen = new Map<string, number>();
  const touched = new Set<string>();
  let staged = 0;

  async function* chunks(): AsyncGenerator<string> {
    const { errors, batchId } = ctx;
    const buffer = new ChunkBuffer();
    for await (const { records, lines } of dataBatches(ctx, TRANSACTIONS_HEADER)) {
      for (let r = 0; r < records.length; r++) {
        const f = records[r];
        const line = lines[r];
        const [transactionId, bankMerchantId, customerId, amountText, currency, occurredAt, channel, kind] = f;

        if (!BANK_ID.test(transactionId)) errors.add(line, "transaction_id", BANK_ID_RULE);
        else {
          const first = seen.get(transactionId);
          if (first !== undefined) errors.add(line, "transaction_id", `duplicate of line ${first}`);
          else seen.set(transactionId, line);
        }
        const merchant = bankMerchants.get(bankMerchantId);
        if (merchant === undefined) {
          errors.add(line, "merchant_id", `unknown merchant id ${shown(bankMerchantId)} (not in merchant_bank_ids)`);
        }
        if (!BANK_ID.test(customerId)) errors.add(line, "customer_id", BANK_ID_RULE);
        const amount = parsePositiveMinor(amountText);
        if (amount === null) {
          errors.add(line, "amount_minor", `${shown(amountText)} is not a positive integer of minor units (at most 15 digits)`);
        }
        if (merchant !== undefined && currency !== merchant.currency) {
          errors.add(line, "currency", `${shown(currency)} differs from the merchant's currency ${merchant.currency}`);
        }
        const timeProblem = checkOffsetTimestamp(occurredAt);
        if (timeProblem !== null) errors.add(line, "occurred_at", `${shown(occurredAt)}: ${timeProblem}`);
        if (channel !== "online" && channel !== "offline") {
          errors.add(line, "channel", `${shown(channel)} is not one of online, offline`);
        }
        if (kind !== "purchase" && kind !== "refund") errors.add(line, "kind", `${shown(kind)} is not one of purchase, refund`);

        // Once the file has an error nothing more is staged; reading goes on to count errors.
        if (errors.count > 0) continue;
        touched.add(merchant!.slug);
        staged += 1;
        const chunk = buffer.push(
          stagingTransactionLine(
            batchId,
            line,
            transactionId,
            merchant!.id,
            customerId,
            kind === "refund" ? -amount! : amount!,
            currency,
            occurredAt,
            channel as "online" | "offline",
            kind as "purchase" | "refund",
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
    merchants: () => [...touched].sort(),
    conflictColumns: {
      merchant: "merchant_id",
      customer: "customer_id",
      amount: "amount_minor",
      kind: "kind",
      currency: "currency",
      occurredAt: "occurred_at",
      channel: "channel",
    },
  });
}
