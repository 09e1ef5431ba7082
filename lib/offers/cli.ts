import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import type { OfferAudience } from "@/db/schema";
import { findMerchantRef } from "@/lib/jobs/store";
import type { MerchantRef } from "@/lib/tenancy/context";
import { selectAudience, type AudienceMember } from "./audience";

/*
 * The bank operator's reads behind `npm run cli -- offers …` (scripts/cli/offers.ts), on the owner
 * connection, so that the command runs no SQL of its own (docs/contributing.md: CLI scripts call
 * lib functions).
 */

/**
 * The merchant an offer belongs to, or null for an unknown offer.
 * @param offerId offers.id
 */
export async function offerMerchantRef(database: Database, offerId: number): Promise<MerchantRef | null> {
  const [r] = await queryRows<{ merchant_id: number }>(database.db, sql`select merchant_id from offers where id = ${offerId}`);
  return r ? findMerchantRef(database, { id: Number(r.merchant_id) }) : null;
}

/**
 * The day after the merchant's last day with data ('YYYY-MM-DD'; the CLI's `--from next`), or
 * null when it has no data. Sources: merchant_daily.
 */
export async function dayAfterLastData(database: Database, merchantId: number): Promise<string | null> {
  const [last] = await queryRows<{ next: string | null }>(database.db, sql`select (max(day) + 1)::text as next from merchant_daily where merchant_id = ${merchantId}`);
  return last?.next ?? null;
}

/** What simulating an offer's outcome needs: the offer's window and the bank ids of its assigned customers. */
export interface OfferOutcomeInputs {
  merchantId: number;
  audience: OfferAudience;
  /** The window [startsOn, endsOn), local days; pre-period length in days. */
  startsOn: string;
  endsOn: string;
  preDays: number;
  currency: string;
  /** The merchant's bank merchant id (the smallest when it has several), as transactions carry it. */
  bankMerchantId: string;
  /** Every assigned customer (customer-id order): arm (0 holdout, 1 A, 2 B), stratum, bank customer id. */
  assigned: Array<{ customerId: number; arm: number; stratum: string; bankCustomerId: string }>;
  /** The audience's members as of the window's first day, with their pre-period figures. */
  members: Map<number, AudienceMember>;
}

/**
 * The inputs of the synthetic bank's outcome of an offer (scripts/cli/offers.ts `simulate`).
 * Bank side: names bank customer ids, never shown to a merchant.
 * @throws Error when the offer is unknown
 */
export async function offerOutcomeInputs(database: Database, offerId: number): Promise<OfferOutcomeInputs> {
  const [o] = await queryRows<{ merchant_id: number; audience: OfferAudience; starts_on: string; ends_on: string; pre_days: number; currency: string; bank_merchant_id: string }>(
    database.db,
    sql`select o.merchant_id, o.audience, o.starts_on::text as starts_on, o.ends_on::text as ends_on, o.pre_days, o.currency,
               (select min(bank_merchant_id) from merchant_bank_ids b where b.merchant_id = o.merchant_id) as bank_merchant_id
        from offers o where o.id = ${offerId}`,
  );
  if (!o) throw new Error(`no offer ${offerId}`);
  const assigned = await queryRows<{ customer_id: number; arm: number; stratum: string; bank_customer_id: string }>(
    database.db,
    sql`select a.customer_id, a.arm, a.stratum, c.bank_customer_id from offer_assignments a join customers c on c.id = a.customer_id where a.offer_id = ${offerId} order by a.customer_id`,
  );
  const members = new Map((await selectAudience(database.db, o.merchant_id, o.audience, o.starts_on, o.pre_days)).map((m) => [m.customerId, m]));
  return {
    merchantId: Number(o.merchant_id),
    audience: o.audience,
    startsOn: o.starts_on,
    endsOn: o.ends_on,
    preDays: Number(o.pre_days),
    currency: o.currency,
    bankMerchantId: o.bank_merchant_id,
    assigned: assigned.map((a) => ({ customerId: Number(a.customer_id), arm: Number(a.arm), stratum: a.stratum, bankCustomerId: a.bank_customer_id })),
    members,
  };
}
