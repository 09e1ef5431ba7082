import { getDatabase, type Database } from "@/db/client";
import type { MerchantRef } from "@/lib/tenancy/context";
import { peerGroupInfo, resolvePeerGroup } from "../peerGroups";
import type { DayPeriod } from "../periods";
import { readStoredReport } from "../reportStore";
import { benchmarks } from "./benchmarks";
import { crossShopping, shareOfWallet } from "./categoryFigures";
import { groupWithheld } from "./groupWithheld";
import { dailyNet, monthlyCustomers } from "./members.internal";
import { buildRevenueIndex, weeklyCorrelation } from "./revenueIndex";
import { liveSources, type ReportSources } from "./sources.internal";
import { guardSwitching } from "./switching";
import type { CompetitorReport, PeerRevenueIndex } from "./types";
import { reportWindows, type ReportWindows } from "./windows";

/*
 * The Competitors page's report (issue 3): benchmarks against the peer group, the revenue index
 * against the peer index, cross-shopping, share of wallet and switching flows, assembled from
 * the figures of the sibling modules. lib/privacy is the only code that reads other merchants'
 * rows for them, on the owner (bank) connection, from the rollups only (merchant_daily,
 * merchant_day_customer_bitmaps, merchant_customers, merchant_customer_daily), never from
 * `transactions`. Every figure built from peers passes lib/privacy/guard.ts; what fails carries
 * its reason. docs/competitors.md defines each figure; docs/adr/0006 the group. After an ingest
 * the reports of the offered periods are stored (../precompute.ts) and served while current
 * (../reportStore.ts, docs/adr/0007); buildCompetitorReport computes both ways.
 */

/**
 * Computes the report of {@link getCompetitorReportIn} for the windows `w` from `sources`,
 * guarding every peer figure. Pure apart from what the sources read.
 */
export async function buildCompetitorReport(
  merchant: Pick<MerchantRef, "id" | "slug" | "currency">,
  w: ReportWindows,
  sources: ReportSources,
): Promise<CompetitorReport> {
  const group = await sources.peerGroup(w.window);
  const ids = group.level === null ? [merchant.id] : group.memberIds;
  const figures = await sources.memberFigures(ids, w);
  const report: CompetitorReport = {
    merchant: { slug: merchant.slug, currency: merchant.currency },
    period: w.period,
    grain: w.grain,
    previousPeriod: w.prev,
    yearAgoPeriod: w.yearAgo,
    retention: w.retention,
    peerGroup: peerGroupInfo(group),
    benchmarks: benchmarks(merchant.id, figures, group, w.period),
    index: groupWithheld(group),
    correlation: groupWithheld(group),
    crossShopping: groupWithheld(group),
    shareOfWallet: groupWithheld(group),
    switching: groupWithheld(group),
  };
  if (group.level === null) return report;
  const daily = await sources.dailyNet(ids, w.window);
  report.index = buildRevenueIndex(merchant.id, group, daily, await sources.monthlyCustomers(ids, w.window), w.window);
  report.correlation = weeklyCorrelation(merchant.id, daily, w.window);
  const counts = await sources.category(ids, w);
  report.crossShopping = crossShopping(counts.cross, figures.get(merchant.id)!.customers, { group: group.releaseKey, period: `${w.period.from}/${w.period.to}`, field: `cross.${merchant.id}` });
  report.shareOfWallet = { released: true, value: shareOfWallet(counts.shareOfWallet, w.window, { group: group.releaseKey, field: `wallet.${merchant.id}` }) };
  report.switching = { released: true, value: guardSwitching(counts.switching, w.prev, w.period) };
  return report;
}

/**
 * The Competitors page's report for one merchant and one whole calendar month, quarter or year
 * (the grain is read off the period). The peer group is resolved for the period's reference
 * window (the 12 months ending with it; lib/privacy/peerGroups.ts) and every peer figure passes
 * the guard (lib/privacy/guard.ts) and the release model (lib/privacy/disclosure.ts); withheld
 * figures carry { rule, peers }.
 *
 * Figures (docs/competitors.md): benchmarks of the period (growth of net revenue vs the previous
 * period of the grain and vs a year earlier, customers, average check = gross / purchases in
 * minor units, purchase frequency = purchases / customers, new-customer share, 3-month retention
 * ending with the period), the monthly revenue index over the reference window, the weekly
 * revenue correlation, cross-shopping in the period, monthly share of wallet over the reference
 * window and switching flows from the previous period to the period.
 *
 * Served from competitor_reports when the job stored this period's report and the data of the
 * merchant's MCC group has not changed since (same fingerprint; lib/privacy/reportStore.ts,
 * docs/adr/0007-stored-competitor-reports.md); otherwise computed now from the rollups, with the
 * same result.
 *
 * Sources: competitor_reports, or merchants, merchant_daily, merchant_day_customer_bitmaps,
 * merchant_customers, merchant_customer_daily (rollups only), on the owner connection.
 *
 * @param database the owner connection (never a merchant scope)
 * @param opts.stored false to skip the stored report and always compute (tests, benchmarks)
 * @throws Error when the period is not one whole month, quarter or year, or the merchant is unknown
 */
export async function getCompetitorReportIn(
  database: Database,
  merchant: Pick<MerchantRef, "id" | "slug" | "currency">,
  period: DayPeriod,
  opts: { stored?: boolean } = {},
): Promise<CompetitorReport> {
  const w = reportWindows(period);
  if (opts.stored !== false) {
    const stored = await readStoredReport<CompetitorReport>(database.db, merchant.id, w.period);
    if (stored) return { ...stored, merchant: { slug: merchant.slug, currency: merchant.currency } };
  }
  return buildCompetitorReport(merchant, w, liveSources(database.db, merchant.id));
}

/** {@link getCompetitorReportIn} on the process database (getDatabase()): what route handlers call. */
export async function getCompetitorReport(merchant: Pick<MerchantRef, "id" | "slug" | "currency">, period: DayPeriod): Promise<CompetitorReport> {
  return getCompetitorReportIn(await getDatabase(), merchant, period);
}

/**
 * The merchant's monthly revenue index against its peer group's aggregate over the 12 months
 * ending with `period` (a whole month, quarter or year), both 100 at the base month: the series
 * to tell a market-wide movement from the merchant's own. Shape:
 * `{ period, grain, peerGroup, index: { released: true, value: { baseMonth, points: [{ month,
 * merchant, peers, withheld }] } } | { released: false, withheld: { rule, peers } } }`;
 * `points[i].peers` (the whole group's index, keyed noise) is null for a withheld month.
 *
 * @param database the owner connection, or omitted for the process database
 * @throws Error when the period is not one whole month, quarter or year, or the merchant is unknown
 */
export async function getPeerRevenueIndex(merchantId: number, period: DayPeriod, database?: Database): Promise<PeerRevenueIndex> {
  const p = reportWindows(period);
  const db = database ?? (await getDatabase());
  const group = await resolvePeerGroup(db.db, merchantId, p.window);
  if (group.level === null) return { period: p.period, grain: p.grain, peerGroup: peerGroupInfo(group), index: groupWithheld(group) };
  const daily = await dailyNet(db.db, group.memberIds, p.window);
  const index = buildRevenueIndex(merchantId, group, daily, await monthlyCustomers(db.db, group.memberIds, p.window), p.window);
  return { period: p.period, grain: p.grain, peerGroup: peerGroupInfo(group), index };
}
