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
import { BANK_ID, BANK_ID_RULE, FREE_TEXT, FREE_TEXT_RULE, csvField, isCalendarDate, parseScaledDecimal, shown } from "@/lib/ingest/validate";

/*
 * Campaign upload (docs/campaigns.md, docs/data-format.md "Campaign files"). One streaming pass
 * over the file (lib/ingest's CsvReader: plain or gzip, hashed while read), validated rows COPYed
 * into staging_campaign_rows, then set-level checks in SQL (duplicates, groups) and ONE merge
 * transaction. All-or-nothing; idempotent by (merchant, sha256 of the file).
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

export const REQUIRED_COLUMNS = ["customer_id", "group", "action", "sent_at"] as const;
export const OUTCOME_COLUMNS = ["visit", "conversion", "revenue"] as const;
export const HILLSTROM_HEADER = [
  "recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel", "segment", "visit", "conversion", "spend",
] as const;
const HILLSTROM_ACTIONS: Record<string, string> = { "Mens E-Mail": "Mens E-Mail", "Womens E-Mail": "Womens E-Mail" };
const HILLSTROM_CONTROL = "No E-Mail";
const FEATURE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const MAX_FEATURES = 50;
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const STAGING_COLUMNS = ["upload_id", "line", "customer_ref", "grp", "action", "sent_on", "visit", "conversion", "revenue_minor", "features"] as const;

/** Raised inside the merge to roll it back after set-level errors were logged. */
class Rollback extends Error {}

interface Layout {
  /** Index of each canonical field in the record, -1 when absent. */
  customer: number;
  group: number;
  action: number;
  sentAt: number;
  visit: number;
  conversion: number;
  revenue: number;
  /** Hillstrom's `segment` column (group and action from it). */
  segment: number;
  features: { name: string; index: number }[];
  width: number;
  outcomeColumns: string[];
}

function canonicalLayout(header: string[], errors: ErrorLog): Layout | null {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (seen.has(name)) errors.add(1, name, `column "${name}" appears twice`);
    else seen.set(name, i);
  });
  for (const name of REQUIRED_COLUMNS) if (!seen.has(name)) errors.add(1, name, `required column "${name}" is missing (header: ${REQUIRED_COLUMNS.join(",")}[,visit][,conversion][,revenue][,features…])`);
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OUTCOME_COLUMNS]);
  const features = header.flatMap((name, index) => (known.has(name) ? [] : [{ name, index }]));
  for (const f of features) if (!FEATURE_NAME.test(f.name)) errors.add(1, f.name, `feature column name ${shown(f.name)} must be a letter then up to 62 letters, digits or _`);
  if (features.length > MAX_FEATURES) errors.add(1, null, `at most ${MAX_FEATURES} feature columns, found ${features.length}`);
  if (!errors.empty) return null;
  const at = (n: string) => seen.get(n) ?? -1;
  return {
    customer: at("customer_id"), group: at("group"), action: at("action"), sentAt: at("sent_at"),
    visit: at("visit"), conversion: at("conversion"), revenue: at("revenue"), segment: -1,
    features, width: header.length, outcomeColumns: OUTCOME_COLUMNS.filter((c) => seen.has(c)),
  };
}

function hillstromLayout(header: string[], errors: ErrorLog): Layout | null {
  if (header.length !== HILLSTROM_HEADER.length || header.some((n, i) => n !== HILLSTROM_HEADER[i])) {
    errors.add(1, null, `expected the Hillstrom header "${HILLSTROM_HEADER.join(",")}", found ${shown(header.join(","), 300)}`);
    return null;
  }
  const idx = (n: string) => header.indexOf(n);
  return {
    customer: -1, group: -1, action: -1, sentAt: -1,
    visit: idx("visit"), conversion: idx("conversion"), revenue: idx("spend"), segment: idx("segment"),
    features: ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel"].map((name) => ({ name, index: idx(name) })),
    width: header.length, outcomeColumns: ["visit", "conversion", "revenue"],
  };
}

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
  let layout: Layout | null = null;

  async function* chunks(): AsyncGenerator<string> {
    const buffer: string[] = [];
    let headerSeen = false;
    let dataRow = 0;
    try {
      for await (const batch of reader.batches()) {
        let start = 0;
        if (!headerSeen) {
          headerSeen = true;
          layout = format === "hillstrom" ? hillstromLayout(batch.records[0], errors) : canonicalLayout(batch.records[0], errors);
          if (!layout) return;
          start = 1;
        }
        const L = layout!;
        for (let r = start; r < batch.records.length; r++) {
          const rec = batch.records[r];
          const line = batch.lines[r];
          progress.tick();
          dataRow += 1;
          if (rec.length !== L.width) {
            errors.add(line, null, `expected ${L.width} fields, found ${rec.length}`);
            continue;
          }
          const staged = format === "hillstrom" ? hillstromRow(rec, L, line, dataRow, scale, errors) : canonicalRow(rec, L, line, scale, errors);
          if (staged === null || !errors.empty) continue;
          buffer.push(`${uploadId},${line},${staged}\n`);
          if (buffer.length >= COPY_CHUNK_ROWS) yield buffer.splice(0).join("");
        }
      }
    } catch (err) {
      if (err instanceof CorruptFileError) return errors.add(reader.decodedLine, null, err.message);
      if (err instanceof MalformedCsvError) return errors.add(err.line, null, err.message);
      throw err;
    }
    if (!headerSeen) errors.add(1, null, "the file is empty: expected a header");
    else if (dataRow === 0 && errors.empty) errors.add(2, null, "the file has a header but no rows");
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
    const L = layout!;
    const result = await database.db.transaction(async (tx) => {
      const [existing] = await queryRows<{ id: number }>(
        tx,
        sql`select id from campaigns where merchant_id = ${opts.merchantId} and file_sha256 = ${reader.sha256}`,
      );
      if (existing) return { campaignId: existing.id, alreadyPresent: true };
      const name = opts.name?.trim() || path.basename(opts.fileName ?? file).replace(/\.(csv|gz|csv\.gz)$/i, "");
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
  const groups = await queryRows<{ action: string; treatment: number; control: number; first_line: number }>(
    database.db,
    sql`select action, count(*) filter (where grp = 'treatment')::int as treatment,
               count(*) filter (where grp = 'control')::int as control, min(line)::int as first_line
        from staging_campaign_rows where upload_id = ${uploadId} group by action order by min(line)`,
  );
  const shared = groups.find((g) => g.action === "");
  const anyControl = groups.some((g) => g.control > 0);
  const anyTreatment = groups.some((g) => g.treatment > 0);
  if (!anyControl) errors.add(1, "group", "the campaign has no control group: without held-out customers no effect can be measured");
  if (!anyTreatment) errors.add(1, "group", "the campaign has no treatment group");
  if (!anyControl || !anyTreatment) return;
  for (const g of groups) {
    if (g.action === "") continue;
    if (g.treatment === 0) errors.add(g.first_line, "action", `action ${shown(g.action)} has a control group but no treatment group`);
    else if (g.control === 0 && !shared) errors.add(g.first_line, "action", `action ${shown(g.action)} has no control group (neither its own nor a shared one with an empty action)`);
  }
  if (shared && !groups.some((g) => g.action !== "" && g.treatment > 0)) errors.add(shared.first_line, "action", "the shared control group has no action to compare with");
}

/** An action for COPY: the empty action (shared control) must be quoted, else COPY reads NULL. */
function actionField(action: string): string {
  return action === "" ? '""' : csvField(action);
}

function flag(value: string, line: number, column: string, errors: ErrorLog): string | null {
  if (value === "0" || value === "1") return value;
  errors.add(line, column, `must be 0 or 1, found ${shown(value)}`);
  return null;
}

function revenueMinor(value: string, scale: number, line: number, column: string, errors: ErrorLog): string | null {
  const v = parseScaledDecimal(value, scale);
  if (v === null || v < 0) {
    errors.add(line, column, `must be a non-negative amount with at most ${scale} decimals, found ${shown(value)}`);
    return null;
  }
  return String(v);
}

function featuresJson(rec: string[], L: Layout, line: number, errors: ErrorLog): string | null {
  const obj: Record<string, string> = {};
  for (const f of L.features) {
    const v = rec[f.index];
    if (v === "") continue;
    if (v.length > 200 || /[\x00-\x1f\x7f]/.test(v)) {
      errors.add(line, f.name, "a feature value must be at most 200 characters without control characters");
      return null;
    }
    obj[f.name] = v;
  }
  return csvField(JSON.stringify(obj));
}

function canonicalRow(rec: string[], L: Layout, line: number, scale: number, errors: ErrorLog): string | null {
  const before = errors.count;
  const customer = rec[L.customer];
  if (!BANK_ID.test(customer)) errors.add(line, "customer_id", `${shown(customer)} ${BANK_ID_RULE}`);
  const group = rec[L.group];
  if (group !== "treatment" && group !== "control") errors.add(line, "group", `must be "treatment" or "control", found ${shown(group)}`);
  const action = rec[L.action];
  if (action === "" && group === "treatment") errors.add(line, "action", "a treatment row needs its action");
  else if (action !== "" && !FREE_TEXT.test(action)) errors.add(line, "action", `${shown(action)} ${FREE_TEXT_RULE}`);
  const m = DATE_PREFIX.exec(rec[L.sentAt]);
  const sentOn = m && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) && Number(m[1]) >= 1900 && Number(m[1]) <= 2199 ? `${m[1]}-${m[2]}-${m[3]}` : null;
  if (sentOn === null) errors.add(line, "sent_at", `must be a date YYYY-MM-DD, found ${shown(rec[L.sentAt])}`);
  const visit = L.visit >= 0 ? flag(rec[L.visit], line, "visit", errors) : "";
  const conversion = L.conversion >= 0 ? flag(rec[L.conversion], line, "conversion", errors) : "";
  const revenue = L.revenue >= 0 ? revenueMinor(rec[L.revenue], scale, line, "revenue", errors) : "";
  const features = featuresJson(rec, L, line, errors);
  if (errors.count !== before) return null;
  return `${csvField(customer)},${group},${actionField(action)},${sentOn},${visit},${conversion},${revenue},${features}`;
}

function hillstromRow(rec: string[], L: Layout, line: number, dataRow: number, scale: number, errors: ErrorLog): string | null {
  const before = errors.count;
  const segment = rec[L.segment];
  let group: string;
  let action: string;
  if (segment === HILLSTROM_CONTROL) {
    group = "control";
    action = "";
  } else if (segment in HILLSTROM_ACTIONS) {
    group = "treatment";
    action = HILLSTROM_ACTIONS[segment];
  } else {
    errors.add(line, "segment", `must be "Mens E-Mail", "Womens E-Mail" or "No E-Mail", found ${shown(segment)}`);
    return null;
  }
  const visit = flag(rec[L.visit], line, "visit", errors);
  const conversion = flag(rec[L.conversion], line, "conversion", errors);
  const revenue = revenueMinor(rec[L.revenue], scale, line, "spend", errors);
  const features = featuresJson(rec, L, line, errors);
  if (errors.count !== before) return null;
  // The row number is the customer identifier (the file has none); no send date is recorded.
  return `${dataRow},${group},${actionField(action)},,${visit},${conversion},${revenue},${features}`;
}
