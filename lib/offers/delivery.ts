import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import type { OfferTerms } from "@/db/schema";
import { toCsv } from "@/lib/csv";
import { AppError } from "@/lib/errors";
import { advanceOffer } from "./store";

/*
 * Delivery by the bank (docs/offers.md, "Delivery"): the treatment list of an offer, with bank
 * customer ids, terms and window, for the bank's offer channel (app, push, banners). Written by
 * the `offer-delivery` job as two files (JSON and CSV, same content) into OFFER_DELIVERY_DIR
 * (default .data/offer-deliveries), and served to bank admins by GET /api/bank/offers/ID/delivery.
 * Never to the merchant: the files and the table name bank customers (wall 3).
 */

/** Version of the delivery document; raise when its shape changes (docs/offers.md documents it). */
const OFFER_DELIVERY_FORMAT = "offer-delivery/1";

/** The delivery document (JSON file and API body). Money in minor units. */
export interface OfferDeliveryDocument {
  format: typeof OFFER_DELIVERY_FORMAT;
  offerId: number;
  merchant: { name: string; bankMerchantIds: string[] };
  currency: string;
  window: { startsOn: string; endsOnExclusive: string };
  variants: { A: OfferTerms; B: OfferTerms | null };
  customers: { bankCustomerId: string; variant: "A" | "B" }[];
}

/** The offer does not exist (404, code "not_found"). */
class OfferNotFoundError extends AppError {
  constructor(offerId: number) {
    super("not_found", 404, `no offer ${offerId}`);
  }
}

/**
 * Builds the delivery document of an offer from its frozen assignment (treated customers only,
 * in bank-customer-id order). Owner connection: bank side only.
 * @throws OfferNotFoundError for an unknown offer
 */
export async function buildDelivery(database: Database, offerId: number): Promise<OfferDeliveryDocument> {
  const [offer] = await queryRows<{ merchant_id: number; name: string; currency: string; starts_on: string; ends_on: string; terms: OfferTerms; variant_b: OfferTerms | null }>(
    database.db,
    sql`select o.merchant_id, m.name, o.currency, o.starts_on::text as starts_on, o.ends_on::text as ends_on, o.terms, o.variant_b
        from offers o join merchants m on m.id = o.merchant_id where o.id = ${offerId}`,
  );
  if (!offer) throw new OfferNotFoundError(offerId);
  const ids = await queryRows<{ id: string }>(database.db, sql`select bank_merchant_id as id from merchant_bank_ids where merchant_id = ${offer.merchant_id} order by 1`);
  const customers = await queryRows<{ bank_customer_id: string; arm: number }>(
    database.db,
    sql`select c.bank_customer_id, a.arm from offer_assignments a join customers c on c.id = a.customer_id
        where a.offer_id = ${offerId} and a.arm > 0 order by c.bank_customer_id`,
  );
  return {
    format: OFFER_DELIVERY_FORMAT,
    offerId,
    merchant: { name: offer.name, bankMerchantIds: ids.map((r) => r.id) },
    currency: offer.currency,
    window: { startsOn: offer.starts_on, endsOnExclusive: offer.ends_on },
    variants: { A: offer.terms, B: offer.variant_b },
    customers: customers.map((c) => ({ bankCustomerId: c.bank_customer_id, variant: Number(c.arm) === 1 ? "A" : "B" })),
  };
}

const CSV_HEADER = ["offer_id", "bank_customer_id", "variant", "kind", "rate_bp", "bonus_minor", "cap_minor", "currency", "starts_on", "ends_on_exclusive"];

/** The delivery as CSV (one row per treated customer; formula-safe, lib/csv). */
export function deliveryCsv(doc: OfferDeliveryDocument): string {
  return toCsv(
    CSV_HEADER,
    doc.customers.map((c) => {
      const t = c.variant === "A" ? doc.variants.A : doc.variants.B!;
      return [doc.offerId, c.bankCustomerId, c.variant, t.kind, t.rateBp, t.bonusMinor, t.capMinor, doc.currency, doc.window.startsOn, doc.window.endsOnExclusive];
    }),
  );
}

/** Where delivery files go: OFFER_DELIVERY_DIR, else .data/offer-deliveries under the working directory. */
function deliveryDir(): string {
  return process.env.OFFER_DELIVERY_DIR || path.join(/*turbopackIgnore: true*/ process.cwd(), ".data", "offer-deliveries");
}

function writeAtomic(file: string, text: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * The worker's `offer-delivery` handler: writes offer-ID.json and offer-ID.csv and records the
 * delivery and the status "delivered" in one transaction. Idempotent: an offer already
 * delivered is skipped (a retried job writes nothing twice).
 * @returns the treated count and file paths, or `skipped`
 */
export async function offerDeliveryJob(database: Database, data: Record<string, unknown>): Promise<object> {
  const offerId = Number(data.offerId);
  if (!Number.isSafeInteger(offerId) || offerId <= 0) throw new Error(`offer-delivery: invalid offer id ${String(data.offerId)}`);
  const [done] = await queryRows<{ offer_id: number }>(database.db, sql`select offer_id from offer_deliveries where offer_id = ${offerId}`);
  if (done) return { skipped: true };
  const doc = await buildDelivery(database, offerId);
  const dir = deliveryDir();
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(doc, null, 1);
  const jsonPath = path.join(dir, `offer-${offerId}.json`);
  const csvPath = path.join(dir, `offer-${offerId}.csv`);
  writeAtomic(jsonPath, json);
  writeAtomic(csvPath, deliveryCsv(doc));
  const sha256 = crypto.createHash("sha256").update(json).digest("hex");
  const [offer] = await queryRows<{ merchant_id: number }>(database.db, sql`select merchant_id from offers where id = ${offerId}`);
  await database.db.transaction(async (tx) => {
    const inserted = await queryRows<{ offer_id: number }>(
      tx,
      sql`insert into offer_deliveries (offer_id, merchant_id, treated, json_path, csv_path, sha256)
          values (${offerId}, ${offer.merchant_id}, ${doc.customers.length}, ${jsonPath}, ${csvPath}, ${sha256})
          on conflict (offer_id) do nothing returning offer_id`,
    );
    if (inserted.length > 0) await advanceOffer(tx, offerId, "delivered");
  });
  return { treated: doc.customers.length, jsonPath, csvPath };
}

/**
 * The bank's table "identifier, action, effect" of an offer's latest succeeded measurement as CSV
 * (bank_customer_id, variant, effect_minor, category), or null when it has none. Bank only.
 */
export async function offerEffectsCsv(database: Database, offerId: number): Promise<string | null> {
  const [r] = await queryRows<{ id: number }>(database.db, sql`select id from offer_results where offer_id = ${offerId} and status = 'succeeded' order by version desc limit 1`);
  if (!r) return null;
  const rows = await queryRows<{ bank_customer_id: string; arm: number; effect_minor: number; category: string }>(
    database.db,
    sql`select c.bank_customer_id, e.arm, e.effect_minor, e.category from offer_effects e join customers c on c.id = e.customer_id
        where e.result_id = ${r.id} order by c.bank_customer_id`,
  );
  return toCsv(["bank_customer_id", "variant", "effect_minor", "category"], rows.map((x) => [x.bank_customer_id, Number(x.arm) === 1 ? "A" : "B", Number(x.effect_minor), x.category]));
}
