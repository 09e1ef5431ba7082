import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import type { CampaignFormat } from "@/db/schema/campaigns";
import { currencyDigits } from "@/lib/format";
import { CorruptFileError, CsvReader, MalformedCsvError } from "@/lib/ingest/read";
import { ErrorLog, Progress } from "@/lib/ingest/report";
import { COPY_CHUNK_ROWS } from "@/lib/ingest/staging";
import type { IngestError, IngestProgress } from "@/lib/ingest/types";
import { FREE_TEXT, FREE_TEXT_RULE, shown } from "@/lib/ingest/validate";
import { CampaignFileCheck, campaignName, checkGroups, type Layout, type StagedGroup } from "./importRows";

/*
 * Campaign upload (docs/campaigns.md, docs/data-format.md "Campaign files"). One streaming pass
 * over the file (lib/ingest's CsvReader: plain or gzip, hashed while read), rows checked by the
 * pure ./importRows.ts and COPYed into staging_campaign_rows, then set-level checks in SQL
 * (duplicates, groups) and ONE merge transaction. All-or-nothing; idempotent by (merchant,
 * sha256 of the file).
 */

/** What one {@link importCampaign} call did. `ok: false`: the database is unchanged. */
export interface CampaignImportReport {
  ok: boolean;
  format: CampaignFormat;
  file: string;
  /** The campaign created, or the one this same file created before (`alreadyPresent`). */
  campaignId: number | null;
  alreadyPresent: boolean;
  rowsRead: number;
  /** Identifiers matching no customer of this merchant: kept, but get no derived outcome. */
  unknownCustomers: number;
  /** action -> treatment rows, and control rows ('' = the shared control). */
  groups: { action: string; treatment: number; control: number }[];
  errorCount: number;
  errors: IngestError[];
  elapsedMs: number;
}

export interface CampaignImportOptions {
  merchantId: number;
  file: string;
  format?: CampaignFormat;
  /** Shown name; default: the file's base name. */
  name?: string;
  /** Name the report uses for the file (the browser's file name for uploads); default: `file`. */
  fileName?: string;
  /** Window of derived outcomes in days after sent_at; default 14. */
  windowDays?: number;
  onProgress?: (p: IngestProgress) => void;
}

const STAGING_COLUMNS = ["upload_id", "line", "customer_ref", "grp", "action", "sent_on", "visit", "conversion", "revenue_minor", "features"] as const;

/** Raised inside the merge to roll it back after set-level errors were logged. */
class Rollback extends Error {}

/**
 * Imports one campaign file for one merchant. The caller has authorized the merchant (route
 * wrapper or CLI operator); this runs on the owner connection (docs/adr/0004-campaigns.md).
 *
 * Row rules (docs/data-format.md): customer_id 1–128 printable ASCII; group `treatment` or
 * `control`; action required for treatment, empty on a control row = control shared by all
 * actions; sent_at `YYYY-MM-DD` (a time part after it is ignored); visit/conversion 0 or 1;
 * revenue a non-negative decimal in the merchant's currency (major units). File rules: each
 * customer once; at least one control and one treatment row; every action has treatment rows and
 * a control (its own or the shared one).
 *
 * @throws Error for operational failures only (unreadable file, unknown merchant, database)
 */
export async function importCampaign(database: Database, opts: CampaignImportOptions): Promise<CampaignImportReport> {
  const started = performance.now();
  const format = opts.format ?? "campaign";
  if (format !== "campaign" && format !== "hillstrom") throw new Error(`campaign import: unknown format "${format}"`);
  const windowDays = opts.windowDays ?? 14;
  if (!(Number.isInteger(windowDays) && windowDays > 0 && windowDays <= 366)) throw new Error(`campaign import: window of ${windowDays} days must be 1..366`);
  const file = path.resolve(opts.file);
  const [merchant] = await queryRows<{ currency: string }>(database.db, sql`select currency from merchants where id = ${opts.merchantId}`);
  if (!merchant) throw new Error(`campaign import: no merchant with id ${opts.merchantId}`);
  const scale = currencyDigits(merchant.currency);
  const reader = await CsvReader.open(file);
  const errors = new ErrorLog();
  const progress = new Progress(opts.onProgress);
  // A re-upload is recognised before any parsing: hashing is about 20× faster than validating
  // and staging the rows only to find the campaign already there. The merge checks again.
  const digest = await sha256File(file);
  const [known] = await queryRows<{ id: number; row_count: number; unknown_customers: number }>(
    database.db,
    sql`select id, row_count, unknown_customers from campaigns where merchant_id = ${opts.merchantId} and file_sha256 = ${digest}`,
  );
  if (known) {
    return {
      ok: true, format, file, campaignId: known.id, alreadyPresent: true, rowsRead: known.row_count, unknownCustomers: known.unknown_customers,
      groups: await groupsOf(database, known.id), errorCount: 0, errors: [], elapsedMs: Math.round(performance.now() - started),
    };
  }
  const [{ id: uploadId }] = await queryRows<{ id: number }>(database.db, sql`select nextval('campaign_upload_seq')::bigint as id`);
  const check = new CampaignFileCheck(format, scale, errors);

  async function* chunks(): AsyncGenerator<string> {
    const buffer: string[] = [];
    try {
      for await (const batch of reader.batches()) {
        let start = 0;
        if (!check.headerSeen) {
          if (!check.header(batch.records[0])) return;
          start = 1;
        }
        for (let r = start; r < batch.records.length; r++) {
          const line = batch.lines[r];
          progress.tick();
          const staged = check.row(batch.records[r], line);
          if (staged === null) continue;
          buffer.push(`${uploadId},${line},${staged}\n`);
          if (buffer.length >= COPY_CHUNK_ROWS) yield buffer.splice(0).join("");
        }
      }
    } catch (err) {
      if (err instanceof CorruptFileError) return errors.add(reader.decodedLine, null, err.message);
      if (err instanceof MalformedCsvError) return errors.add(err.line, null, err.message);
      throw err;
    }
    check.end();
    if (errors.empty && buffer.length > 0) yield buffer.join("");
  }

  const clearStaging = () => database.db.execute(sql`delete from staging_campaign_rows where upload_id = ${uploadId}`);
  const fail = (): CampaignImportReport => ({
    ok: false, format, file, campaignId: null, alreadyPresent: false, rowsRead: progress.rows, unknownCustomers: 0, groups: [],
    errorCount: errors.count, errors: errors.errors, elapsedMs: Math.round(performance.now() - started),
  });
  try {
    await database.copyCsv("staging_campaign_rows", STAGING_COLUMNS, chunks());
    if (!errors.empty) return fail();
    progress.emit("merge");
    await checkStaged(database, uploadId, errors);
    if (!errors.empty) return fail();
    const L: Layout = check.layout!;
    const result = await database.db.transaction(async (tx) => {
      const [existing] = await queryRows<{ id: number }>(
        tx,
        sql`select id from campaigns where merchant_id = ${opts.merchantId} and file_sha256 = ${reader.sha256}`,
      );
      if (existing) return { campaignId: existing.id, alreadyPresent: true };
      const name = campaignName(opts.name, opts.fileName ?? file);
      if (!FREE_TEXT.test(name)) {
        errors.add(1, null, `campaign name ${shown(name)} ${FREE_TEXT_RULE}`);
        throw new Rollback();
      }
      const [campaign] = await queryRows<{ id: number }>(
        tx,
        sql`insert into campaigns (merchant_id, name, format, file_name, file_sha256, row_count, unknown_customers,
                                   outcome_columns, outcome_source, window_days, feature_names)
            values (${opts.merchantId}, ${name}, ${format}, ${path.basename(opts.fileName ?? file)}, ${reader.sha256}, ${progress.rows}, 0,
                    ${JSON.stringify(L.outcomeColumns)}::jsonb, ${L.outcomeColumns.length > 0 ? "file" : "derived"}, ${windowDays},
                    ${JSON.stringify(L.features.map((f) => f.name))}::jsonb)
            returning id`,
      );
      // The identifier is the bank's pseudonymous customer id; only this merchant's customers match.
      await tx.execute(sql`
        insert into campaign_rows (campaign_id, merchant_id, line, customer_ref, customer_id, grp, action, sent_on, visit, conversion, revenue_minor, features)
        select ${campaign.id}, ${opts.merchantId}, s.line, s.customer_ref, mc.customer_id, s.grp, s.action, s.sent_on, s.visit, s.conversion, s.revenue_minor, s.features
        from staging_campaign_rows s
        left join customers c on c.bank_customer_id = s.customer_ref
        left join merchant_customers mc on mc.merchant_id = ${opts.merchantId} and mc.customer_id = c.id
        where s.upload_id = ${uploadId}`);
      await tx.execute(sql`
        update campaigns set unknown_customers =
          (select count(*) from campaign_rows where campaign_id = ${campaign.id} and customer_id is null)
        where id = ${campaign.id}`);
      return { campaignId: campaign.id, alreadyPresent: false };
    }).catch((err) => {
      if (err instanceof Rollback) return null;
      throw err;
    });
    if (result === null) return fail();
    const [{ unknown }] = await queryRows<{ unknown: number }>(database.db, sql`select unknown_customers as unknown from campaigns where id = ${result.campaignId}`);
    const groups = await groupsOf(database, result.campaignId);
    return {
      ok: true, format, file, campaignId: result.campaignId, alreadyPresent: result.alreadyPresent, rowsRead: progress.rows,
      unknownCustomers: unknown, groups, errorCount: 0, errors: [], elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await clearStaging();
  }
}

/** sha256 (hex) of a file's bytes, streamed. */
async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Rows per action and group of a stored campaign ('' = the shared control). */
function groupsOf(database: Database, campaignId: number) {
  return queryRows<{ action: string; treatment: number; control: number }>(
    database.db,
    sql`select action, count(*) filter (where grp = 'treatment')::int as treatment, count(*) filter (where grp = 'control')::int as control
        from campaign_rows where campaign_id = ${campaignId} group by action order by action`,
  );
}

/** Set-level rules over the staged rows: each customer once, and complete groups. */
async function checkStaged(database: Database, uploadId: number, errors: ErrorLog): Promise<void> {
  const dups = await queryRows<{ line: number; customer_ref: string; first_line: number }>(
    database.db,
    // Hash aggregation finds the repeated identifiers; only their rows are then sorted by line.
    sql`with dup as (
          select customer_ref from staging_campaign_rows where upload_id = ${uploadId}
          group by customer_ref having count(*) > 1)
        select line, customer_ref, first_line from (
          select s.line, s.customer_ref, min(s.line) over (partition by s.customer_ref) as first_line
          from staging_campaign_rows s join dup using (customer_ref) where s.upload_id = ${uploadId}) d
        where line > first_line order by line limit 100`,
  );
  for (const d of dups) errors.add(d.line, "customer_id", `customer ${shown(d.customer_ref)} appears again (first on line ${d.first_line}); each customer once per campaign`);
  if (dups.length > 0) return;
  const groups = await queryRows<StagedGroup>(
    database.db,
    sql`select action, count(*) filter (where grp = 'treatment')::int as treatment,
               count(*) filter (where grp = 'control')::int as control, min(line)::int as first_line
        from staging_campaign_rows where upload_id = ${uploadId} group by action order by min(line)`,
  );
  checkGroups(groups, errors);
}
