import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { analyseCampaign, campaignColumns, type CampaignData, type CampaignDataRow, type CampaignMeta } from "./analysis";
import type { CampaignReport, CustomerEffect } from "./types";

/*
 * The campaign report (docs/campaigns.md): read the campaign's rows (owner connection), derive
 * outcomes from merchant_customer_daily when the file had none, and hand the columns to the pure
 * computation (./analysis.ts: lifts, uplift models and their held-out evaluation, clusters,
 * segments, the per-customer effect table).
 */

const PAGE = 50_000;

async function loadMeta(database: Database, campaignId: number): Promise<CampaignMeta> {
  const [meta] = await queryRows<CampaignMeta>(
    database.db,
    sql`select c.id, c.merchant_id, c.name, c.format, c.row_count, c.unknown_customers, c.outcome_columns, c.outcome_source,
               c.window_days, c.feature_names, m.currency
        from campaigns c join merchants m on m.id = c.merchant_id where c.id = ${campaignId}`,
  );
  if (!meta) throw new Error(`campaign report: no campaign ${campaignId}`);
  return meta;
}

/**
 * Reads the rows (keyset pages of 50,000) into columns. Derived outcomes: conversion = any
 * purchase at this merchant in [sent_on, sent_on + window_days), revenue = its gross sales
 * (merchant_customer_daily); unknown customers have none and are left out (./analysis.ts
 * campaignColumns).
 */
async function loadCampaignData(database: Database, meta: CampaignMeta): Promise<CampaignData> {
  const derived = meta.outcome_source === "derived";
  const columns = campaignColumns(meta);
  let after = 0;
  for (;;) {
    const rows = await queryRows<CampaignDataRow>(
      database.db,
      sql`select r.line, r.customer_ref, r.grp, r.action, r.visit, r.conversion, r.revenue_minor, r.features,
                 r.customer_id is not null as known, mc.gender,
                 case when mc.birth_year is not null and r.sent_on is not null then extract(year from r.sent_on)::int - mc.birth_year end as age,
                 d.purchases, d.sales
          from campaign_rows r
          -- merchant_id also as a constant: on Citus the query then touches one shard and runs
          -- whole on its worker (a lateral join over a reference table is not planned otherwise)
          left join merchant_customers mc on mc.merchant_id = r.merchant_id and mc.merchant_id = ${meta.merchant_id} and mc.customer_id = r.customer_id
          left join lateral (
            select coalesce(sum(m.purchases), 0)::int as purchases, coalesce(sum(m.gross_sales_minor), 0)::bigint as sales
            from merchant_customer_daily m
            where ${derived} and m.merchant_id = r.merchant_id and m.merchant_id = ${meta.merchant_id} and m.customer_id = r.customer_id
              and m.day >= r.sent_on and m.day < r.sent_on + ${meta.window_days}::int
          ) d on true
          where r.campaign_id = ${meta.id} and r.line > ${after}
          order by r.line limit ${PAGE}`,
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1].line;
    columns.add(rows);
  }
  return columns.finish();
}

/**
 * Computes the report and the per-customer effect table of one campaign.
 * @throws Error when the campaign does not exist or has no analysable rows
 */
export async function computeCampaignReport(database: Database, campaignId: number): Promise<{ report: CampaignReport; effects: CustomerEffect[] }> {
  const started = performance.now();
  const meta = await loadMeta(database, campaignId);
  const data = await loadCampaignData(database, meta);
  const computed = analyseCampaign(meta, data);
  computed.report.computeMs = Math.round(performance.now() - started);
  return computed;
}
