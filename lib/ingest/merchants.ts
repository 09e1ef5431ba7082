import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "@/db/client";
import { isKnownCountry, isKnownCurrency, isKnownMcc, isKnownTimeZone } from "./reference";
import { BANK_ID, BANK_ID_RULE, FREE_TEXT, FREE_TEXT_RULE, shown } from "./validate";

/** A merchant (tenant) as the bank describes it. */
export interface MerchantSpec {
  /** URL-safe unique name: `^[a-z0-9][a-z0-9-]{0,62}$`. */
  slug: string;
  name: string;
  /** ISO 18245 code, 4 digits with leading zeros ("0742"). */
  mcc: string;
  /** IANA time zone; fixes the merchant's local days. */
  timeZone: string;
  /** ISO 4217 code; every transaction of the merchant is in it. */
  currency: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  city?: string | null;
  region?: string | null;
  /** The bank's merchant ids (terminals, acquiring ids) whose transactions belong to this merchant. */
  bankMerchantIds?: readonly string[];
}

const MERCHANT_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The merchant attributes as checked by {@link merchantSpecProblems}, keyed by CSV column. */
export type MerchantColumn =
  | "bank_merchant_id"
  | "slug"
  | "name"
  | "mcc"
  | "city"
  | "region"
  | "country"
  | "time_zone"
  | "currency";

/**
 * Checks a merchant's attributes (not its bank ids).
 * @returns problems as [column, reason]; empty when valid
 */
export function merchantSpecProblems(spec: MerchantSpec): Array<[MerchantColumn, string]> {
  const problems: Array<[MerchantColumn, string]> = [];
  if (!MERCHANT_SLUG.test(spec.slug)) {
    problems.push(["slug", `${shown(spec.slug)} must be 1–63 characters of a-z, 0-9 and "-", not starting with "-"`]);
  }
  if (!FREE_TEXT.test(spec.name)) problems.push(["name", FREE_TEXT_RULE]);
  if (!/^\d{4}$/.test(spec.mcc) || !isKnownMcc(spec.mcc)) {
    problems.push(["mcc", `${shown(spec.mcc)} is not an ISO 18245 merchant category code`]);
  }
  if (spec.city != null && !FREE_TEXT.test(spec.city)) problems.push(["city", FREE_TEXT_RULE]);
  if (spec.region != null && !FREE_TEXT.test(spec.region)) problems.push(["region", FREE_TEXT_RULE]);
  if (!isKnownCountry(spec.country)) problems.push(["country", `${shown(spec.country)} is not an ISO 3166-1 alpha-2 country code`]);
  if (!isKnownTimeZone(spec.timeZone)) problems.push(["time_zone", `${shown(spec.timeZone)} is not an IANA time zone`]);
  if (!isKnownCurrency(spec.currency)) problems.push(["currency", `${shown(spec.currency)} is not an ISO 4217 currency code`]);
  return problems;
}

/**
 * Checks a merchant's attributes and its bank merchant ids (pure; what {@link ensureMerchant}
 * refuses).
 * @returns problems as [column, reason]; empty when valid
 */
export function merchantProblems(spec: MerchantSpec): Array<[MerchantColumn, string]> {
  const problems = merchantSpecProblems(spec);
  for (const id of spec.bankMerchantIds ?? []) {
    if (!BANK_ID.test(id)) problems.push(["bank_merchant_id", `bank merchant id ${shown(id)} ${BANK_ID_RULE}`]);
  }
  return problems;
}

/** A merchant as {@link ensureMerchant} found or created it. */
export interface EnsuredMerchant {
  id: number;
  slug: string;
  name: string;
  mcc: string;
  currency: string;
  timeZone: string;
  /** True when this call created it. */
  created: boolean;
}

function executorOf(target: Database | Executor): { run: <T>(fn: (ex: Executor) => Promise<T>) => Promise<T> } {
  if ("copyCsv" in target) return { run: (fn) => target.db.transaction((tx) => fn(tx)) };
  return { run: (fn) => fn(target) };
}

/**
 * Creates the merchant `spec.slug` unless it exists, and maps `spec.bankMerchantIds` to it;
 * idempotent. An existing merchant is left as it is (name, MCC … are not updated), but it must
 * have the same currency and time zone: a different one would misstate every amount or day.
 *
 * Given a Database it runs in its own transaction; given a transaction (Executor) it runs in it,
 * so an ingest can create its merchant atomically with its rows.
 *
 * @throws Error on invalid attributes, on an existing merchant with another currency or time
 *         zone, or on a bank merchant id already mapped to another merchant
 */
export async function ensureMerchant(target: Database | Executor, spec: MerchantSpec): Promise<EnsuredMerchant> {
  const problems = merchantProblems(spec);
  if (problems.length > 0) {
    throw new Error(`ensureMerchant(${spec.slug}): ${problems.map(([c, r]) => `${c}: ${r}`).join("; ")}`);
  }
  return executorOf(target).run(async (ex) => {
    const existing = await queryRows<{ id: number }>(ex, sql`select id from merchants where slug = ${spec.slug}`);
    // Looked up first so that re-runs do not consume identity values; the conflict clause covers races.
    const inserted =
      existing.length > 0
        ? []
        : await queryRows<{ id: number }>(
            ex,
            sql`insert into merchants (slug, name, mcc, city, region, country, time_zone, currency)
                values (${spec.slug}, ${spec.name}, ${spec.mcc}, ${spec.city ?? null}, ${spec.region ?? null},
                        ${spec.country}, ${spec.timeZone}, ${spec.currency})
                on conflict (slug) do nothing
                returning id`,
          );
    const [m] = await queryRows<{ id: number; name: string; mcc: string; currency: string; time_zone: string }>(
      ex,
      sql`select id, name, mcc, currency, time_zone from merchants where slug = ${spec.slug}`,
    );
    if (m.currency !== spec.currency || m.time_zone !== spec.timeZone) {
      throw new Error(
        `ensureMerchant(${spec.slug}): the merchant exists with currency ${m.currency} and time zone ` +
          `${m.time_zone}, not ${spec.currency} and ${spec.timeZone}`,
      );
    }
    const ids = spec.bankMerchantIds ?? [];
    if (ids.length > 0) {
      const idsJson = JSON.stringify(ids);
      await ex.execute(sql`
        insert into merchant_bank_ids (bank_merchant_id, merchant_id)
        select value, ${m.id}::int from json_array_elements_text(${idsJson}::json)
        on conflict (bank_merchant_id) do nothing`);
      const foreign = await queryRows<{ bank_merchant_id: string; slug: string }>(
        ex,
        sql`select b.bank_merchant_id, o.slug
            from merchant_bank_ids b join merchants o on o.id = b.merchant_id
            where b.bank_merchant_id in (select value from json_array_elements_text(${idsJson}::json))
              and b.merchant_id <> ${m.id}`,
      );
      if (foreign.length > 0) {
        const list = foreign.map((f) => `${f.bank_merchant_id} (${f.slug})`).join(", ");
        throw new Error(`ensureMerchant(${spec.slug}): bank merchant ids already belong to other merchants: ${list}`);
      }
    }
    return {
      id: m.id,
      slug: spec.slug,
      name: m.name,
      mcc: m.mcc,
      currency: m.currency,
      timeZone: m.time_zone,
      created: inserted.length > 0,
    };
  });
}
