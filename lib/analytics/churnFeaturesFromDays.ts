import { addDays, dayToMs } from "@/lib/days";
import { INTERVAL_LOOKBACK_DAYS, OBSERVATION_DAYS, TREND_WINDOW_DAYS, toFeatureRow, type ChurnFeatureRow, type RawRow } from "./getChurnFeatures";
import { pgAvgInt, pgStddevPopInt } from "./pgNumeric";

/*
 * The churn features of getChurnFeatures.ts at any cutoff from one read of a merchant's
 * customer-day rollup (issue 17's job time: a segment's churn pools ask each member's features
 * at every other member's cutoffs, which differ with each member's horizon). The rows of a span
 * are read once (./getChurnFeatureDays.ts, through lib/privacy/churnDays.ts: lib/privacy owns
 * every read of a merchant's rows for a pool), then {@link churnFeaturesFromDays} computes what
 * the SQL of getChurnFeatures computes, to the bit: integer sums and counts, and the mean and
 * population deviation of the gaps as PostgreSQL's numeric avg and stddev_pop give them
 * (./pgNumeric.ts). Pure: no I/O.
 */

/** Days are counted as whole days since 1970-01-01. */
const MS_PER_DAY = 86_400_000;
const dayNumber = (day: string) => dayToMs(day) / MS_PER_DAY;

/**
 * A customer's snapshot in merchant_customers (the columns the features read): the feature
 * query's attribute columns (RawRow) and the first purchase day.
 */
export interface CustomerSnapshot extends Pick<RawRow, "birth_year" | "gender" | "is_payroll" | "is_corporate" | "is_premium" | "region"> {
  firstPurchaseDay: number | null;
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
