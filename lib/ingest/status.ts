import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";

/** A merchant as the bank's operators list it. */
export interface MerchantListing {
  id: number;
  slug: string;
  name: string;
  mcc: string;
  currency: string;
  timeZone: string;
  /** Purchases + refunds, from the daily rollup. */
  transactions: number;
}

/** Every merchant, by slug, with its transaction count (bank-wide: the owner connection). */
export async function listMerchants(database: Database): Promise<MerchantListing[]> {
  return queryRows<MerchantListing>(
    database.db,
    sql`select m.id, m.slug, m.name, m.mcc, m.currency, m.time_zone as "timeZone",
               coalesce(sum(d.purchases + d.refunds), 0)::bigint as transactions
        from merchants m left join merchant_daily d on d.merchant_id = m.id
        group by m.id order by m.slug`,
  );
}

/**
 * True when every file (by sha256) has a finished ingest batch. Ingest is all-or-nothing, so a
 * finished batch means the whole file is in; an indexed look-up, unlike counting rows.
 */
export async function filesLoaded(database: Database, sha256s: readonly string[]): Promise<boolean> {
  if (sha256s.length === 0) return true;
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(distinct file_sha256)::int as n from ingest_batches
        where finished_at is not null and file_sha256 in (${sql.join(sha256s.map((s) => sql`${s}`), sql`, `)})`,
  );
  return row.n === new Set(sha256s).size;
}

/** True when any merchant mapped from these bank merchant ids already holds transactions. */
export async function merchantsHaveTransactions(database: Database, bankMerchantIds: readonly string[]): Promise<boolean> {
  if (bankMerchantIds.length === 0) return false;
  const [row] = await queryRows<{ found: boolean }>(
    database.db,
    sql`select exists (select 1 from transactions where merchant_id in (
          select merchant_id from merchant_bank_ids
          where bank_merchant_id in (${sql.join(bankMerchantIds.map((id) => sql`${id}`), sql`, `)}))) as found`,
  );
  return row.found;
}
