import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { addDays, dayToMs } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { INTERVAL_LOOKBACK_DAYS, OBSERVATION_DAYS, TREND_WINDOW_DAYS, toFeatureRow, type ChurnFeatureRow, type RawRow } from "./getChurnFeatures";
import { pgAvgInt, pgStddevPopInt } from "./pgNumeric";
import { merchantFilter } from "./scope";

/*
 * The churn features of getChurnFeatures.ts at any cutoff from one read of the merchant's
 * customer-day rollup (issue 17's job time: a segment's churn pools ask each member's features
 * at every other member's cutoffs, which differ with each member's horizon). The rows of a span
 * are read once, then {@link churnFeaturesFromDays} computes what the SQL of getChurnFeatures
 * computes, to the bit: integer sums and counts, and the mean and population deviation of the
 * gaps as PostgreSQL's numeric avg and stddev_pop give them (./pgNumeric.ts).
 */

/** Days are counted as whole days since 1970-01-01. */
const MS_PER_DAY = 86_400_000;
const dayNumber = (day: string) => dayToMs(day) / MS_PER_DAY;

/** A customer's snapshot in merchant_customers (the columns the features read). */
interface CustomerSnapshot {
  firstPurchaseDay: number | null;
  birth_year: number | null;
  gender: string | null;
  is_payroll: boolean | null;
  is_corporate: boolean | null;
  is_premium: boolean | null;
  region: string | null;
}

/** One merchant's customer-day rows over [from, to), by customer then day, and its customers. */
export interface ChurnFeatureDays {
  from: string;
  to: string;
  /** Customer ids, ascending, each with its rows [start, end) in the arrays below. */
  customers: number[];
  starts: number[];
  day: Int32Array;
  purchases: Float64Array;
  gross: Float64Array;
  refunds: Float64Array;
  snapshots: Map<number, CustomerSnapshot>;
}

/**
 * Reads the merchant's customer-day rollup over [from, to) and its customers' snapshots
 * (merchant_customer_daily, merchant_customers; rollups only, in the merchant's scope).
 * @param span [from, to) local days; a cutoff c with label days L can then be asked when
 *        from ≤ c − 365 and c + L ≤ to (c ≤ to without a label)
 * @throws Error on a malformed day or an empty span
 */
export async function getChurnFeatureDays(ctx: AnalyticsContext, span: { from: string; to: string }): Promise<ChurnFeatureDays> {
  if (!(dayToMs(span.from) < dayToMs(span.to))) throw new Error(`getChurnFeatureDays: empty span ${span.from}..${span.to}`);
  // Days as whole days since 1970-01-01 from the database (no date text to parse per row).
  const rows = await queryRows<{ customer_id: number; day: number; purchases: number; gross: number; refunds: number }>(
    ctx.tx,
    sql`select d.customer_id, (d.day - date '1970-01-01')::int as day, d.purchases::bigint as purchases, d.gross_sales_minor::bigint as gross, d.refunds_minor::bigint as refunds
        from merchant_customer_daily d
        where ${merchantFilter(ctx, "d")} and d.day >= ${span.from}::date and d.day < ${span.to}::date
        order by d.customer_id, d.day`,
  );
  const snaps = await queryRows<{ customer_id: number; first_purchase_day: number | null } & Omit<CustomerSnapshot, "firstPurchaseDay">>(
    ctx.tx,
    sql`select mc.customer_id, (mc.first_purchase_day - date '1970-01-01')::int as first_purchase_day, mc.birth_year, mc.gender, mc.is_payroll, mc.is_corporate, mc.is_premium, mc.region
        from merchant_customers mc where ${merchantFilter(ctx, "mc")}`,
  );
  const n = rows.length;
  const out: ChurnFeatureDays = {
    from: span.from,
    to: span.to,
    customers: [],
    starts: [],
    day: new Int32Array(n),
    purchases: new Float64Array(n),
    gross: new Float64Array(n),
    refunds: new Float64Array(n),
    snapshots: new Map(),
  };
  let last = -1;
  rows.forEach((r, i) => {
    const c = Number(r.customer_id);
    if (c !== last) {
      out.customers.push(c);
      out.starts.push(i);
      last = c;
    }
    out.day[i] = Number(r.day);
    out.purchases[i] = Number(r.purchases);
    out.gross[i] = Number(r.gross);
    out.refunds[i] = Number(r.refunds);
  });
  out.starts.push(n);
  for (const s of snaps) {
    out.snapshots.set(Number(s.customer_id), {
      firstPurchaseDay: s.first_purchase_day === null ? null : Number(s.first_purchase_day),
      birth_year: s.birth_year,
      gender: s.gender,
      is_payroll: s.is_payroll,
      is_corporate: s.is_corporate,
      is_premium: s.is_premium,
      region: s.region,
    });
  }
  return out;
}

/**
 * getChurnFeatures' rows as of `cutoff` (same definitions, same order, same values) from rows
 * read by {@link getChurnFeatureDays} (pure).
 * @throws Error when the span does not cover [cutoff − 365, cutoff + labelDays)
 */
export function churnFeaturesFromDays(days: ChurnFeatureDays, opts: { cutoff: string; labelDays?: number }): ChurnFeatureRow[] {
  const { cutoff } = opts;
  if (opts.labelDays !== undefined && !(Number.isInteger(opts.labelDays) && opts.labelDays >= 1)) {
    throw new Error(`churnFeaturesFromDays: labelDays must be a whole number of days ≥ 1, got ${opts.labelDays}`);
  }
  const c = dayNumber(cutoff);
  const lookbackFrom = c - INTERVAL_LOOKBACK_DAYS;
  const observationFrom = c - OBSERVATION_DAYS;
  const recentFrom = c - TREND_WINDOW_DAYS;
  const previousFrom = c - 2 * TREND_WINDOW_DAYS;
  const labelTo = opts.labelDays === undefined ? c : c + opts.labelDays;
  if (lookbackFrom < dayNumber(days.from) || labelTo > dayNumber(days.to)) {
    throw new Error(`churnFeaturesFromDays: rows of ${days.from}..${days.to} do not cover cutoff ${cutoff} with ${opts.labelDays ?? 0} label days`);
  }
  const refYear = Number(addDays(cutoff, -1).slice(0, 4));
  const out: ChurnFeatureRow[] = [];
  for (let k = 0; k < days.customers.length; k++) {
    const customerId = days.customers[k];
    const snap = days.snapshots.get(customerId);
    if (!snap) continue; // the SQL's inner join with merchant_customers
    let lastDay = -Infinity;
    let frequency = 0;
    let gross180 = 0;
    let grossRecent = 0;
    let purchasesRecent = 0;
    let recentRows = 0;
    let grossPrevious = 0;
    let purchasesPrevious = 0;
    let previousRows = 0;
    let grossAll = 0;
    let refundsAll = 0;
    let rowsIn = 0;
    let gaps = 0;
    let gapSum = 0;
    let gapSquares = 0;
    let prevPurchaseDay = -1;
    let boughtInLabel = false;
    for (let i = days.starts[k]; i < days.starts[k + 1]; i++) {
      const d = days.day[i];
      if (d < lookbackFrom) continue;
      const bought = days.purchases[i] > 0;
      if (d >= c) {
        if (bought && d < labelTo) boughtInLabel = true;
        continue;
      }
      rowsIn++;
      grossAll += days.gross[i];
      refundsAll += days.refunds[i];
      if (d >= observationFrom) gross180 += days.gross[i];
      if (d >= recentFrom) {
        recentRows++;
        grossRecent += days.gross[i];
        purchasesRecent += days.purchases[i];
      } else if (d >= previousFrom) {
        previousRows++;
        grossPrevious += days.gross[i];
        purchasesPrevious += days.purchases[i];
      }
      if (bought) {
        if (d > lastDay) lastDay = d;
        if (d >= observationFrom) frequency++;
        if (prevPurchaseDay >= 0) {
          const gap = d - prevPurchaseDay;
          gaps++;
          gapSum += gap;
          gapSquares += gap * gap;
        }
        prevPurchaseDay = d;
      }
    }
    if (rowsIn === 0 || frequency === 0) continue;
    const raw: RawRow = {
      customer_id: customerId,
      recency: c - lastDay,
      frequency,
      gross180,
      tenure: snap.firstPurchaseDay === null ? (null as unknown as number) : c - snap.firstPurchaseDay,
      mean_gap: gaps > 0 ? pgAvgInt(gapSum, gaps) : null,
      sd_gap: gaps > 0 ? pgStddevPopInt(gaps, gapSum, gapSquares) : null,
      gaps,
      gross_recent: recentRows > 0 ? grossRecent : null,
      purchases_recent: recentRows > 0 ? purchasesRecent : null,
      gross_previous: previousRows > 0 ? grossPrevious : null,
      purchases_previous: previousRows > 0 ? purchasesPrevious : null,
      birth_year: snap.birth_year,
      gender: snap.gender,
      is_payroll: snap.is_payroll,
      is_corporate: snap.is_corporate,
      is_premium: snap.is_premium,
      region: snap.region,
      revenue365: grossAll - refundsAll,
      churned: opts.labelDays === undefined ? null : !boughtInLabel,
    };
    out.push(toFeatureRow(raw, refYear));
  }
  return out;
}
