import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "@/db/client";
import type { DayPeriod } from "./periods";

/*
 * The store of precomputed competitor reports (table competitor_reports,
 * docs/adr/0007-stored-competitor-reports.md). A stored report is served only while its
 * fingerprint equals the current one: a hash of the report format and of (id, mcc, region,
 * rollup_version) of every merchant in the merchant's MCC group and country, the widest set a
 * peer group can be drawn from (lib/privacy/peerGroups.ts). lib/rollups bumps rollup_version in
 * the same transaction as every rollup write, so any new data in the group, a merchant joining
 * or leaving it, or a changed MCC or region makes the stored reports of the group stale at once,
 * and the page computes live until the job has stored fresh ones. Internal to lib/privacy.
 */

/**
 * The version of the stored report's shape and of the computation behind it. Raise it whenever
 * CompetitorReport or any figure's definition changes: every stored report then stops matching.
 */
// 2: one keyed-noise release per group (issue 13), no largestShare, quarter bands.
// 3: growth benchmarks are null for a member with data on fewer than half the comparison
// window's days (issue 19).
const COMPETITOR_REPORT_FORMAT = 3;

/**
 * `from … where …` of the merchants `m` of `merchantId`'s MCC group in its country (itself
 * included): the set the fingerprint covers and the widest a peer group is drawn from.
 */
function mccGroupOf(merchantId: number): SQL {
  return sql`from merchants s join merchants m on m.country = s.country and substr(m.mcc, 1, 2) = substr(s.mcc, 1, 2)
            where s.id = ${merchantId}`;
}

/** The current fingerprint of `merchantId`'s inputs as one SQL scalar (hex SHA-256; null for an unknown merchant). */
function fingerprintSql(merchantId: number): SQL {
  return sql`(select encode(sha256(convert_to(${String(COMPETITOR_REPORT_FORMAT)} || '|' ||
              coalesce(json_agg(json_build_array(m.id, m.mcc, m.region, m.rollup_version) order by m.id)::text, ''), 'UTF8')), 'hex')
            ${mccGroupOf(merchantId)})`;
}

/**
 * The ids of the merchants whose data the fingerprint of `merchantId` covers (its MCC group in
 * its country, itself included), ascending; empty for an unknown merchant.
 */
export async function mccGroupMemberIds(executor: Executor, merchantId: number): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(executor, sql`select m.id ${mccGroupOf(merchantId)} order by m.id`);
  return rows.map((r) => Number(r.id));
}

/**
 * The current fingerprint of the merchant's competitor inputs (64 hex characters).
 * @throws Error for an unknown merchant
 */
export async function competitorFingerprint(executor: Executor, merchantId: number): Promise<string> {
  const [row] = await queryRows<{ fingerprint: string | null }>(executor, sql`select ${fingerprintSql(merchantId)} as fingerprint`);
  if (!row?.fingerprint || !/^[0-9a-f]{64}$/.test(row.fingerprint)) throw new Error(`competitorFingerprint: unknown merchant ${merchantId}`);
  return row.fingerprint;
}

/**
 * The stored report of the merchant for exactly `period`, when one was stored under the current
 * fingerprint; null otherwise (none stored, or the data changed since). One indexed query.
 */
export async function readStoredReport<T>(executor: Executor, merchantId: number, period: DayPeriod): Promise<T | null> {
  const [row] = await queryRows<{ report: T }>(
    executor,
    sql`select r.report from competitor_reports r
        where r.merchant_id = ${merchantId} and r.period_from = ${period.from}::date and r.period_to = ${period.to}::date
          and r.fingerprint = ${fingerprintSql(merchantId)}`,
  );
  return row ? (typeof row.report === "string" ? (JSON.parse(row.report) as T) : row.report) : null;
}

/**
 * Replaces the merchant's stored reports by `reports`, all under `fingerprint` (read in the same
 * transaction as the data the reports were computed from). Run inside a transaction: the old
 * set is deleted and the new one written together.
 * @throws Error on an empty fingerprint or a period that is not a [from, to) pair of days
 */
export async function replaceStoredReports(
  tx: Executor,
  merchantId: number,
  fingerprint: string,
  reports: ReadonlyArray<{ period: DayPeriod; report: unknown }>,
): Promise<void> {
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new Error("replaceStoredReports: not a fingerprint");
  for (const { period } of reports) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(period.from) || !/^\d{4}-\d{2}-\d{2}$/.test(period.to) || !(period.from < period.to)) {
      throw new Error(`replaceStoredReports: invalid period ${JSON.stringify(period)}`);
    }
  }
  await tx.execute(sql`delete from competitor_reports where merchant_id = ${merchantId}`);
  if (reports.length === 0) return;
  const rows = reports.map(
    ({ period, report }) => sql`(${merchantId}, ${period.from}::date, ${period.to}::date, ${fingerprint}, ${JSON.stringify(report)}::jsonb)`,
  );
  await tx.execute(
    sql`insert into competitor_reports (merchant_id, period_from, period_to, fingerprint, report) values ${sql.join(rows, sql`, `)}`,
  );
}
