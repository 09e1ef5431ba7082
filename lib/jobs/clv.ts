import type { Database } from "@/db/client";
import { getRfmSummary, type CustomerRfm, type RfmTimeUnit } from "@/lib/analytics/getRfmSummary";
import { addDays } from "@/lib/days";
import type { MerchantRef } from "@/lib/tenancy/context";
import { expectedPurchasesMbg, fitMbgNbd, probabilityAliveMbg, probabilityPurchaseWithin, type MbgNbdFit } from "@/lib/models/mbgnbd";
import { customerLifetimeValue } from "@/lib/models/clv";
import { nextPurchaseForecast } from "@/lib/models/nextPurchase";
import { expectedAverageValue, fitGammaGamma, type GammaGammaFit } from "@/lib/models/gammaGamma";
import type { ClvCustomerOutput, ClvMetrics, ClvParams, ClvSummary, clvContract } from "@/lib/runs/clv";
import type { ComputedRun } from "@/lib/runs/contract";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { poolSegmentRfmRows } from "@/lib/privacy/clvRows";
import type { PoolLevel } from "@/lib/privacy/pooledTraining";
import { ModelInputError } from "./errors";
import { median, moneyHistogram, pAliveGrid, unitHistogram } from "./summaries";

/*
 * The customer-value job: MBG/NBD (Batislam, Denizel & Filiztekin 2007; format 1 used BG/NBD,
 * whose P(alive) is 1 for every one-time buyer) for purchase counts, P(alive) and the chance of
 * buying again within 12 months,
 * Gamma-Gamma (Fader & Hardie 2013) for spend per purchase, CLV as their discounted product
 * (lib/models/clv.ts), fitted on the merchant's own purchase occasions (getRfmSummary, in its
 * scope) up to its last data day.
 */

/** The fixed settings of the stored CLV run (docs/models/jobs.md). */
const CLV_SETTINGS = {
  timeUnit: "week" as const,
  /** CLV over the next 12 months … */
  horizonMonths: 12,
  /** … discounted at 1 % per month (≈ 12.7 % a year: a small merchant's cost of capital). */
  monthlyDiscountRate: 0.01,
  /** Weeks per month: 365.25 / 12 / 7. */
  periodsPerMonth: 365.25 / 12 / 7,
  /** "Expected purchases" horizon shown per customer. */
  predictionDays: 90,
  /** "Will buy again within" horizon, months (12: the page's headline chance). */
  buyAgainMonths: 12,
  /** Below this many repeat customers the fit is not trusted and the run fails. */
  minRepeatCustomers: 20,
  /**
   * Next purchase (lib/models/nextPurchase.ts): the 10th–50th–90th percentiles of the wait given
   * a purchase within 12 months (365.25 days), shown only when that purchase is at least 50 %
   * likely; chances of buying within 30 and 90 days.
   */
  nextPurchase: { horizonDays: 365.25, quantiles: [0.1, 0.5, 0.9] as [number, number, number], threshold: 0.5, chanceDays: [30, 90] as [number, number] },
};

const DAYS_PER_UNIT: Record<RfmTimeUnit, number> = { week: 7, day: 1 };

/** Both fits of one calibration. */
export interface CustomerValueFit {
  customers: number;
  repeatCustomers: number;
  mbgnbd: MbgNbdFit;
  gammaGamma: GammaGammaFit;
}

/**
 * Fits MBG/NBD on every customer's (x, t_x, T) and Gamma-Gamma on the repeat customers with a
 * positive mean repeat value (pure).
 *
 * @throws ModelInputError with fewer than `minRepeatCustomers` repeat customers (x ≥ 1)
 * @throws RangeError from the models on degenerate data
 */
export function fitCustomerValue(rfm: readonly CustomerRfm[], minRepeatCustomers = CLV_SETTINGS.minRepeatCustomers): CustomerValueFit {
  const repeat = rfm.filter((c) => c.x > 0 && c.mx !== null && c.mx > 0);
  const repeatCustomers = rfm.filter((c) => c.x > 0).length;
  if (repeatCustomers < minRepeatCustomers || repeat.length < minRepeatCustomers) {
    throw new ModelInputError(
      `too few repeat customers to fit customer value: ${repeatCustomers} (at least ${minRepeatCustomers} needed)`,
    );
  }
  const mbgnbd = fitMbgNbd(rfm.map((c) => ({ x: c.x, tx: c.tx, T: c.T })));
  const gammaGamma = fitGammaGamma(repeat.map((c) => ({ x: c.x, mx: c.mx! })));
  return { customers: rfm.length, repeatCustomers, mbgnbd, gammaGamma };
}

/** Reads the RFM summary of a merchant in its own scope (read-only). */
export function readRfm(
  database: Database,
  merchant: MerchantRef,
  calibrationEnd: string,
  timeUnit: RfmTimeUnit,
): Promise<CustomerRfm[]> {
  return withMerchantScope(database, merchant.id, (tx) => getRfmSummary({ tx, merchant }, { calibrationEnd, timeUnit }));
}

/**
 * The stored CLV run as of `asOf` (exclusive; calibration end = asOf − 1 day): reads the RFM
 * summary in the merchant's scope, then buildClvRun.
 *
 * @param bankIds customer id → bank customer id (owner connection), copied into the outputs
 * @throws ModelInputError when the merchant has no customers or too few repeat customers
 */
export async function computeClvRun(
  database: Database,
  merchant: MerchantRef,
  asOf: string,
  bankIds: ReadonlyMap<number, string>,
): Promise<ComputedRun<typeof clvContract>> {
  const calibrationEnd = addDays(asOf, -1);
  const rfm = await readRfm(database, merchant, calibrationEnd, CLV_SETTINGS.timeUnit);
  if (rfm.length === 0) return buildClvRun(rfm, asOf, bankIds);
  try {
    return buildClvRun(rfm, asOf, bankIds);
  } catch (err) {
    if (!(err instanceof ModelInputError)) throw err;
  }
  // The merchant's own fit failed (too few repeat customers, or degenerate): the segment's
  // customers, through lib/privacy (peers read in their own scopes, with the same calibration end,
  // once per segment data version; a peer whose data end before asOf gives none).
  const pooled = await poolSegmentRfmRows(database, merchant, { asOf, calibrationEnd, timeUnit: CLV_SETTINGS.timeUnit }, rfm);
  const pool: ClvPool = pooled.available
    ? { available: true, level: pooled.level, merchants: pooled.merchants, rows: pooled.sets[0] }
    : { available: false, merchants: pooled.merchants, reason: pooled.reason };
  return buildClvRun(rfm, asOf, bankIds, pool);
}

/**
 * The CLV run from the merchant's RFM summary (pure): fits, then per customer P(alive), the
 * chance of buying again within 12 months, expected purchases in the next 90 days, expected purchase value, 12-month CLV at 1 %/month, the chances of buying within 30 and 90 days and the next purchase's median day and 80 % interval (lib/models/nextPurchase.ts),
 * and the page's summary (histograms, P(alive) grid, totals).
 *
 * @param rfm     every customer's (x, t_x, T, m_x) in weeks, calibrated up to asOf − 1 day
 * @param asOf    exclusive end of the data ('YYYY-MM-DD')
 * @param bankIds customer id → bank customer id, copied into the outputs
 * @throws ModelInputError when there are no customers, too few repeat customers, or the MBG/NBD
 *         fit is degenerate
 */
export function buildClvRun(
  rfm: readonly CustomerRfm[],
  asOf: string,
  bankIds: ReadonlyMap<number, string>,
  pool?: ClvPool,
): ComputedRun<typeof clvContract> {
  const calibrationEnd = addDays(asOf, -1);
  if (rfm.length === 0) throw new ModelInputError(`no purchases on or before ${calibrationEnd}`);
  let own: ModelInputError;
  try {
    return buildClvRunWith(rfm, fitCustomerValue(rfm), asOf, bankIds, { mode: "merchantOnly", level: null, merchants: pool?.merchants ?? null, withheld: pool && !pool.available ? pool.reason : null });
  } catch (err) {
    if (!(err instanceof ModelInputError) || pool === undefined || !pool.available) throw err;
    own = err;
  }
  // Empirical Bayes (Fader, Hardie & Lee 2005, §2; Morris 1983): the segment's customers estimate
  // the population's mixing distributions (the prior), and each of the merchant's customers is
  // then scored by the conditional expectations given his own (x, t_x, T, m_x): the prior updated
  // by his own history. Only when the merchant's own fit fails.
  try {
    const pooledFit = fitCustomerValue(pool.rows);
    return buildClvRunWith(rfm, pooledFit, asOf, bankIds, { mode: "pooled", level: pool.level, merchants: pool.merchants, withheld: null });
  } catch (err) {
    if (err instanceof ModelInputError) throw new ModelInputError(`${own.message}; the segment's fit failed too: ${err.message}`);
    throw err;
  }
}

/** The segment's pooled RFM rows (lib/privacy/pooledTraining.ts), or why none were released. */
export type ClvPool =
  | { available: true; level: PoolLevel; merchants: number; rows: readonly CustomerRfm[] }
  | { available: false; merchants: number; reason: string };

function buildClvRunWith(
  rfm: readonly CustomerRfm[],
  fit: CustomerValueFit,
  asOf: string,
  bankIds: ReadonlyMap<number, string>,
  pooling: ClvParams["pooling"],
): ComputedRun<typeof clvContract> {
  const calibrationEnd = addDays(asOf, -1);
  const pooled = pooling.mode === "pooled";
  const bg = fit.mbgnbd.params;
  const gg = fit.gammaGamma.params;
  const unit = DAYS_PER_UNIT[CLV_SETTINGS.timeUnit];
  const buyAgainUnits = (CLV_SETTINGS.buyAgainMonths * 365.25) / 12 / unit;
  const opts = {
    horizonMonths: CLV_SETTINGS.horizonMonths,
    monthlyDiscountRate: CLV_SETTINGS.monthlyDiscountRate,
    periodsPerMonth: CLV_SETTINGS.periodsPerMonth,
  };

  const np = CLV_SETTINGS.nextPurchase;
  const npOpts = { horizon: np.horizonDays / unit, quantiles: np.quantiles, threshold: np.threshold };
  const outputs: ComputedRun<typeof clvContract>["outputs"] = [];
  const perCustomer: Array<ClvCustomerOutput & { customerId: number }> = [];
  try {
    for (const c of rfm) {
      const summary = { x: c.x, tx: c.tx, T: c.T };
      const mx = c.mx ?? 0;
      const next = nextPurchaseForecast(bg, summary, npOpts);
      const out: ClvCustomerOutput = {
        bankCustomerId: bankIds.get(c.customerId) ?? "",
        x: c.x,
        tx: round(c.tx, 4),
        T: round(c.T, 4),
        mxMinor: c.mx === null ? null : Math.round(c.mx),
        pAlive: round(probabilityAliveMbg(bg, summary), 6),
        pBuyAgain12m: round(probabilityPurchaseWithin(bg, summary, buyAgainUnits), 6),
        expectedPurchases90d: round(expectedPurchasesMbg(bg, summary, CLV_SETTINGS.predictionDays / unit), 6),
        pBuy30d: round(probabilityPurchaseWithin(bg, summary, np.chanceDays[0] / unit), 6),
        pBuy90d: round(probabilityPurchaseWithin(bg, summary, np.chanceDays[1] / unit), 6),
        nextPurchase: next.wait
          ? {
              from: waitDay(calibrationEnd, next.wait.low * unit),
              median: waitDay(calibrationEnd, next.wait.median * unit),
              to: waitDay(calibrationEnd, next.wait.high * unit),
            }
          : null,
        expectedAverageValueMinor: Math.round(expectedAverageValue(gg, c.x, mx)),
        clvMinor: Math.round(customerLifetimeValue(bg, gg, { ...summary, mx }, opts, expectedPurchasesMbg)),
      };
      for (const [k, v] of Object.entries(out)) {
        if (typeof v === "number" && !Number.isFinite(v)) throw new RangeError(`${k} is not finite for customer ${c.customerId}`);
      }
      perCustomer.push({ customerId: c.customerId, ...out });
      outputs.push({ customerId: c.customerId, output: out });
    }
  } catch (err) {
    // A fit at the edge of the parameter space (a, b or r at the bound when the data show almost
    // no dropout) could make a conditional expectation diverge: say so plainly, store nothing.
    const p = [bg.r, bg.alpha, bg.a, bg.b].map((v) => v.toPrecision(4)).join(", ");
    throw new ModelInputError(
      `the MBG/NBD fit is degenerate (r, alpha, a, b = ${p}; converged: ${fit.mbgnbd.converged}), so customer values cannot be computed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }

  const clvs = perCustomer.map((c) => c.clvMinor);
  const totalClvMinor = clvs.reduce((s, v) => s + v, 0);
  const summary: ClvSummary = {
    customers: rfm.length,
    repeatCustomers: rfm.filter((c) => c.x > 0).length,
    expectedActiveCustomers: round(perCustomer.reduce((s, c) => s + c.pAlive, 0), 2),
    expectedReturningCustomers12m: round(perCustomer.reduce((s, c) => s + c.pBuyAgain12m, 0), 2),
    expectedPurchases90d: round(perCustomer.reduce((s, c) => s + c.expectedPurchases90d, 0), 2),
    expectedBuyers30d: round(perCustomer.reduce((s, c) => s + c.pBuy30d, 0), 2),
    expectedBuyers90d: round(perCustomer.reduce((s, c) => s + c.pBuy90d, 0), 2),
    nextPurchaseExpected: perCustomer.filter((c) => c.nextPurchase !== null).length,
    totalClvMinor,
    meanClvMinor: Math.round(totalClvMinor / rfm.length),
    medianClvMinor: Math.round(median(clvs)),
    clvHistogram: moneyHistogram(clvs),
    pAliveHistogram: unitHistogram(perCustomer.map((c) => c.pAlive)),
    pAliveGrid: pAliveGrid(perCustomer.map((c) => ({ x: c.x, tx: c.tx, T: c.T, pAlive: c.pAlive }))),
    buyAgainGrid: pAliveGrid(perCustomer.map((c) => ({ x: c.x, tx: c.tx, T: c.T, pAlive: c.pBuyAgain12m }))),
  };
  const params: ClvParams = {
    calibrationEnd,
    timeUnit: CLV_SETTINGS.timeUnit,
    horizonMonths: CLV_SETTINGS.horizonMonths,
    monthlyDiscountRate: CLV_SETTINGS.monthlyDiscountRate,
    periodsPerMonth: CLV_SETTINGS.periodsPerMonth,
    predictionDays: CLV_SETTINGS.predictionDays,
    buyAgainMonths: CLV_SETTINGS.buyAgainMonths,
    minRepeatCustomers: CLV_SETTINGS.minRepeatCustomers,
    nextPurchase: { horizonDays: np.horizonDays, quantiles: [...np.quantiles], threshold: np.threshold, chanceDays: [...np.chanceDays] },
    pooling,
  };
  const metrics: ClvMetrics = {
    mbgnbd: {
      ...bg,
      // A pooled fit's likelihood, errors and counts are figures of the segment's customers.
      logLikelihood: pooled ? null : fit.mbgnbd.logLikelihood,
      standardErrors: pooled ? null : finiteOrNull(fit.mbgnbd.standardErrors),
      converged: fit.mbgnbd.converged,
    },
    gammaGamma: { ...gg, logLikelihood: pooled ? null : fit.gammaGamma.logLikelihood, customers: pooled ? null : fit.gammaGamma.customers },
  };
  const periodFrom = rfm.reduce((min, c) => (c.firstDay < min ? c.firstDay : min), rfm[0].firstDay);
  return { periodFrom, periodTo: asOf, params, metrics, summary, outputs };
}

/**
 * The local day in which an instant `days` after the end of `calibrationEnd` falls: a wait in
 * (0, 1] days is the next day. Time 0 of the model is the calibration end (T is counted in whole
 * days from the first purchase day to it), so a purchase at T + w lands on day ⌈w⌉ after it.
 * @param days the wait in days, ≥ 0
 */
export function waitDay(calibrationEnd: string, days: number): string {
  return addDays(calibrationEnd, Math.max(1, Math.ceil(days)));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Standard errors, or null when any is not finite (a singular Hessian). */
function finiteOrNull(se: { r: number; alpha: number; a: number; b: number }) {
  return [se.r, se.alpha, se.a, se.b].every((v) => Number.isFinite(v)) ? { r: se.r, alpha: se.alpha, a: se.a, b: se.b } : null;
}
