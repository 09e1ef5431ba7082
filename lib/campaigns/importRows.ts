import path from "node:path";
import type { CampaignFormat } from "@/db/schema/campaigns";
import type { ErrorLog } from "@/lib/ingest/report";
import { copyCsvField as csvField } from "@/lib/csv/copy";
import { isCalendarDate } from "@/lib/days";
import { BANK_ID, BANK_ID_RULE, FREE_TEXT, FREE_TEXT_RULE, parseScaledDecimal, shown } from "@/lib/ingest/validate";

/*
 * The pure steps of a campaign upload (docs/data-format.md "Campaign files"): the header's
 * layout, each row checked and turned into the COPY fields of staging_campaign_rows, the group
 * rules over the staged counts, and the campaign's name. No I/O: ./import.ts streams the file,
 * stages the rows, asks the database for the set-level counts and merges.
 */

const REQUIRED_COLUMNS = ["customer_id", "group", "action", "sent_at"] as const;
const OUTCOME_COLUMNS = ["visit", "conversion", "revenue"] as const;
const HILLSTROM_HEADER = [
  "recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel", "segment", "visit", "conversion", "spend",
] as const;
const HILLSTROM_ACTIONS: Record<string, string> = { "Mens E-Mail": "Mens E-Mail", "Womens E-Mail": "Womens E-Mail" };
const HILLSTROM_CONTROL = "No E-Mail";
const FEATURE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const MAX_FEATURES = 50;
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;

/** Where each field of a record is, for one file's header. */
export interface Layout {
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

/** The layout of a canonical campaign header (REQUIRED_COLUMNS, optional outcomes, feature columns); null when refused (logged). */
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

/** The layout of the Hillstrom header (exactly HILLSTROM_HEADER); null when refused (logged). */
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
 * Checks a campaign file's records as they stream by (pure): the header first, then each data
 * row, then the end of the file. Every problem goes to `errors` with its line and column; once
 * any is logged, no further row is staged (the file will be refused) but every row is still
 * checked, so the report lists them all.
 */
export class CampaignFileCheck {
  /** The header's layout; null before the header or when it was refused. */
  layout: Layout | null = null;
  private header_ = false;
  private dataRows = 0;

  /**
   * @param scale the merchant currency's minor-unit digits (revenue is given in major units)
   */
  constructor(
    readonly format: CampaignFormat,
    readonly scale: number,
    readonly errors: ErrorLog,
  ) {}

  /** Whether the header was read (the first record of the file). */
  get headerSeen(): boolean {
    return this.header_;
  }

  /** Reads the header; false when it is refused (errors logged): stop reading then. */
  header(record: string[]): boolean {
    this.header_ = true;
    this.layout = this.format === "hillstrom" ? hillstromLayout(record, this.errors) : canonicalLayout(record, this.errors);
    return this.layout !== null;
  }

  /**
   * One data row on file line `line`: the COPY fields after (upload_id, line), or null when the
   * row is invalid (logged) or an earlier error already refused the file.
   */
  row(record: string[], line: number): string | null {
    const L = this.layout!;
    this.dataRows += 1;
    if (record.length !== L.width) {
      this.errors.add(line, null, `expected ${L.width} fields, found ${record.length}`);
      return null;
    }
    const staged = this.format === "hillstrom" ? hillstromRow(record, L, line, this.dataRows, this.scale, this.errors) : canonicalRow(record, L, line, this.scale, this.errors);
    if (staged === null || !this.errors.empty) return null;
    return staged;
  }

  /** At the end of the file: an empty file, or a header without rows, is an error. */
  end(): void {
    if (!this.header_) this.errors.add(1, null, "the file is empty: expected a header");
    else if (this.dataRows === 0 && this.errors.empty) this.errors.add(2, null, "the file has a header but no rows");
  }
}

/** Rows per action of the staged file ('' = the shared control), with the first line of each action. */
export interface StagedGroup {
  action: string;
  treatment: number;
  control: number;
  first_line: number;
}

/**
 * The group rules over the staged rows' counts (pure): at least one control and one treatment
 * row; every action has treatment rows and a control (its own or the shared one); a shared
 * control has an action to compare with. Problems go to `errors`, at the action's first line.
 */
export function checkGroups(groups: readonly StagedGroup[], errors: ErrorLog): void {
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

/** The campaign's shown name: the one given, else the file's base name without .csv/.gz. */
export function campaignName(name: string | undefined, fileName: string): string {
  return name?.trim() || path.basename(fileName).replace(/\.(csv|gz|csv\.gz)$/i, "");
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
