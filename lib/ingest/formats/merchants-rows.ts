import { merchantSpecProblems, type MerchantColumn, type MerchantSpec } from "../merchants";
import type { ErrorLog } from "../report";
import { BANK_ID, BANK_ID_RULE, shown } from "../validate";

/*
 * The pure steps of the merchants CSV (docs/data-format.md, "Merchants"): each row checked and
 * grouped by slug, the rows as JSON for the set-based statements, the conflicts with the stored
 * merchants turned into errors, and the count of rows that changed something. No I/O:
 * ./merchants.ts reads the file and runs the statements in one transaction.
 */

/** One merchant of the file: its attributes and the first line that named it. */
export interface MerchantEntry {
  spec: Required<Omit<MerchantSpec, "bankMerchantIds">> & { city: string | null; region: string | null };
  firstLine: number;
}

/** One bank merchant id of the file, the line it is on and the slug it maps to. */
export interface BankIdRow {
  line: number;
  bankMerchantId: string;
  slug: string;
}

/** An error found against the stored merchants, before it is logged. */
export interface MerchantConflict {
  line: number;
  column: MerchantColumn;
  reason: string;
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
 * The merchants file's rows, checked as they stream by (pure): one row per bank merchant id, in
 * the column order of MERCHANTS_HEADER; rows sharing a slug describe one merchant and must agree
 * on its attributes; a bank id appears once. Problems go to `errors` with line and column; a row
 * with invalid attributes is left out of `bySlug` and `bankIds`.
 */
export class MerchantRows {
  /** slug → the merchant, in file order of first appearance. */
  readonly bySlug = new Map<string, MerchantEntry>();
  readonly bankIds: BankIdRow[] = [];
  private readonly seenIds = new Map<string, number>();

  constructor(private readonly errors: ErrorLog) {}

  /** Checks one batch of records (9 fields each) with their file lines. */
  add(records: readonly string[][], lines: readonly number[]): void {
    const { errors, bySlug, bankIds, seenIds } = this;
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

  /** The merchants as a JSON array of `{ slug, name, mcc, city, region, country, time_zone, currency }` (json_to_recordset). */
  merchantsJson(): string {
    return JSON.stringify(
      [...this.bySlug.values()].map(({ spec }) => ({
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
  }

  /** The bank ids as a JSON array of `{ bank_merchant_id, slug }` (json_to_recordset). */
  idsJson(): string {
    return JSON.stringify(this.bankIds.map((b) => ({ bank_merchant_id: b.bankMerchantId, slug: b.slug })));
  }

  /**
   * The file's conflicts with the stored merchants, in file order (and per line in the order
   * time zone, currency, bank id): `fixed` are stored merchants of the file whose time zone or
   * currency differs from the file's (they fix existing rows' days and money, so they cannot
   * change), `moved` are bank ids the file maps to another merchant than the stored one.
   */
  conflicts(
    fixed: ReadonlyArray<{ slug: string; time_zone: string; currency: string }>,
    moved: ReadonlyArray<{ bank_merchant_id: string; slug: string }>,
  ): MerchantConflict[] {
    const found: MerchantConflict[] = [];
    for (const m of fixed) {
      const entry = this.bySlug.get(m.slug)!;
      if (entry.spec.timeZone !== m.time_zone) {
        const reason = `merchant ${m.slug} already has time zone ${m.time_zone}; it cannot change`;
        found.push({ line: entry.firstLine, column: "time_zone", reason });
      }
      if (entry.spec.currency !== m.currency) {
        const reason = `merchant ${m.slug} already has currency ${m.currency}; it cannot change`;
        found.push({ line: entry.firstLine, column: "currency", reason });
      }
    }
    const lineOf = new Map(this.bankIds.map((b) => [b.bankMerchantId, b.line]));
    for (const r of moved) {
      const reason = `${shown(r.bank_merchant_id)} already belongs to merchant ${r.slug}`;
      found.push({ line: lineOf.get(r.bank_merchant_id)!, column: "bank_merchant_id", reason });
    }
    // Stable sort: file order, and per line the order of the checks above.
    return found.sort((x, y) => x.line - y.line);
  }

  /**
   * Rows that changed something: a bank id newly mapped (`addedIds`), or the first line of a
   * merchant whose attributes changed or that was created (`changedSlugs`). The rest were
   * already present.
   */
  rowsInserted(changedSlugs: ReadonlySet<string>, addedIds: ReadonlySet<string>): number {
    return this.bankIds.filter(
      (b) => addedIds.has(b.bankMerchantId) || (changedSlugs.has(b.slug) && this.bySlug.get(b.slug)!.firstLine === b.line),
    ).length;
  }
}
