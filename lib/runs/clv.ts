import { z } from "zod";
import { count, day, defineRunContract, histogramBinSchema, minor, num, unit, type StoredModelRun } from "./contract";

/*
 * The customer-value run (kind 'clv'): MBG/NBD (Batislam, Denizel & Filiztekin 2007) + Gamma-Gamma
 * (Fader & Hardie 2013) + 12-month discounted CLV, written by lib/jobs/clv.ts (docs/models/jobs.md).
 * Rates are per week, money integer minor units of the merchant's currency (expected values
 * rounded to whole minor units), probabilities 0..1.
 *
 * Format 1: BG/NBD (`metrics.bgnbd`), the shape of the runs stored before contracts existed.
 * Format 3 (issue 17, ADR 0019): `params.pooling` says whether the models were fitted on the
 * merchant's own customers or, when that fit fails, on its MCC segment's (empirical Bayes); a
 * pooled run stores no likelihood and no fitted-customer count (segment figures). Format 2 runs
 * have no `pooling` and are refitted.
 *
 * Format 4 (issue 17, "speak in money and dates"): each customer's next purchase
 * (lib/models/nextPurchase.ts): the chances of buying within 30 and 90 days (`pBuy30d`,
 * `pBuy90d`) and `nextPurchase`, the median day and the 80 % interval of the next purchase given
 * one within 12 months, or null ("not expected") when that is less likely than 50 %; their sums
 * in the summary and the settings in `params.nextPurchase`. Format 3 runs lack them and are
 * refitted.
 *
 * Format 2: MBG/NBD (`metrics.mbgnbd`): P(alive) of a one-time buyer is no longer 1; adds each
 * customer's chance of buying again within 12 months (`pBuyAgain12m`), its sum
 * (`summary.expectedReturningCustomers12m`), its heatmap (`summary.buyAgainGrid`) and
 * `params.buyAgainMonths`.
 */

/** How the CLV run was set up. */
const clvParamsSchema = z.strictObject({
  /** Last local day of the calibration data, inclusive (= the merchant's last data day). */
  calibrationEnd: day,
  timeUnit: z.literal("week"),
  /** CLV horizon in months (12) and monthly discount rate (0.01 = 1 % per month). */
  horizonMonths: num,
  monthlyDiscountRate: num,
  /** Time units per month used by the CLV sum (weeks: 365.25 / 12 / 7). */
  periodsPerMonth: num,
  /** Horizon of "expected purchases" in days (90). */
  predictionDays: num,
  /** Horizon of "will buy again within" in months (12). */
  buyAgainMonths: count,
  /** The run fails below this many repeat customers (20). */
  minRepeatCustomers: count,
  /**
   * The next-purchase forecast (lib/models/nextPurchase.ts): the interval is the `quantiles`
   * (0.1, 0.5, 0.9) of the wait given the customer is alive and buys within `horizonDays`
   * (365.25: 12 months) after the calibration end; "not expected" below `threshold` (0.5) for
   * P(alive) × P(buy within the horizon | alive). `chanceDays`: the horizons of pBuy30d, pBuy90d.
   */
  nextPurchase: z.strictObject({
    horizonDays: num,
    quantiles: z.tuple([unit, unit, unit]),
    threshold: unit,
    chanceDays: z.tuple([num, num]),
  }),
  /**
   * Whose customers the models were fitted on (issue 17, ADR 0019): the merchant's own, or — when
   * its own fit fails — the MCC segment's (empirical Bayes: the segment's population parameters
   * as the prior, each own customer scored on his own history). `merchants` counts the pool's
   * merchants with the asker (null when none was asked for); `withheld` says why no pool was
   * released.
   */
  pooling: z.strictObject({
    mode: z.enum(["merchantOnly", "pooled"]),
    level: z.enum(["mcc", "mccGroup"]).nullable(),
    merchants: count.nullable(),
    withheld: z.string().nullable(),
  }),
});

const mbgnbdParams = { r: num, alpha: num, a: num, b: num };

/** Fitted parameters and fit quality. MBG/NBD rates are per week. */
const clvMetricsSchema = z.strictObject({
  mbgnbd: z.strictObject({
    ...mbgnbdParams,
    /** Null for a pooled fit (a figure of the segment's customers). */
    logLikelihood: num.nullable(),
    /** Asymptotic standard errors; null when the Hessian could not be inverted. */
    standardErrors: z.strictObject(mbgnbdParams).nullable(),
    converged: z.boolean(),
  }),
  gammaGamma: z.strictObject({
    p: num,
    q: num,
    gamma: num,
    /** Null for a pooled fit. */
    logLikelihood: num.nullable(),
    /** Repeat customers with a positive mean repeat spend it was fitted on; null for a pooled fit. */
    customers: count.nullable(),
  }),
});

/** One cell of the P(alive) heatmap: repeat purchases × weeks since the last purchase. */
const pAliveCellSchema = z.strictObject({
  frequency: z.string(),
  recency: z.string(),
  /** Customers in the cell; null when suppressed (< 5). */
  customers: count.nullable(),
  /** Mean P(alive) of the cell's customers; null when suppressed. */
  meanPAlive: unit.nullable(),
  suppressed: z.boolean(),
});

/** Everything the customer-value page charts. */
const clvSummarySchema = z.strictObject({
  customers: count,
  /** Customers with at least one repeat purchase (x ≥ 1). */
  repeatCustomers: count,
  /** Σ P(alive): the expected number of customers still active at the calibration end. */
  expectedActiveCustomers: num,
  /** Σ P(buy again within 12 months): the expected number of customers who will come back. */
  expectedReturningCustomers12m: num,
  /** Σ expected purchases in the next 90 days. */
  expectedPurchases90d: num,
  /** Σ P(buy within 30 days) and Σ P(buy within 90 days): expected buying customers. */
  expectedBuyers30d: num,
  expectedBuyers90d: num,
  /** Customers with a next-purchase date (P(buy within the horizon) ≥ the threshold). */
  nextPurchaseExpected: count,
  /** Σ CLV (12 months, discounted), minor units. */
  totalClvMinor: minor,
  meanClvMinor: minor,
  medianClvMinor: minor,
  /** CLV distribution, minor units; the last bin is open-ended (to null). */
  clvHistogram: z.array(histogramBinSchema),
  /** P(alive) histogram over [0, 1] in 10 bins of 0.1 (the last closed at 1). */
  pAliveHistogram: z.array(histogramBinSchema),
  pAliveGrid: z.strictObject({ frequencyBuckets: z.array(z.string()), recencyBuckets: z.array(z.string()), cells: z.array(pAliveCellSchema) }),
  /**
   * The same grid of the chance of buying again within 12 months (`meanPAlive` holds the cell's
   * mean `pBuyAgain12m`): the heatmap the page shows.
   */
  buyAgainGrid: z.strictObject({ frequencyBuckets: z.array(z.string()), recencyBuckets: z.array(z.string()), cells: z.array(pAliveCellSchema) }),
});

/** Per-customer output of a CLV run. */
const clvCustomerOutputSchema = z.strictObject({
  /** The bank's pseudonymous customer id (the one the merchant matches to its loyalty data). */
  bankCustomerId: z.string(),
  /** Repeat purchases (purchase weeks after the first), recency and age in weeks. */
  x: count,
  tx: num,
  T: num,
  /** Mean repeat-purchase value, minor units; null without repeat purchases. */
  mxMinor: minor.nullable(),
  pAlive: unit,
  /** Chance of at least one purchase in the 12 months after the calibration end. */
  pBuyAgain12m: unit,
  expectedPurchases90d: num,
  /** Chances of at least one purchase within 30 and 90 days after the calibration end. */
  pBuy30d: unit,
  pBuy90d: unit,
  /**
   * The next purchase's local days (inclusive) given one within the horizon: `from` the 10th,
   * `median` the 50th, `to` the 90th percentile of the wait, each the day in which that instant
   * falls (calibration end + ⌈wait in days⌉, at least the day after the calibration end); null
   * when "not expected" (P(buy within the horizon) < the threshold).
   */
  nextPurchase: z.strictObject({ from: day, median: day, to: day }).nullable(),
  /** Expected value of a future purchase (Gamma-Gamma), minor units. */
  expectedAverageValueMinor: minor,
  /** 12-month discounted CLV, minor units. */
  clvMinor: minor,
});

const CLV_FORMAT = 4;

export const clvContract = defineRunContract({
  kind: "clv",
  format: CLV_FORMAT,
  params: clvParamsSchema,
  metrics: clvMetricsSchema,
  summary: clvSummarySchema,
  output: clvCustomerOutputSchema,
});

export type ClvParams = z.infer<typeof clvParamsSchema>;
export type ClvMetrics = z.infer<typeof clvMetricsSchema>;
export type PAliveCell = z.infer<typeof pAliveCellSchema>;
export type ClvSummary = z.infer<typeof clvSummarySchema>;
export type ClvCustomerOutput = z.infer<typeof clvCustomerOutputSchema>;
export type CustomerValueResults = StoredModelRun<ClvParams, ClvMetrics, ClvSummary>;

/** One row of the customer-value table. */
export type CustomerValueRow = ClvCustomerOutput & { customerId: number };
