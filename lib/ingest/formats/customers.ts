import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { refreshCustomerSnapshots } from "@/lib/rollups";
import { dataBatches, type LoadContext, type LoadOutcome } from "../context";
import { ChunkBuffer, clearStaging, finishBatch } from "../staging";
import { copyCsvField } from "@/lib/csv/copy";
import { BANK_ID, BANK_ID_RULE, FREE_TEXT, FREE_TEXT_RULE, MIN_YEAR, shown } from "../validate";

/** The canonical customers CSV header (docs/data-format.md, "Customers"). */
const CUSTOMERS_HEADER = [
  "customer_id",
  "gender",
  "birth_year",
  "marital_status",
  "is_payroll",
  "is_corporate",
  "is_premium",
  "region",
] as const;

const STAGING_CUSTOMER_COLUMNS = [
  "batch_id",
  "line",
  "bank_customer_id",
  "gender",
  "birth_year",
  "marital_status",
  "is_payroll",
  "is_corporate",
  "is_premium",
  "region",
] as const;

const GENDERS = new Set(["", "female", "male"]);
const MARITAL = new Set(["", "single", "married", "divorced", "widowed"]);
const FLAGS = new Set(["", "true", "false"]);
const BIRTH_YEAR = /^\d{4}$/;

/**
 * Loads a customers CSV: the bank's attributes of its (pseudonymous) customers. Each row is the
 * customer's whole current record: an empty field means unknown and is stored as null, also
 * over a value loaded before. Customers are upserted by customer_id; the merchant_customers
 * snapshots of the customers whose attributes changed are refreshed in the same transaction.
 */
export async function loadCustomersCsv(ctx: LoadContext): Promise<LoadOutcome | null> {
  const seen = new Map<string, number>();
  const maxBirthYear = new Date().getUTCFullYear();
  let staged = 0;

  async function* chunks(): AsyncGenerator<string> {
    const { errors, batchId } = ctx;
    const buffer = new ChunkBuffer();
    for await (const { records, lines } of dataBatches(ctx, CUSTOMERS_HEADER)) {
      for (let r = 0; r < records.length; r++) {
        const f = records[r];
        const line = lines[r];
        const [customerId, gender, birthYear, marital, isPayroll, isCorporate, isPremium, region] = f;
        if (!BANK_ID.test(customerId)) errors.add(line, "customer_id", BANK_ID_RULE);
        else {
          const first = seen.get(customerId);
          if (first !== undefined) errors.add(line, "customer_id", `duplicate of line ${first}`);
          else seen.set(customerId, line);
        }
        if (!GENDERS.has(gender)) errors.add(line, "gender", `${shown(gender)} is not one of female, male or empty`);
        if (birthYear !== "") {
          const year = BIRTH_YEAR.test(birthYear) ? Number(birthYear) : NaN;
          if (!(year >= MIN_YEAR && year <= maxBirthYear)) {
            errors.add(line, "birth_year", `${shown(birthYear)} is not a year between ${MIN_YEAR} and ${maxBirthYear}`);
          }
        }
        if (!MARITAL.has(marital)) {
          errors.add(line, "marital_status", `${shown(marital)} is not one of single, married, divorced, widowed or empty`);
        }
        if (!FLAGS.has(isPayroll)) errors.add(line, "is_payroll", `${shown(isPayroll)} is not true, false or empty`);
        if (!FLAGS.has(isCorporate)) errors.add(line, "is_corporate", `${shown(isCorporate)} is not true, false or empty`);
        if (!FLAGS.has(isPremium)) errors.add(line, "is_premium", `${shown(isPremium)} is not true, false or empty`);
        if (region !== "" && !FREE_TEXT.test(region)) errors.add(line, "region", FREE_TEXT_RULE);
        if (errors.count > 0) continue;

        staged += 1;
        // An unquoted empty CSV field is NULL to COPY: unknown stays unknown.
        const chunk = buffer.push(
          `${batchId},${line},${copyCsvField(customerId)},${gender},${birthYear},${marital},${isPayroll},${isCorporate},${isPremium},${copyCsvField(region)}\n`,
        );
        if (chunk !== null) yield chunk;
      }
    }
    if (errors.empty) yield buffer.take();
  }

  const { database, batchId, errors } = ctx;
  await database.copyCsv("staging_customers", STAGING_CUSTOMER_COLUMNS, chunks());
  if (!errors.empty) return null;
  ctx.progress.emit("merge");
  return database.db.transaction(async (tx) => {
    const changed = await queryRows<{ id: number }>(
      tx,
      sql`
        insert into customers (bank_customer_id, gender, birth_year, marital_status, is_payroll, is_corporate,
                               is_premium, region)
        select bank_customer_id, gender, birth_year, marital_status, is_payroll, is_corporate, is_premium, region
        from staging_customers
        where batch_id = ${batchId}
        order by line
        on conflict (bank_customer_id) do update
          set gender = excluded.gender, birth_year = excluded.birth_year, marital_status = excluded.marital_status,
              is_payroll = excluded.is_payroll, is_corporate = excluded.is_corporate,
              is_premium = excluded.is_premium, region = excluded.region, updated_at = excluded.updated_at -- the default now()
          where (customers.gender, customers.birth_year, customers.marital_status, customers.is_payroll,
                 customers.is_corporate, customers.is_premium, customers.region)
                is distinct from
                (excluded.gender, excluded.birth_year, excluded.marital_status, excluded.is_payroll,
                 excluded.is_corporate, excluded.is_premium, excluded.region)
        returning id`,
    );
    const ids = changed.map((c) => c.id);
    await refreshCustomerSnapshots(tx, ids);
    const touched = await queryRows<{ slug: string }>(
      tx,
      sql`select distinct m.slug from merchant_customers mc join merchants m on m.id = mc.merchant_id
          where mc.customer_id = any(string_to_array(${ids.join(",")}, ',')::bigint[]) order by m.slug`,
    );
    await finishBatch(tx, batchId, {
      sha256: ctx.reader.sha256,
      rowsRead: ctx.progress.rows,
      rowsInserted: ids.length,
      rowsDropped: 0,
    });
    await clearStaging(tx, batchId);
    return { rowsInserted: ids.length, rowsAlreadyPresent: staged - ids.length, merchants: touched.map((t) => t.slug) };
  });
}
