import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import { computeCampaignReport } from "./report";
import type { CampaignReport } from "./types";

/*
 * Writing campaign reports (owner connection, like lib/jobs/store.ts): the report row and all its
 * per-customer effects in ONE transaction, so a page never sees a report without its table; a
 * failure is stored as a failed report with its error.
 */

const EFFECT_CHUNK = 5000;
const REPORT_LOCK_KEY = 0x6372;

/** Where a stored report landed. */
export interface StoredReport {
  reportId: number;
  version: number;
  status: "succeeded" | "failed";
  report: CampaignReport | null;
  error: string | null;
}

/**
 * Computes and stores the report of one campaign (version = previous + 1).
 * @throws Error only when the campaign does not exist or the database fails; a computation
 *   error is stored as a failed report and returned.
 */
export async function runCampaignReport(database: Database, campaignId: number): Promise<StoredReport> {
  const started = performance.now();
  const [campaign] = await queryRows<{ merchant_id: number }>(database.db, sql`select merchant_id from campaigns where id = ${campaignId}`);
  if (!campaign) throw new Error(`campaign report: no campaign ${campaignId}`);
  let computed: Awaited<ReturnType<typeof computeCampaignReport>> | null = null;
  let error: string | null = null;
  try {
    computed = await computeCampaignReport(database, campaignId);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const elapsedMs = Math.round(performance.now() - started);
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REPORT_LOCK_KEY}::int, ${campaignId}::int)`);
    const [{ v }] = await queryRows<{ v: number }>(tx, sql`select coalesce(max(version), 0)::int + 1 as v from campaign_reports where campaign_id = ${campaignId}`);
    const status = computed ? "succeeded" : "failed";
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`insert into campaign_reports (campaign_id, merchant_id, version, status, report, error, elapsed_ms)
          values (${campaignId}, ${campaign.merchant_id}, ${v}, ${status}, ${JSON.stringify(computed?.report ?? {})}::jsonb, ${error}, ${elapsedMs})
          returning id`,
    );
    const effects = computed?.effects ?? [];
    for (let s = 0; s < effects.length; s += EFFECT_CHUNK) {
      const chunk = effects.slice(s, s + EFFECT_CHUNK).map((e) => ({ r: e.customerRef, e: roundEffects(e.effects), a: e.recommended, c: e.category }));
      await tx.execute(sql`
        insert into campaign_effects (report_id, merchant_id, customer_ref, effects, recommended, category)
        select ${row.id}, ${campaign.merchant_id}, x.r, x.e, x.a, x.c
        from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(r text, e jsonb, a text, c text)`);
    }
    return { reportId: row.id, version: v, status, report: computed?.report ?? null, error };
  });
}

/** Effects kept to 1e-6 probability points: the table's precision, and a smaller JSON. */
function roundEffects(e: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(e)) out[k] = Math.round(v * 1e6) / 1e6;
  return out;
}

/**
 * The merchant a campaign belongs to, on the owner connection (the CLI's lookup before it opens
 * that merchant's scope); null for an unknown campaign id.
 */
export async function findCampaignMerchantId(database: Database, campaignId: number): Promise<number | null> {
  const [r] = await queryRows<{ merchant_id: number }>(database.db, sql`select merchant_id from campaigns where id = ${campaignId}`);
  return r?.merchant_id ?? null;
}

/**
 * Resumes campaign reports a crash interrupted (issue 14 item 6: a campaign killed during its
 * report stayed committed without one, and a re-upload said "already imported"): computes the
 * report of every campaign that has none and was created at least `minAgeSeconds` ago (default
 * 600: a report still being computed by a live upload is left to it). Called by the CLI's
 * `sweep`, by a re-upload of the same file, and (issue 15) the worker's schedule. Idempotent.
 * @returns the campaign ids whose report was computed now
 */
export async function resumeInterruptedReports(database: Database, opts: { minAgeSeconds?: number; campaignId?: number } = {}): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    database.db,
    sql`select c.id from campaigns c
        where not exists (select 1 from campaign_reports r where r.campaign_id = c.id)
          and c.created_at <= now() - make_interval(secs => ${opts.minAgeSeconds ?? 600})
          ${opts.campaignId === undefined ? sql`` : sql`and c.id = ${opts.campaignId}`}
        order by c.id`,
  );
  for (const { id } of rows) await runCampaignReport(database, id);
  return rows.map((r) => r.id);
}
