import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { assertPeriod, comparisonCoverage, type Period } from "@/lib/days";
import type { PortfolioTx } from "@/lib/tenancy/scope";
import { headlineChange, headlineFromTotals, type Overview } from "./getOverview";
import { parseStoredSummary } from "./getModelResults";
import type { DataRange } from "./getDataRange";

/** One merchant's figures on the portfolio page (what loadPortfolio shows beside its name). */
export interface PortfolioFigures {
  merchantId: number;
  /** As getDataRange: first and last local day with a transaction, null without data. */
  range: DataRange;
  /** The requested period, else the 30 days ending at `range.lastDay`; null without data and without a requested period. */
  period: Period | null;
  /** As getOverview(ctx, period); null when `period` is null. */
  overview: Overview | null;
  /** The open upgrade request (as getOpenUpgradeRequest), else null. */
  upgradeRequest: { plan: string; requestedAt: Date } | null;
  /**
   * The latest succeeded churn run's summary figures (as getChurnResults(ctx)?.summary), read
   * only for merchants in `churnMerchantIds`; null otherwise, before the first run or when it
   * needs a refit.
   */
  churn: { scoredCustomers: number; expectedChurners: number; totalRevenueAtRiskMinor: number } | null;
  /** As getValueBasis: the merchant's gross margin in basis points, null when not set (figures in revenue). */
  grossMarginBp: number | null;
}

interface Row {
  merchant_id: number;
  first_day: string | null;
  last_day: string | null;
  period_from: string | null;
  period_to: string | null;
  prev_from: string | null;
  c_gross: number | null;
  c_refunds_minor: number | null;
  c_purchases: number | null;
  c_refunds: number | null;
  c_customers: number | null;
  c_new: number | null;
  p_gross: number | null;
  p_refunds_minor: number | null;
  p_purchases: number | null;
  p_refunds: number | null;
  p_customers: number | null;
  p_new: number | null;
  request_plan: string | null;
  requested_at: string | Date | null;
  churn_format: number | null;
  churn_params: unknown;
  churn_metrics: unknown;
  churn_summary: unknown;
  gross_margin_bp: number | null;
}

/** Whether the database is a Citus one (the `citus` extension is installed: db/distribute.ts ran). */
async function isCitus(tx: PortfolioTx): Promise<boolean> {
  const [row] = await queryRows<{ citus: boolean }>(tx, sql`select exists (select 1 from pg_extension where extname = 'citus') as citus`);
  return row.citus;
}

/**
 * The portfolio's figures for many merchants in ONE set-based statement (issue 18: the page read
 * one scoped transaction per merchant, ≈33 ms each): per merchant its data range, its period
 * (`requested`, else the `defaultDays` days ending at its own last data day), the overview of that
 * period and of the previous period of equal length (the same sums, exact bitmap distinct
 * customers and new customers as getHeadlineMetrics), its open upgrade request and, for the
 * merchants in `churnMerchantIds`, the latest succeeded churn run (parsed with the churn
 * contract; a run needing a refit reads as none), and its gross margin setting (drizzle/0032). Every figure equals what getDataRange,
 * getOverview, getOpenUpgradeRequest and getChurnResults answer in a merchant scope
 * (tests/integration/portfolio-set-based.test.ts pins it). Each merchant's part is index range
 * scans on its own rows, so the cost follows the portfolio's size, not the bank's. The sums,
 * bitmaps and new customers are joins on merchant_id grouped by it on every server; the data
 * range is two index probes per merchant, except on Citus (one more catalog read tells), which
 * refuses those lateral probes and reads min/max of the merchant's days instead (ADR 0021).
 *
 * Rows come back in the order of `merchantIds`. Minor units of each merchant's currency; days are
 * local 'YYYY-MM-DD' and periods half-open.
 *
 * Sources: merchant_daily, merchant_day_customer_bitmaps, merchant_customers (rollups),
 * upgrade_requests, model_runs, merchant_settings; run in a portfolio scope (RLS shows the listed merchants only).
 * @param defaultDays length in days of a merchant's own default period (positive integer)
 * @throws Error on a malformed requested period, a non-positive defaultDays or a merchant listed twice
 */
export async function getPortfolioFigures(
  tx: PortfolioTx,
  merchantIds: readonly number[],
  requested: Period | null,
  defaultDays: number,
  churnMerchantIds: readonly number[],
): Promise<PortfolioFigures[]> {
  if (!Number.isInteger(defaultDays) || defaultDays <= 0) throw new Error(`getPortfolioFigures: invalid defaultDays ${defaultDays}`);
  if (requested) assertPeriod(requested);
  if (merchantIds.length === 0) return [];
  // Each part groups by merchant: a merchant listed twice would count its rows twice.
  if (new Set(merchantIds).size !== merchantIds.length) throw new Error("getPortfolioFigures: a merchant is listed twice");
  const ids = `{${merchantIds.map((id) => Math.trunc(id)).join(",")}}`;
  const churnIds = `{${churnMerchantIds.map((id) => Math.trunc(id)).join(",")}}`;
  // Period bounds as dates: the requested one for everyone, else [last + 1 − days, last + 1).
  // The previous period is [from − L, from) with L = to − from (lib/days previousPeriod).
  // Materialized, so the joins below compare `day` with plain values: row-level security lets
  // only leakproof quals into an index condition, and date + integer is not leakproof (computed
  // inside the scans, the bounds left every merchant's whole history to a filter).
  // Every per-merchant part is a join to `q` on merchant_id grouped by it, not a LATERAL
  // subquery: Citus plans no correlated subquery from an intermediate result into a distributed
  // table (ADR 0021), and on PostgreSQL the join runs as the same index range scan per merchant.
  // The data range is the one part whose plannable form costs PostgreSQL more: min/max grouped by
  // merchant reads every day of every merchant (362,352 rows for 500 merchants, each through the
  // row-level security function: the statement took 3.4× as long), where two LIMIT 1 probes per merchant
  // read two index entries. So PostgreSQL and PGlite keep the probes; Citus, which refuses a
  // lateral join from a set-returning function into a distributed table, gets the grouped form.
  const citus = await isCitus(tx);
  const spanProbed = sql`
        select u.id as merchant_id, f.day as first_day, l.day as last_day
        from unnest(${ids}::integer[]) as u(id)
        left join lateral (select d.day from merchant_daily d where d.merchant_id = u.id order by d.day limit 1) f on true
        left join lateral (select d.day from merchant_daily d where d.merchant_id = u.id order by d.day desc limit 1) l on true`;
  const spanGrouped = sql`
        select d.merchant_id, min(d.day) as first_day, max(d.day) as last_day
        from merchant_daily d
        where d.merchant_id = any(${ids}::integer[])
        group by d.merchant_id`;
  const rows = await queryRows<Row>(
    tx,
    sql`
      with span as materialized (${citus ? spanGrouped : spanProbed}),
      q as materialized (
        select m.merchant_id, m.ord, m.first_day, m.last_day, m.period_from, m.period_to,
               m.period_from - (m.period_to - m.period_from) as prev_from
        from (
          select u.id as merchant_id, u.ord, span.first_day, span.last_day,
                 case when ${requested?.from ?? null}::date is not null then ${requested?.from ?? null}::date
                      when span.last_day is not null then span.last_day + 1 - ${defaultDays}::integer end as period_from,
                 case when ${requested?.to ?? null}::date is not null then ${requested?.to ?? null}::date
                      when span.last_day is not null then span.last_day + 1 end as period_to
          from unnest(${ids}::integer[]) with ordinality as u(id, ord)
          left join span on span.merchant_id = u.id
        ) m
      )
      select q.merchant_id, q.first_day::text as first_day, q.last_day::text as last_day,
             q.period_from::text as period_from, q.period_to::text as period_to, q.prev_from::text as prev_from,
             coalesce(s.c_gross, 0)::bigint as c_gross, coalesce(s.c_refunds_minor, 0)::bigint as c_refunds_minor,
             coalesce(s.c_purchases, 0)::bigint as c_purchases, coalesce(s.c_refunds, 0)::bigint as c_refunds,
             coalesce(b.c_customers, 0)::bigint as c_customers, coalesce(n.c_new, 0)::bigint as c_new,
             coalesce(s.p_gross, 0)::bigint as p_gross, coalesce(s.p_refunds_minor, 0)::bigint as p_refunds_minor,
             coalesce(s.p_purchases, 0)::bigint as p_purchases, coalesce(s.p_refunds, 0)::bigint as p_refunds,
             coalesce(b.p_customers, 0)::bigint as p_customers, coalesce(n.p_new, 0)::bigint as p_new,
             r.plan as request_plan, r.requested_at,
             k.format as churn_format, k.params as churn_params, k.metrics as churn_metrics, k.summary as churn_summary,
             g.gross_margin_bp
      from q
      left join (
        -- Both periods in one index range scan per merchant: [prev_from, period_to), split by FILTER.
        select q.merchant_id,
               sum(d.gross_sales_minor) filter (where d.day >= q.period_from) as c_gross,
               sum(d.refunds_minor) filter (where d.day >= q.period_from) as c_refunds_minor,
               sum(d.purchases) filter (where d.day >= q.period_from) as c_purchases,
               sum(d.refunds) filter (where d.day >= q.period_from) as c_refunds,
               sum(d.gross_sales_minor) filter (where d.day < q.period_from) as p_gross,
               sum(d.refunds_minor) filter (where d.day < q.period_from) as p_refunds_minor,
               sum(d.purchases) filter (where d.day < q.period_from) as p_purchases,
               sum(d.refunds) filter (where d.day < q.period_from) as p_refunds
        from q
        join merchant_daily d on d.merchant_id = q.merchant_id and d.day >= q.prev_from and d.day < q.period_to
        group by q.merchant_id
      ) s on s.merchant_id = q.merchant_id
      left join (
        -- Exact distinct customers of each period: Σ over chunks of bit_count(bit_or(day bitmaps)).
        select x.merchant_id, sum(bit_count(x.c)) as c_customers, sum(bit_count(x.p)) as p_customers
        from (
          select q.merchant_id, bit_or(bm.bits) filter (where bm.day >= q.period_from) as c, bit_or(bm.bits) filter (where bm.day < q.period_from) as p
          from q
          join merchant_day_customer_bitmaps bm on bm.merchant_id = q.merchant_id and bm.day >= q.prev_from and bm.day < q.period_to
          group by q.merchant_id, bm.chunk
        ) x
        group by x.merchant_id
      ) b on b.merchant_id = q.merchant_id
      left join (
        select q.merchant_id,
               count(*) filter (where mc.first_purchase_day >= q.period_from) as c_new,
               count(*) filter (where mc.first_purchase_day < q.period_from) as p_new
        from q
        join merchant_customers mc on mc.merchant_id = q.merchant_id and mc.first_purchase_day >= q.prev_from and mc.first_purchase_day < q.period_to
        group by q.merchant_id
      ) n on n.merchant_id = q.merchant_id
      left join lateral (
        select u.plan, u.requested_at from upgrade_requests u
        where u.merchant_id = q.merchant_id and u.closed_at is null
        limit 1
      ) r on true
      left join lateral (
        select mr.format, mr.params, mr.metrics, mr.summary from model_runs mr
        where mr.merchant_id = q.merchant_id and q.merchant_id = any(${churnIds}::integer[])
          and mr.kind = 'churn' and mr.status = 'succeeded'
        order by mr.version desc
        limit 1
      ) k on true
      left join merchant_settings g on g.merchant_id = q.merchant_id
      order by q.ord`,
  );
  return rows.map((r) => {
    const range: DataRange = { firstDay: r.first_day, lastDay: r.last_day };
    const period: Period | null = r.period_from && r.period_to ? { from: r.period_from, to: r.period_to } : null;
    let overview: Overview | null = null;
    if (period) {
      const previousPeriod: Period = { from: r.prev_from!, to: period.from };
      const current = headlineFromTotals({
        grossSalesMinor: r.c_gross!, refundsMinor: r.c_refunds_minor!, purchases: r.c_purchases!, refunds: r.c_refunds!, customers: r.c_customers!, newCustomers: r.c_new!,
      });
      const previous = headlineFromTotals({
        grossSalesMinor: r.p_gross!, refundsMinor: r.p_refunds_minor!, purchases: r.p_purchases!, refunds: r.p_refunds!, customers: r.p_customers!, newCustomers: r.p_new!,
      });
      const coverage = comparisonCoverage(period, previousPeriod, range);
      const change = coverage.comparable
        ? headlineChange(current, previous)
        : (Object.fromEntries(Object.keys(current).map((k) => [k, null])) as Overview["change"]);
      overview = { period, previousPeriod, current, previous, change, coverage };
    }
    const summary = r.churn_format === null ? null : parseStoredSummary("churn", { format: r.churn_format, params: r.churn_params, metrics: r.churn_metrics, summary: r.churn_summary });
    return {
      merchantId: r.merchant_id,
      range,
      period,
      overview,
      upgradeRequest: r.request_plan && r.requested_at ? { plan: r.request_plan, requestedAt: r.requested_at instanceof Date ? r.requested_at : new Date(r.requested_at) } : null,
      churn: summary ? { scoredCustomers: summary.scoredCustomers, expectedChurners: summary.expectedChurners, totalRevenueAtRiskMinor: summary.totalRevenueAtRiskMinor } : null,
      grossMarginBp: r.gross_margin_bp === null ? null : Number(r.gross_margin_bp),
    };
  });
}

