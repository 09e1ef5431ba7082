import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { CAMPAIGN_DISCLOSURE_FORMAT } from "./analysis";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { toCsv } from "@/lib/csv";
import { merchantFilter } from "@/lib/analytics/scope";
import type { CampaignReport } from "./types";

/*
 * The read side of campaigns, inside a merchant scope (RLS on campaigns, campaign_reports,
 * campaign_effects): what the Campaigns pages, their API routes and the CSV download show.
 */

/** One campaign in the list, with the status of its latest report. */
export interface CampaignListItem {
  id: number;
  name: string;
  format: string;
  fileName: string;
  rows: number;
  unknownCustomers: number;
  outcomeSource: "file" | "derived";
  createdAt: string;
  actions: string[];
  reportStatus: "succeeded" | "failed" | null;
}

/** The merchant's campaigns, newest first. */
export async function listCampaigns(ctx: AnalyticsContext): Promise<CampaignListItem[]> {
  return queryRows<CampaignListItem>(
    ctx.tx,
    sql`select c.id, c.name, c.format, c.file_name as "fileName", c.row_count as rows, c.unknown_customers as "unknownCustomers",
               c.outcome_source as "outcomeSource", to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
               coalesce((select jsonb_agg(distinct r.action order by r.action) from campaign_rows r
                         where r.campaign_id = c.id and r.grp = 'treatment'), '[]'::jsonb) as actions,
               (select status from campaign_reports p where p.campaign_id = c.id order by version desc limit 1) as "reportStatus"
        from campaigns c where ${merchantFilter(ctx, "c")}
        order by c.created_at desc, c.id desc`,
  );
}

/** The latest report of a campaign (succeeded or failed), or null when the campaign is not this merchant's or has none. */
export interface CampaignReportView {
  campaignId: number;
  name: string;
  reportId: number | null;
  version: number | null;
  status: "succeeded" | "failed" | null;
  error: string | null;
  finishedAt: string | null;
  report: CampaignReport | null;
}

/** @returns null when no such campaign is visible in this scope */
export async function getCampaignReport(ctx: AnalyticsContext, campaignId: number): Promise<CampaignReportView | null> {
  const [row] = await queryRows<{
    id: number; name: string; report_id: number | null; version: number | null; status: "succeeded" | "failed" | null;
    error: string | null; finished_at: string | null; report: CampaignReport | string | null;
  }>(
    ctx.tx,
    sql`select c.id, c.name, p.id as report_id, p.version, p.status, p.error,
               to_char(p.finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as finished_at, p.report
        from campaigns c
        left join lateral (select * from campaign_reports r where r.campaign_id = c.id order by version desc limit 1) p on true
        where ${merchantFilter(ctx, "c")} and c.id = ${campaignId}`,
  );
  if (!row) return null;
  const report = typeof row.report === "string" ? (JSON.parse(row.report) as CampaignReport) : row.report;
  // A report stored under older disclosure rules (no cell minimum, issue 13) is never served.
  const outdated = row.status === "succeeded" && report?.disclosure !== CAMPAIGN_DISCLOSURE_FORMAT;
  return {
    campaignId: row.id, name: row.name, reportId: row.report_id, version: row.version,
    status: outdated ? "failed" : row.status,
    error: outdated ? "the report was computed under older privacy rules; compute it again" : row.error,
    finishedAt: row.finished_at, report: row.status === "succeeded" && !outdated ? report : null,
  };
}

/** A page of the table "identifier, action, effect", ordered by identifier (keyset after `after`). */
export async function getEffectsPage(
  ctx: AnalyticsContext,
  reportId: number,
  after: string | null,
  limit: number,
): Promise<{ customerRef: string; effects: Record<string, number>; recommended: string | null; category: string }[]> {
  const rows = await queryRows<{ customer_ref: string; effects: Record<string, number> | string; recommended: string | null; category: string }>(
    ctx.tx,
    sql`select customer_ref, effects, recommended, category from campaign_effects
        where ${merchantFilter(ctx)} and report_id = ${reportId} ${after === null ? sql`` : sql`and customer_ref > ${after}`}
        order by customer_ref limit ${limit}`,
  );
  return rows.map((r) => ({
    customerRef: r.customer_ref,
    effects: typeof r.effects === "string" ? JSON.parse(r.effects) : r.effects,
    recommended: r.recommended,
    category: r.category,
  }));
}

/** The columns of the effects download. */
const EFFECTS_COLUMNS = ["customer_id", "action", "effect", "recommended", "category"];
/** The download's line end: LF, as this streamed file has always been written. */
const EFFECTS_CSV = { lineEnd: "\n" } as const;

/**
 * The CSV of the table "identifier, action, effect" for one page of customers, without the header
 * (the route streams {@link EFFECTS_CSV_HEADER} first): one row per customer and action
 * (customer_id, action, effect in probability points with 6 decimals, recommended 1/0, category).
 * Written by lib/csv toCsv, so an uploaded id or action name cannot start a spreadsheet formula.
 */
export function effectsCsvLines(page: Awaited<ReturnType<typeof getEffectsPage>>, actions: string[]): string {
  const rows: Array<[string, string, string, number, string]> = [];
  for (const r of page) {
    for (const a of actions) {
      const v = r.effects[a];
      if (v === undefined) continue;
      rows.push([r.customerRef, a, v.toFixed(6), r.recommended === a ? 1 : 0, r.category]);
    }
  }
  return toCsv(EFFECTS_COLUMNS, rows, { ...EFFECTS_CSV, header: false });
}

/** The header line of the effects download. */
export const EFFECTS_CSV_HEADER = toCsv(EFFECTS_COLUMNS, [], EFFECTS_CSV);
