import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { addDays, dayToMs } from "@/lib/days";
import { merchantFilter } from "./scope";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/*
 * The churn model's features, as of a cutoff day, from the merchant's own rollups
 * (merchant_customer_daily, merchant_customers) inside its scope. Competitor spend share needs
 * other merchants' rows, so it is not computed here: lib/privacy/categorySpend.ts returns the
 * bank-side sums on the owner connection and {@link addCompetitorShare} (pure) merges them.
 *
 * Every feature is "as of the cutoff": only days before it are read. A purchase day is a local
 * day with at least one purchase (several purchases on one day are one occasion).
 */

/** Days before the cutoff in which a customer must have purchased to be in the population. */
export const OBSERVATION_DAYS = 180;
/** Days before the cutoff over which inter-purchase intervals are measured. */
export const INTERVAL_LOOKBACK_DAYS = 365;
/** Length of the two windows compared by the trend features (last 90 d vs the 90 d before). */
export const TREND_WINDOW_DAYS = 90;

/**
 * The feature names, in model column order. Units:
 * - recencyDays: days from the last purchase day to the cutoff (1 = the day before).
 * - frequency180d: purchase days in [cutoff − 180, cutoff).
 * - monetaryMinor: mean occasion value = gross purchase amount / purchase days over
 *   [cutoff − 180, cutoff), minor units.
 * - tenureDays: days from the first purchase day ever at this merchant to the cutoff.
 * - meanInterPurchaseDays: mean gap in days between consecutive purchase days in
 *   [cutoff − 365, cutoff); missing with fewer than 2 purchase days.
 * - interPurchaseCv: coefficient of variation (population sd / mean) of those gaps; missing
 *   with fewer than 3 purchase days (2 gaps).
 * - checkTrend: average check (gross / purchases) of [cutoff − 90, cutoff) divided by that of
 *   [cutoff − 180, cutoff − 90); missing when either window has no purchase.
 * - competitorShare90d: spend at the other merchants of the MCC / (that + spend here) over
 *   [cutoff − 90, cutoff), 0..1; missing without category spend in the window (or when the peer
 *   guard withholds it, then the feature is omitted for the whole run).
 * - competitorShareTrend: competitorShare90d minus the same share over [cutoff − 180,
 *   cutoff − 90), −1..1; missing when either share is.
 * - age: whole years, year of (cutoff − 1 day) − birth year; missing when unknown.
 * - female: 1 female, 0 male; missing when unknown.
 * - payroll, corporate, premium: 1 yes, 0 no; missing when unknown.
 * - region: ordinal, 0 = the merchant's most frequent customer region in the training set, 1 the
 *   next, …; missing when unknown (the mapping is stored in the run's params).
 */
// The feature list is part of the stored churn run's contract (lib/runs/churn.ts); its words
// (labels, factor texts) live in messages/<locale>/churn.json.

/** One customer's features as of a cutoff, before competitor share. Null = missing. */
export interface ChurnFeatureRow {
  customerId: number;
  recencyDays: number;
  frequency180d: number;
  monetaryMinor: number;
  tenureDays: number;
  meanInterPurchaseDays: number | null;
  interPurchaseCv: number | null;
  checkTrend: number | null;
  age: number | null;
  female: boolean | null;
  payroll: boolean | null;
  corporate: boolean | null;
  premium: boolean | null;
  region: string | null;
  /** Net revenue (purchases − refunds) in [cutoff − 365, cutoff), minor units. */
  revenue365dMinor: number;
  /**
   * With `labelDays`: true when the customer has no purchase day in [cutoff, cutoff + labelDays);
   * null without `labelDays`.
   */
  churned: boolean | null;
}

/** A row with competitor share merged in (see {@link addCompetitorShare}). */
export interface ChurnFeatureRowWithShare extends ChurnFeatureRow {
  competitorShare90d: number | null;
  competitorShareTrend: number | null;
}

/** One row as the feature query returns it. */
export interface RawRow {
  customer_id: number;
  recency: number;
  frequency: number;
  gross180: number;
  tenure: number;
  mean_gap: number | null;
  sd_gap: number | null;
  gaps: number;
  gross_recent: number | null;
  purchases_recent: number | null;
  gross_previous: number | null;
  purchases_previous: number | null;
  birth_year: number | null;
  gender: string | null;
  is_payroll: boolean | null;
  is_corporate: boolean | null;
  is_premium: boolean | null;
  region: string | null;
  revenue365: number;
  churned: boolean | null;
}

/**
 * The churn features of every customer with at least one purchase day in the observation
 * window [cutoff − 180, cutoff), ordered by customer id (definitions and units:
 * {@link CHURN_FEATURES}). With `labelDays` each row also says whether the customer churned:
 * no purchase day in [cutoff, cutoff + labelDays). The caller must only ask for labels whose
 * window lies inside the merchant's data, or every customer looks churned.
 *
 * Sources: merchant_customer_daily (365 days before the cutoff, plus the label window) and
 * merchant_customers (first purchase day, demographic snapshot); rollups only.
 *
 * @param opts.cutoff     'YYYY-MM-DD', exclusive end of the history the features see
 * @param opts.labelDays  optional whole days ≥ 1 of the label window
 * @throws Error on a malformed cutoff or label length
 */
export async function getChurnFeatures(
  ctx: AnalyticsContext,
  opts: { cutoff: string; labelDays?: number },
): Promise<ChurnFeatureRow[]> {
  const { cutoff } = opts;
  dayToMs(cutoff);
  if (opts.labelDays !== undefined && !(Number.isInteger(opts.labelDays) && opts.labelDays >= 1)) {
    throw new Error(`getChurnFeatures: labelDays must be a whole number of days ≥ 1, got ${opts.labelDays}`);
  }
  const lookbackFrom = addDays(cutoff, -INTERVAL_LOOKBACK_DAYS);
  const observationFrom = addDays(cutoff, -OBSERVATION_DAYS);
  const recentFrom = addDays(cutoff, -TREND_WINDOW_DAYS);
  const previousFrom = addDays(cutoff, -2 * TREND_WINDOW_DAYS);
  const refYear = Number(addDays(cutoff, -1).slice(0, 4));
  const label =
    opts.labelDays === undefined
      ? sql`null::boolean`
      : sql`not exists (
          select 1 from merchant_customer_daily l
          where ${merchantFilter(ctx, "l")} and l.customer_id = a.customer_id
            and l.day >= ${cutoff}::date and l.day < ${addDays(cutoff, opts.labelDays)}::date and l.purchases > 0)`;
  const rows = await queryRows<RawRow>(
    ctx.tx,
    sql`
      with days as (
        select d.customer_id, d.day, d.purchases, d.gross_sales_minor, d.refunds_minor
        from merchant_customer_daily d
        where ${merchantFilter(ctx, "d")} and d.day >= ${lookbackFrom}::date and d.day < ${cutoff}::date
      ),
      gaps as (
        select customer_id, (day - lag(day) over (partition by customer_id order by day))::int as gap
        from days where purchases > 0
      ),
      gap_stats as (
        select customer_id, avg(gap)::float8 as mean_gap, stddev_pop(gap)::float8 as sd_gap, count(*)::int as gaps
        from gaps where gap is not null group by customer_id
      ),
      a as (
        select customer_id,
               max(day) filter (where purchases > 0) as last_day,
               (count(*) filter (where purchases > 0 and day >= ${observationFrom}::date))::int as frequency,
               coalesce(sum(gross_sales_minor) filter (where day >= ${observationFrom}::date), 0)::bigint as gross180,
               sum(gross_sales_minor) filter (where day >= ${recentFrom}::date)::bigint as gross_recent,
               sum(purchases) filter (where day >= ${recentFrom}::date)::bigint as purchases_recent,
               sum(gross_sales_minor) filter (where day >= ${previousFrom}::date and day < ${recentFrom}::date)::bigint as gross_previous,
               sum(purchases) filter (where day >= ${previousFrom}::date and day < ${recentFrom}::date)::bigint as purchases_previous,
               (sum(gross_sales_minor) - sum(refunds_minor))::bigint as revenue365
        from days
        group by customer_id
        having count(*) filter (where purchases > 0 and day >= ${observationFrom}::date) > 0
      )
      select a.customer_id, (${cutoff}::date - a.last_day)::int as recency, a.frequency, a.gross180,
             (${cutoff}::date - mc.first_purchase_day)::int as tenure,
             g.mean_gap, g.sd_gap, coalesce(g.gaps, 0)::int as gaps,
             a.gross_recent, a.purchases_recent, a.gross_previous, a.purchases_previous,
             mc.birth_year, mc.gender, mc.is_payroll, mc.is_corporate, mc.is_premium, mc.region,
             a.revenue365, ${label} as churned
      from a
      join merchant_customers mc on ${merchantFilter(ctx, "mc")} and mc.customer_id = a.customer_id
      left join gap_stats g on g.customer_id = a.customer_id
      order by a.customer_id`,
  );
  return rows.map((r) => toFeatureRow(r, refYear));
}

/** Raw SQL row → typed features (pure; exported for unit tests). */
export function toFeatureRow(r: RawRow, refYear: number): ChurnFeatureRow {
  const recentCheck = r.purchases_recent ? (r.gross_recent ?? 0) / r.purchases_recent : null;
  const previousCheck = r.purchases_previous ? (r.gross_previous ?? 0) / r.purchases_previous : null;
  return {
    customerId: r.customer_id,
    recencyDays: r.recency,
    frequency180d: r.frequency,
    monetaryMinor: r.gross180 / r.frequency,
    tenureDays: r.tenure,
    meanInterPurchaseDays: r.gaps >= 1 ? r.mean_gap : null,
    interPurchaseCv: r.gaps >= 2 && r.mean_gap ? (r.sd_gap ?? 0) / r.mean_gap : null,
    checkTrend: recentCheck !== null && previousCheck !== null && previousCheck > 0 ? recentCheck / previousCheck : null,
    age: r.birth_year === null ? null : refYear - r.birth_year,
    female: r.gender === "female" ? true : r.gender === "male" ? false : null,
    payroll: r.is_payroll,
    corporate: r.is_corporate,
    premium: r.is_premium,
    region: r.region,
    revenue365dMinor: r.revenue365,
    churned: r.churned,
  };
}

/** Category spend of one customer per window, as lib/privacy/categorySpend.ts returns it. */
export interface CategorySpend {
  spendHereMinor: number[];
  spendAtPeersMinor: number[];
}

/**
 * Competitor share of category spend: peers / (peers + here) in one window; null when the
 * customer spent nothing in the category in it.
 */
export function competitorShare(spend: CategorySpend | undefined, window: number): number | null {
  if (!spend) return null;
  const here = spend.spendHereMinor[window] ?? 0;
  const peers = spend.spendAtPeersMinor[window] ?? 0;
  return here + peers > 0 ? peers / (here + peers) : null;
}

/**
 * Merges competitor share into feature rows (pure). `spend` holds, per customer, the windows
 * `recentWindow` ([cutoff − 90, cutoff)) and `previousWindow` ([cutoff − 180, cutoff − 90)) of
 * {@link getChurnFeatures}' cutoff; `null` spend (the peer guard withheld it) gives null shares.
 */
export function addCompetitorShare(
  rows: readonly ChurnFeatureRow[],
  spend: ReadonlyMap<number, CategorySpend> | null,
  recentWindow: number,
  previousWindow: number,
): ChurnFeatureRowWithShare[] {
  return rows.map((r) => {
    const s = spend?.get(r.customerId);
    const recent = spend ? competitorShare(s, recentWindow) : null;
    const previous = spend ? competitorShare(s, previousWindow) : null;
    return {
      ...r,
      competitorShare90d: recent,
      competitorShareTrend: recent !== null && previous !== null ? recent - previous : null,
    };
  });
}

/** The purchase cycle of a merchant: see {@link getPurchaseCycle}. */
export interface PurchaseCycle {
  /** Customers with at least 2 purchase days in the window. */
  repeatCustomers: number;
  /** Median over repeat customers of their mean days between consecutive purchase days; null without any. */
  medianInterPurchaseDays: number | null;
}

/**
 * The merchant's purchase cycle as of `asOf`: for each customer with at least 2 purchase days
 * in [asOf − 365, asOf), the mean gap in days between consecutive purchase days; the median of
 * those means (percentile_cont 0.5). The churn horizon H is twice this, clamped (lib/jobs).
 *
 * Sources: merchant_customer_daily (rollup).
 * @throws Error on a malformed day
 */
export async function getPurchaseCycle(ctx: AnalyticsContext, asOf: string): Promise<PurchaseCycle> {
  dayToMs(asOf);
  const [row] = await queryRows<{ repeat_customers: number; median: number | null }>(
    ctx.tx,
    sql`
      with gaps as (
        select d.customer_id, (d.day - lag(d.day) over (partition by d.customer_id order by d.day))::int as gap
        from merchant_customer_daily d
        where ${merchantFilter(ctx, "d")} and d.day >= ${addDays(asOf, -INTERVAL_LOOKBACK_DAYS)}::date
          and d.day < ${asOf}::date and d.purchases > 0
      ),
      per_customer as (select customer_id, avg(gap)::float8 as mean_gap from gaps where gap is not null group by customer_id)
      select count(*)::int as repeat_customers,
             (percentile_cont(0.5) within group (order by mean_gap))::float8 as median
      from per_customer`,
  );
  return { repeatCustomers: row?.repeat_customers ?? 0, medianInterPurchaseDays: row?.median ?? null };
}
