import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { RollbackForErrors, dataBatches, type LoadContext, type LoadOutcome } from "../context";
import { finishBatch } from "../staging";
import { MerchantRows } from "./merchants-rows";

/** The canonical merchants CSV header (docs/data-format.md, "Merchants"). */
const MERCHANTS_HEADER = [
  "bank_merchant_id",
  "slug",
  "name",
  "mcc",
  "city",
  "region",
  "country",
  "time_zone",
  "currency",
] as const;

/**
 * Loads a merchants CSV: one row per bank merchant id; rows sharing a slug describe one merchant
 * and must agree on its attributes. Merchants are upserted by slug (name, MCC, city, region and
 * country may change; time zone and currency may not, as they fix existing rows' days and money)
 * and the bank ids are mapped to them. Merchants files are small, so rows are checked in memory
 * and written with set-based statements, without staging.
 */
export async function loadMerchantsCsv(ctx: LoadContext): Promise<LoadOutcome | null> {
  const { errors, reader } = ctx;
  const rows = new MerchantRows(errors);
  for await (const { records, lines } of dataBatches(ctx, MERCHANTS_HEADER)) rows.add(records, lines);
  if (!errors.empty) return null;
  const merchantsJson = rows.merchantsJson();
  const idsJson = rows.idsJson();

  ctx.progress.emit("merge");
  try {
    return await ctx.database.db.transaction(async (tx) => {
      const fixed = await queryRows<{ slug: string; time_zone: string; currency: string }>(
        tx,
        sql`select m.slug, m.time_zone, m.currency
            from merchants m
            join json_to_recordset(${merchantsJson}::json) as x(slug text, time_zone text, currency text) on x.slug = m.slug
            where m.time_zone <> x.time_zone or m.currency <> x.currency`,
      );
      const moved = await queryRows<{ bank_merchant_id: string; slug: string }>(
        tx,
        sql`select b.bank_merchant_id, m.slug
            from merchant_bank_ids b
            join merchants m on m.id = b.merchant_id
            join json_to_recordset(${idsJson}::json) as x(bank_merchant_id text, slug text)
              on x.bank_merchant_id = b.bank_merchant_id
            where m.slug <> x.slug`,
      );
      for (const e of rows.conflicts(fixed, moved)) errors.add(e.line, e.column, e.reason);
      if (!errors.empty) throw new RollbackForErrors();

      const changed = await queryRows<{ slug: string }>(
        tx,
        sql`insert into merchants (slug, name, mcc, city, region, country, time_zone, currency)
            select slug, name, mcc, city, region, country, time_zone, currency
            from json_to_recordset(${merchantsJson}::json)
              as x(slug text, name text, mcc text, city text, region text, country text, time_zone text, currency text)
            on conflict (slug) do update
              set name = excluded.name, mcc = excluded.mcc, city = excluded.city, region = excluded.region,
                  country = excluded.country
              where (merchants.name, merchants.mcc, merchants.city, merchants.region, merchants.country)
                    is distinct from (excluded.name, excluded.mcc, excluded.city, excluded.region, excluded.country)
            returning slug`,
      );
      const added = await queryRows<{ bank_merchant_id: string }>(
        tx,
        sql`insert into merchant_bank_ids (bank_merchant_id, merchant_id)
            select x.bank_merchant_id, m.id
            from json_to_recordset(${idsJson}::json) as x(bank_merchant_id text, slug text)
            join merchants m on m.slug = x.slug
            on conflict (bank_merchant_id) do nothing
            returning bank_merchant_id`,
      );
      const rowsInserted = rows.rowsInserted(new Set(changed.map((c) => c.slug)), new Set(added.map((a) => a.bank_merchant_id)));
      await finishBatch(tx, ctx.batchId, {
        sha256: reader.sha256,
        rowsRead: ctx.progress.rows,
        rowsInserted,
        rowsDropped: 0,
      });
      return { rowsInserted, rowsAlreadyPresent: rows.bankIds.length - rowsInserted, merchants: [...rows.bySlug.keys()].sort() };
    });
  } catch (err) {
    if (err instanceof RollbackForErrors) return null;
    throw err;
  }
}
