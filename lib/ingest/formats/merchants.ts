import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { RollbackForErrors, dataBatches, type LoadContext, type LoadOutcome } from "../context";
import { merchantSpecProblems, type MerchantColumn, type MerchantSpec } from "../merchants";
import { finishBatch } from "../staging";
import { BANK_ID, BANK_ID_RULE, shown } from "../validate";

/** The canonical merchants CSV header (docs/data-format.md, "Merchants"). */
export const MERCHANTS_HEADER = [
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

interface MerchantEntry {
  spec: Required<Omit<MerchantSpec, "bankMerchantIds">> & { city: string | null; region: string | null };
  firstLine: number;
}

interface BankIdRow {
  line: number;
  bankMerchantId: string;
  slug: string;
}

const ATTRIBUTES: Array<[MerchantColumn, keyof MerchantEntry["spec"]]> = [
  ["name", "name"],
  ["mcc", "mcc"],
  ["city", "city"],
  ["region", "region"],
  ["country", "country"],
  ["time_zone", "timeZone"],
  ["currency", "currency"],
];

/**
 * Loads a merchants CSV: one row per bank merchant id; rows sharing a slug describe one merchant
 * and must agree on its attributes. Merchants are upserted by slug (name, MCC, city, region and
 * country may change; time zone and currency may not, as they fix existing rows' days and money)
 * and the bank ids are mapped to them. Merchants files are small, so rows are checked in memory
 * and written with set-based statements, without staging.
 */
export async function loadMerchantsCsv(ctx: LoadContext): Promise<LoadOutcome | null> {
  const { errors, reader } = ctx;
  const bySlug = new Map<string, MerchantEntry>();
  const bankIds: BankIdRow[] = [];
  const seenIds = new Map<string, number>();

  for await (const { records, lines } of dataBatches(ctx, MERCHANTS_HEADER)) {
    for (let r = 0; r < records.length; r++) {
      const f = records[r];
      const line = lines[r];
      const [bankMerchantId, slug, name, mcc, city, region, country, timeZone, currency] = f;
      if (!BANK_ID.test(bankMerchantId)) errors.add(line, "bank_merchant_id", BANK_ID_RULE);
      else {
        const first = seenIds.get(bankMerchantId);
        if (first !== undefined) errors.add(line, "bank_merchant_id", `duplicate of line ${first}`);
        else seenIds.set(bankMerchantId, line);
      }
      const spec = { slug, name, mcc, city: city || null, region: region || null, country, timeZone, currency };
      const problems = merchantSpecProblems(spec);
      for (const [column, reason] of problems) errors.add(line, column, reason);
      if (problems.length > 0) continue;

      const known = bySlug.get(slug);
      if (known === undefined) bySlug.set(slug, { spec, firstLine: line });
      else {
        for (const [column, key] of ATTRIBUTES) {
          if (known.spec[key] !== spec[key]) {
            errors.add(line, column, `"${spec[key] ?? ""}" differs from line ${known.firstLine} ("${known.spec[key] ?? ""}") for slug ${slug}`);
          }
        }
      }
      bankIds.push({ line, bankMerchantId, slug });
    }
  }
  if (!errors.empty) return null;

  const merchantsJson = JSON.stringify(
    [...bySlug.values()].map(({ spec }) => ({
      slug: spec.slug,
      name: spec.name,
      mcc: spec.mcc,
      city: spec.city,
      region: spec.region,
      country: spec.country,
      time_zone: spec.timeZone,
      currency: spec.currency,
    })),
  );
  const idsJson = JSON.stringify(bankIds.map((b) => ({ bank_merchant_id: b.bankMerchantId, slug: b.slug })));

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
      const found: Array<{ line: number; column: MerchantColumn; reason: string }> = [];
      for (const m of fixed) {
        const entry = bySlug.get(m.slug)!;
        if (entry.spec.timeZone !== m.time_zone) {
          const reason = `merchant ${m.slug} already has time zone ${m.time_zone}; it cannot change`;
          found.push({ line: entry.firstLine, column: "time_zone", reason });
        }
        if (entry.spec.currency !== m.currency) {
          const reason = `merchant ${m.slug} already has currency ${m.currency}; it cannot change`;
          found.push({ line: entry.firstLine, column: "currency", reason });
        }
      }
      const lineOf = new Map(bankIds.map((b) => [b.bankMerchantId, b.line]));
      const moved = await queryRows<{ bank_merchant_id: string; slug: string }>(
        tx,
        sql`select b.bank_merchant_id, m.slug
            from merchant_bank_ids b
            join merchants m on m.id = b.merchant_id
            join json_to_recordset(${idsJson}::json) as x(bank_merchant_id text, slug text)
              on x.bank_merchant_id = b.bank_merchant_id
            where m.slug <> x.slug`,
      );
      for (const r of moved) {
        const reason = `${shown(r.bank_merchant_id)} already belongs to merchant ${r.slug}`;
        found.push({ line: lineOf.get(r.bank_merchant_id)!, column: "bank_merchant_id", reason });
      }
      // Stable sort: file order, and per line the order of the checks above.
      for (const e of found.sort((x, y) => x.line - y.line)) errors.add(e.line, e.column, e.reason);
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
      const changedSlugs = new Set(changed.map((c) => c.slug));
      const addedIds = new Set(added.map((a) => a.bank_merchant_id));
      const rowsInserted = bankIds.filter(
        (b) => addedIds.has(b.bankMerchantId) || (changedSlugs.has(b.slug) && bySlug.get(b.slug)!.firstLine === b.line),
      ).length;
      await finishBatch(tx, ctx.batchId, {
        sha256: reader.sha256,
        rowsRead: ctx.progress.rows,
        rowsInserted,
        rowsDropped: 0,
      });
      return { rowsInserted, rowsAlreadyPresent: bankIds.length - rowsInserted, merchants: [...bySlug.keys()].sort() };
    });
  } catch (err) {
    if (err instanceof RollbackForErrors) return null;
    throw err;
  }
}
