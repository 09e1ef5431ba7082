import { addMonthsRollingOver } from "@/lib/days";
import { Calendar } from "./calendar";
import {
  buildMccTables,
  expectedTransactions,
  normalise,
  simulateCustomer,
  type CustomerTruth,
  type RelationshipTruth,
  type SimulationContext,
  type SwitchEvent,
  type SyntheticCustomer,
  type SyntheticTransaction,
} from "./customer";
import { buildMerchants, peerGroups, type MerchantTruth } from "./merchants";
import {
  ACQUISITION,
  CAMPAIGN_HOOK,
  CHURN_DRIVERS,
  CITIES,
  DEMOGRAPHICS,
  MCCS,
  ONLINE,
  ONLINE_HOURLY,
  REFUNDS,
  SPEND,
  STREAM,
  SWITCHING,
} from "./model";

/** Version of the generative model; bump when any draw changes, so stale outputs are noticed. */
export const GENERATOR_VERSION = "synthetic-bank/3";

/** The bank: 50,000 customers, 24 months ending 2026-11-01 (exclusive), ~2,000,000 transactions. */
const DEFAULT_BANK = {
  seed: 42,
  customers: 50_000,
  months: 24,
  endDate: "2026-11-01",
  targetTransactions: 2_000_000,
} as const;

/** What `generateBank` accepts; every field is optional. */
export interface BankConfig {
  /** PRNG seed (32-bit integer). Default 42. */
  seed?: number;
  /** Number of bank customers. Default 50,000 × scale. */
  customers?: number;
  /** Window length in calendar months. Default 24. */
  months?: number;
  /** First day after the window, 'YYYY-MM-DD' (exclusive end). Default 2026-11-01. */
  endDate?: string;
  /**
   * Wanted number of transactions (purchases + refunds). Default: 2,000,000 scaled by
   * customers / 50,000 and months / 24. Reached by calibrating κ (see planBank).
   */
  targetTransactions?: number;
  /** Shrinks the default bank: customers and transactions × scale (merchants stay). Default 1. */
  scale?: number;
  /** Fixes the rate factor κ instead of calibrating it to targetTransactions. */
  kappa?: number;
}

/** A config with every field decided. */
export interface ResolvedBankConfig {
  seed: number;
  customers: number;
  months: number;
  /** First day of the window, 'YYYY-MM-DD'. */
  startDate: string;
  endDate: string;
  targetTransactions: number;
  scale: number;
  /** κ given by the caller, or null when calibrated. */
  kappa: number | null;
}

/** Fills in defaults and validates. */
export function resolveBankConfig(config: BankConfig = {}): ResolvedBankConfig {
  const scale = config.scale ?? 1;
  const seed = config.seed ?? DEFAULT_BANK.seed;
  const months = config.months ?? DEFAULT_BANK.months;
  const customers = config.customers ?? Math.round(DEFAULT_BANK.customers * scale);
  const endDate = config.endDate ?? DEFAULT_BANK.endDate;
  const perCustomerMonth = DEFAULT_BANK.targetTransactions / DEFAULT_BANK.customers / DEFAULT_BANK.months;
  const targetTransactions = config.targetTransactions ?? Math.round(customers * months * perCustomerMonth);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a 32-bit unsigned integer: ${seed}`);
  if (!Number.isInteger(customers) || customers < 1 || customers > 9_999_999) throw new RangeError(`customers: ${customers}`);
  if (!Number.isInteger(months) || months < 1 || months > 120) throw new RangeError(`months: ${months}`);
  if (!(targetTransactions > 0)) throw new RangeError(`targetTransactions: ${targetTransactions}`);
  if (config.kappa !== undefined && !(config.kappa > 0)) throw new RangeError(`kappa: ${config.kappa}`);
  return {
    seed,
    customers,
    months,
    startDate: addMonthsRollingOver(endDate, -months),
    endDate,
    targetTransactions,
    scale,
    kappa: config.kappa ?? null,
  };
}

/** Everything fixed before the customers are simulated. */
export interface BankPlan {
  config: ResolvedBankConfig;
  calendar: Calendar;
  merchants: MerchantTruth[];
  context: SimulationContext;
  /** Rate factor κ: every customer's λ = κ λ0. */
  kappa: number;
  /**
   * How κ was found (null when given): bisection on the first `pilotCustomers`, then one
   * Newton step over all customers; `expectedTransactions` is the bank-wide expectation at κ.
   */
  calibration: { pilotCustomers: number; pilotKappa: number; expectedTransactions: number } | null;
}

/** Customers used to calibrate κ (the first ones: customers are i.i.d.). */
const PILOT_CUSTOMERS = 4_000;

/**
 * Builds merchants, calendar and seasonal tables, and calibrates κ so that the expected number
 * of transactions (purchases in the window plus expected refunds) matches targetTransactions:
 * bisection on log κ over the first min(customers, 4,000) customers (the count is monotone in κ
 * because κ only compresses each relationship's fixed stream of draws), then one Newton step
 * over all customers.
 */
export function planBank(config: BankConfig = {}): BankPlan {
  const resolved = resolveBankConfig(config);
  const burnIn = Math.ceil(ACQUISITION.existingMaxDaysBefore) + 1;
  const calendar = new Calendar(resolved.startDate, resolved.endDate, burnIn);
  const merchants = buildMerchants(resolved.seed, calendar.days);
  const peers = CITIES.map((city) =>
    MCCS.map((params) => merchants.filter((m) => m.region === city.region && m.mcc === params.mcc)),
  );
  const context: SimulationContext = {
    seed: resolved.seed,
    calendar,
    merchants,
    peers,
    mccTables: buildMccTables(calendar),
    kappa: 1,
  };
  let calibration: BankPlan["calibration"] = null;
  if (resolved.kappa !== null) {
    context.kappa = resolved.kappa;
  } else {
    const customers = resolved.customers;
    const target = resolved.targetTransactions;
    const expected = (kappa: number, n: number) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += expectedTransactions(context, i, kappa);
      return (sum * customers) / n;
    };
    const pilot = Math.min(customers, PILOT_CUSTOMERS);
    let lo = Math.log(1 / 100);
    let hi = Math.log(100);
    for (let step = 0; step < 18; step++) {
      const mid = (lo + hi) / 2;
      if (expected(Math.exp(mid), pilot) < target) lo = mid;
      else hi = mid;
    }
    let kappa = Math.exp((lo + hi) / 2);
    const pilotKappa = kappa;
    // The pilot's sampling error (about ±2.5 % for 4,000 customers) would carry into the total:
    // one Newton step on log κ over all customers removes it, with the elasticity d ln E / d ln κ
    // measured on the pilot.
    if (pilot < customers) {
      const elasticity = Math.log(expected(kappa * 1.1, pilot) / expected(kappa / 1.1, pilot)) / Math.log(1.21);
      kappa *= Math.pow(target / expected(kappa, customers), 1 / Math.max(elasticity, 0.05));
    }
    context.kappa = Number(kappa.toPrecision(6));
    calibration = {
      pilotCustomers: pilot,
      pilotKappa: Number(pilotKappa.toPrecision(6)),
      expectedTransactions: Math.round(expected(context.kappa, customers)),
    };
  }
  return { config: resolved, calendar, merchants, context, kappa: context.kappa, calibration };
}

/** Counts accumulated while a bank streams out (all money in kopecks). */
export interface BankSummary {
  customers: number;
  customersWithTransactions: number;
  relationships: number;
  /** Relationships whose dropout happened inside the window. */
  dropoutsInWindow: number;
  switches: number;
  purchases: number;
  refunds: number;
  transactions: number;
  purchaseMinor: number;
  refundMinor: number;
  /** Per MCC; `lambdaSum`/`lambdaSumSq`/`pSum`/`pSumSq` over relationships give the realised moments of λ and p. */
  byMcc: Record<
    string,
    {
      relationships: number;
      purchases: number;
      refunds: number;
      purchaseMinor: number;
      lambdaSum: number;
      lambdaSumSq: number;
      pSum: number;
      pSumSq: number;
    }
  >;
  byMerchant: Record<
    string,
    { purchases: number; refunds: number; purchaseMinor: number; refundMinor: number; customers: number }
  >;
}

/** One item of the bank's stream, in this order: merchants, then per customer its record and transactions, then end. */
export type BankRecord =
  | { type: "merchant"; merchant: MerchantTruth }
  | {
      type: "customer";
      customer: SyntheticCustomer;
      truth: CustomerTruth;
      relationships: RelationshipTruth[];
      switches: SwitchEvent[];
    }
  | { type: "transaction"; transaction: SyntheticTransaction }
  | { type: "end"; plan: BankPlan; summary: BankSummary };

/**
 * The synthetic bank as a stream: merchants, then customer by customer (its record with the
 * planted truths, then its transactions in local-time order), then an `end` record with the
 * plan and summary. Memory is one customer's transactions at a time. Deterministic in the
 * config: the same config yields the same records.
 *
 * Generative model (docs/synthetic-bank.md): BG/NBD per customer × MCC (Fader, Hardie & Lee,
 * "'Counting your customers' the easy way", Marketing Science 24(2), 2005) with λ ~ Gamma(r, α/κ)
 * and dropout p from Beta(a, b) plus logistic churn drivers, seasonal intensity by thinning,
 * favourite merchant with monthly switching, cross-shopping, lognormal checks.
 */
export function* generateBank(input: BankConfig | BankPlan = {}): Generator<BankRecord, void, undefined> {
  const plan = isPlan(input) ? input : planBank(input);
  const summary = emptySummary(plan.merchants);
  for (const merchant of plan.merchants) yield { type: "merchant", merchant };
  for (let ordinal = 0; ordinal < plan.config.customers; ordinal++) {
    const c = simulateCustomer(plan.context, ordinal);
    yield { type: "customer", customer: c.customer, truth: c.truth, relationships: c.relationships, switches: c.switches };
    summary.customers += 1;
    summary.relationships += c.relationships.length;
    summary.switches += c.switches.length;
    for (const r of c.relationships) {
      const mcc = summary.byMcc[r.mcc];
      mcc.relationships += 1;
      mcc.lambdaSum += r.lambda;
      mcc.lambdaSumSq += r.lambda * r.lambda;
      mcc.pSum += r.p;
      mcc.pSumSq += r.p * r.p;
      if (r.dropoutDay !== null && r.dropoutDay >= 0) summary.dropoutsInWindow += 1;
    }
    if (c.transactions.length > 0) summary.customersWithTransactions += 1;
    const seen = new Set<string>();
    for (const t of c.transactions) {
      const m = summary.byMerchant[t.merchantId];
      const mcc = summary.byMcc[plan.merchants[merchantOrdinal(t.merchantId)].mcc];
      if (t.kind === "purchase") {
        summary.purchases += 1;
        summary.purchaseMinor += t.amountMinor;
        m.purchases += 1;
        m.purchaseMinor += t.amountMinor;
        mcc.purchases += 1;
        mcc.purchaseMinor += t.amountMinor;
      } else {
        summary.refunds += 1;
        summary.refundMinor += t.amountMinor;
        m.refunds += 1;
        m.refundMinor += t.amountMinor;
        mcc.refunds += 1;
      }
      if (!seen.has(t.merchantId)) {
        seen.add(t.merchantId);
        m.customers += 1;
      }
      yield { type: "transaction", transaction: t };
    }
    summary.transactions += c.transactions.length;
  }
  yield { type: "end", plan, summary };
}

function merchantOrdinal(bankMerchantId: string): number {
  return Number(bankMerchantId.slice(2)) - 101;
}

function isPlan(x: BankConfig | BankPlan): x is BankPlan {
  return "context" in x && "calendar" in x;
}

function emptySummary(merchants: readonly MerchantTruth[]): BankSummary {
  const byMcc: BankSummary["byMcc"] = {};
  for (const p of MCCS) {
    byMcc[p.mcc] = { relationships: 0, purchases: 0, refunds: 0, purchaseMinor: 0, lambdaSum: 0, lambdaSumSq: 0, pSum: 0, pSumSq: 0 };
  }
  const byMerchant: BankSummary["byMerchant"] = {};
  for (const m of merchants) byMerchant[m.bankMerchantId] = { purchases: 0, refunds: 0, purchaseMinor: 0, refundMinor: 0, customers: 0 };
  return {
    customers: 0,
    customersWithTransactions: 0,
    relationships: 0,
    dropoutsInWindow: 0,
    switches: 0,
    purchases: 0,
    refunds: 0,
    transactions: 0,
    purchaseMinor: 0,
    refundMinor: 0,
    byMcc,
    byMerchant,
  };
}

/**
 * The planted truths as one JSON-able object (truths.json): config, calibration, every model
 * parameter as used (seasonality normalised), merchants with their latent parameters, peer
 * groups and the realised summary. Per-customer truths live in the CSVs named under `files`.
 */
export function buildTruths(plan: BankPlan, summary: BankSummary, files: Record<string, unknown> = {}) {
  const kappa = plan.kappa;
  const groups = [...peerGroups(plan.merchants).entries()].map(([key, list]) => {
    const [mcc, region] = key.split("|");
    // Realised revenue shares: which groups pass the privacy rule "no peer above 25 %".
    const revenue = list.map((m) => summary.byMerchant[m.bankMerchantId].purchaseMinor);
    const total = revenue.reduce((s, x) => s + x, 0);
    return {
      mcc,
      region,
      merchants: list.map((m) => m.bankMerchantId),
      size: list.length,
      maxRevenueShare: total > 0 ? round4(Math.max(...revenue) / total) : null,
    };
  });
  return {
    generator: GENERATOR_VERSION,
    config: plan.config,
    window: {
      start: plan.calendar.start,
      endExclusive: plan.calendar.end,
      days: plan.calendar.days,
      burnInDays: plan.calendar.burnIn,
      dayIndex: "window day 0 = start (merchant-local date); negative = before the window",
      utcOffsets: Object.fromEntries(CITIES.map((c) => [c.timeZone, plan.merchants.find((m) => m.timeZone === c.timeZone)?.utcOffset])),
    },
    calibration: { kappa, ...plan.calibration },
    bgnbd: {
      unit: "purchases per day; α in days",
      note: "λ = κ λ0 with λ0 ~ Gamma(r, α), so λ ~ Gamma(r, α/κ); u ~ Beta(a, b); p = sigmoid(logit u + churn drivers); dropout right after repeat purchase J ~ Geometric(p)",
      byMcc: MCCS.map((p) => ({
        mcc: p.mcc,
        label: p.label,
        r: p.r,
        alpha: p.alpha / kappa,
        alpha0: p.alpha,
        a: p.a,
        b: p.b,
        meanLambdaPerDay: p.r / (p.alpha / kappa),
        meanU: p.a / (p.a + p.b),
        realised: realisedMoments(summary.byMcc[p.mcc]),
      })),
    },
    churnDrivers: {
      model: "logit p = logit u + Σ beta_k (x_k − centre_k); x: attraction c, payroll (0/1), ageDecades = (age − 45)/10, premium (0/1)",
      coefficients: CHURN_DRIVERS,
    },
    switching: {
      model:
        "c ~ Beta(attractionA, attractionB); cross-shopping share s = crossShareBase + crossShareSlope c; monthly switch probability h = 1 − exp(−(switchBase + switchSlope c)), tried on each 1st of month while alive; new favourite ∝ merchant weight among open peers; purchases in the driftDays before a switch go to the next favourite with probability rising linearly to driftMax",
      ...SWITCHING,
    },
    seasonality: MCCS.map((p) => ({
      mcc: p.mcc,
      weeklyMondayFirst: normalise(p.weekly).map(round4),
      monthlyJanuaryFirst: normalise(p.monthly).map(round4),
      specialDays: p.specialDays,
      hourlyOfflineWeights: p.hourly,
    })),
    onlineHourlyWeights: ONLINE_HOURLY,
    channels: {
      model: "P(online) = min(cap, onlineShare_mcc × merchant.onlineFactor × customer.onlinePropensity)",
      onlineShareByMcc: Object.fromEntries(MCCS.map((p) => [p.mcc, p.onlineShare])),
      ...ONLINE,
    },
    spend: {
      model: "amount_minor = round(merchant.medianCheckMinor × m × exp(checkSigma_mcc Z)); log m = Σ effects + sd N(0,1)",
      ...SPEND,
      checkSigmaByMcc: Object.fromEntries(MCCS.map((p) => [p.mcc, p.checkSigma])),
    },
    refunds: {
      model: "each purchase is refunded with refundRate_mcc, on day + minDelayDays + floor(Exp(mean meanExtraDelayDays)); full with fullShare else uniform partialMin..partialMax; censored at the window end; id = purchase id with R instead of T",
      refundRateByMcc: Object.fromEntries(MCCS.map((p) => [p.mcc, p.refundRate])),
      ...REFUNDS,
    },
    adoption: MCCS.map((p) => ({ mcc: p.mcc, base: p.adoption, logOddsEffects: p.adoptionEffects })),
    demographics: DEMOGRAPHICS,
    acquisition: ACQUISITION,
    campaignHook: {
      model: "ρ = N(0,1) + under35 + payroll + female; a planted campaign derives treatment and uplift from ρ with stream purpose `campaign`",
      ...CAMPAIGN_HOOK,
      streams: STREAM,
    },
    merchants: plan.merchants,
    peerGroups: groups,
    summary,
    files,
  };
}

/**
 * Moments of the λ and p actually drawn in one MCC, and the Gamma(r, α) and Beta(a, b) with the
 * same mean and variance (method of moments): the population a BG/NBD fit should recover, since
 * the churn drivers make p a logit-shifted Beta rather than Beta(a, b) itself.
 */
function realisedMoments(m: BankSummary["byMcc"][string]) {
  const n = m.relationships;
  if (n < 2) return { relationships: n };
  const lambdaMean = m.lambdaSum / n;
  const lambdaVar = (m.lambdaSumSq - n * lambdaMean * lambdaMean) / (n - 1);
  const pMean = m.pSum / n;
  const pVar = (m.pSumSq - n * pMean * pMean) / (n - 1);
  const common = (pMean * (1 - pMean)) / pVar - 1;
  const sig = (x: number) => Number(x.toPrecision(6));
  return {
    relationships: n,
    lambdaMean: sig(lambdaMean),
    lambdaVariance: sig(lambdaVar),
    rMoments: sig((lambdaMean * lambdaMean) / lambdaVar),
    alphaMoments: sig(lambdaMean / lambdaVar),
    pMean: sig(pMean),
    pVariance: sig(pVar),
    aMoments: sig(pMean * common),
    bMoments: sig((1 - pMean) * common),
  };
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
