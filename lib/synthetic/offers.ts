import { stream } from "@/lib/models/prng";
import { gamma, lognormal, poisson } from "@/lib/models/samplers";

/*
 * Planted offer responses for the synthetic bank (docs/offers.md, "Synthetic truth"). A separate,
 * deterministic step with its own streams: the bank generator (./bank.ts) draws nothing here, so
 * every existing seed keeps its exact outputs.
 *
 * Model. Each customer of a merchant's audience belongs to a segment and, within it, to one of the
 * four response types of uplift modelling (Radcliffe & Surry 2011, "Real-world uplift modelling
 * with significance-based uplift trees", Stochastic Solutions white paper 2011-1, §2):
 *   persuadable     buys more only when treated (visit rate × `treatedFactor` > 1)
 *   sure thing      buys as much either way
 *   lost cause      has left: buys almost nothing in the window either way
 *   do-not-disturb  buys less when treated (× `treatedFactor` < 1)
 * A customer's visit rate λ ~ Gamma(shape, mean = type's rate) per day; visits in the pre-period
 * ~ Poisson(λ · preDays); visits in the offer window ~ Poisson(λ · windowDays · windowFactor ·
 * (treated ? treatedFactor : 1)); each visit spends lognormal(log medianCheck_i, VISIT_SIGMA) with
 * the customer's median check lognormal(log CHECK_MEDIAN, CHECK_SIGMA). Because λ drives both
 * periods, the pre-period revenue is a strong covariate of the window's (what CUPED uses).
 *
 * Truth. The expected incremental revenue of treating one customer of segment s is
 *   windowDays · E[check] · Σ_type mix_s,type · rate_type · windowFactor_type · (treatedFactor_type − 1),
 * E[check] = CHECK_MEDIAN · exp((CHECK_SIGMA² + VISIT_SIGMA²) / 2) (lognormal mean), and the same
 * without E[check] for visits. {@link plantedOfferTruth} returns it per segment and overall.
 */

/** The four response types. */
const RESPONSE_TYPES = ["persuadable", "sureThing", "lostCause", "doNotDisturb"] as const;
/** One response type. */
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** Visit rate per day, window factor and treated factor of each response type. */
const RESPONSE_PARAMS: Readonly<Record<ResponseType, { rate: number; windowFactor: number; treatedFactor: number }>> = {
  persuadable: { rate: 0.08, windowFactor: 0.6, treatedFactor: 2.2 },
  sureThing: { rate: 0.15, windowFactor: 1, treatedFactor: 1 },
  lostCause: { rate: 0.06, windowFactor: 0.05, treatedFactor: 1 },
  doNotDisturb: { rate: 0.08, windowFactor: 1, treatedFactor: 0.7 },
};

/** Gamma shape of a customer's visit rate around its type's mean. */
const RATE_SHAPE = 4;
/** Median check per visit, minor units, and the log-sd between customers and between visits. */
const CHECK_MEDIAN = 80_000;
const CHECK_SIGMA = 0.35;
const VISIT_SIGMA = 0.3;

/** A segment of the audience and its mix of response types (shares sum to 1). */
interface OfferSegmentPlan {
  name: string;
  share: number;
  mix: Readonly<Record<ResponseType, number>>;
}

/** What one simulated audience looks like. */
export interface OfferSimulationConfig {
  seed: number;
  customers: number;
  /** Pre-period length, days (the covariate's period). */
  preDays: number;
  /** Offer window, days. */
  windowDays: number;
  segments: readonly OfferSegmentPlan[];
}

/** The default planted audience: four segments with known mixes. */
export const DEFAULT_OFFER_SIMULATION: OfferSimulationConfig = {
  seed: 16_001,
  customers: 4000,
  preDays: 180,
  windowDays: 28,
  segments: [
    { name: "lapsing", share: 0.3, mix: { persuadable: 0.7, sureThing: 0.05, lostCause: 0.2, doNotDisturb: 0.05 } },
    { name: "regular", share: 0.3, mix: { persuadable: 0.1, sureThing: 0.8, lostCause: 0.05, doNotDisturb: 0.05 } },
    { name: "gone", share: 0.2, mix: { persuadable: 0.05, sureThing: 0, lostCause: 0.95, doNotDisturb: 0 } },
    { name: "annoyed", share: 0.2, mix: { persuadable: 0.1, sureThing: 0.3, lostCause: 0.1, doNotDisturb: 0.5 } },
  ],
};

/** One purchase: day relative to the window's first day (negative = pre-period), amount in minor units. */
export interface SimulatedPurchase {
  day: number;
  amountMinor: number;
}

/** A customer of the simulated audience: segment, hidden response type and pre-period purchases. */
export interface SimulatedOfferCustomer {
  index: number;
  segment: string;
  type: ResponseType;
  /** Visits per day (hidden truth). */
  rate: number;
  /** Median check, minor units (hidden truth). */
  medianCheckMinor: number;
  pre: SimulatedPurchase[];
}

const STREAM_POPULATION = 0x6f666670; // "offp"
const STREAM_OUTCOME = 0x6f66666f; // "offo"

function checkMixes(config: OfferSimulationConfig) {
  const total = config.segments.reduce((s, g) => s + g.share, 0);
  if (Math.abs(total - 1) > 1e-9) throw new RangeError(`offer simulation: segment shares sum to ${total}, not 1`);
  for (const seg of config.segments) {
    const m = RESPONSE_TYPES.reduce((s, t) => s + seg.mix[t], 0);
    if (Math.abs(m - 1) > 1e-9) throw new RangeError(`offer simulation: the mix of ${seg.name} sums to ${m}, not 1`);
  }
}

function pick<T>(u: number, items: readonly T[], weight: (t: T) => number): T {
  for (let i = 0; i < items.length - 1; i++) {
    const w = weight(items[i]);
    if (u < w) return items[i];
    u -= w;
  }
  return items[items.length - 1];
}

/**
 * The audience: customer by customer, its segment, response type, rate, median check and
 * pre-period purchases (days −preDays … −1). Deterministic in (seed, index).
 * @throws RangeError when shares or mixes do not sum to 1
 */
export function simulateOfferAudience(config: OfferSimulationConfig = DEFAULT_OFFER_SIMULATION): SimulatedOfferCustomer[] {
  checkMixes(config);
  const out: SimulatedOfferCustomer[] = [];
  for (let i = 0; i < config.customers; i++) {
    const rng = stream(config.seed, STREAM_POPULATION, i);
    const seg = pick(rng.next(), config.segments, (s) => s.share);
    const type = pick(rng.next(), RESPONSE_TYPES, (t) => seg.mix[t]);
    const rate = gamma(rng, RATE_SHAPE, RATE_SHAPE / RESPONSE_PARAMS[type].rate);
    const medianCheckMinor = lognormal(rng, Math.log(CHECK_MEDIAN), CHECK_SIGMA);
    const pre = purchases(rng, rate * config.preDays, config.preDays, -config.preDays, medianCheckMinor);
    out.push({ index: i, segment: seg.name, type, rate, medianCheckMinor, pre });
  }
  return out;
}

function purchases(rng: ReturnType<typeof stream>, mean: number, days: number, firstDay: number, medianCheck: number): SimulatedPurchase[] {
  const k = poisson(rng, mean);
  const list: SimulatedPurchase[] = [];
  for (let v = 0; v < k; v++) {
    list.push({ day: firstDay + rng.int(days), amountMinor: Math.max(1, Math.round(lognormal(rng, Math.log(medianCheck), VISIT_SIGMA))) });
  }
  return list.sort((a, b) => a.day - b.day || a.amountMinor - b.amountMinor);
}

/**
 * The customer's purchases in the offer window (days 0 … windowDays − 1), treated or not: the
 * delivery simulation. Deterministic in (seed, index, treated), independent of everything else
 * drawn, so any assignment can be simulated after the fact.
 */
export function simulateOfferOutcome(config: OfferSimulationConfig, customer: SimulatedOfferCustomer, treated: boolean): SimulatedPurchase[] {
  const rng = stream(config.seed, STREAM_OUTCOME, customer.index, treated ? 1 : 0);
  const p = RESPONSE_PARAMS[customer.type];
  const mean = customer.rate * config.windowDays * p.windowFactor * (treated ? p.treatedFactor : 1);
  return purchases(rng, mean, config.windowDays, 0, customer.medianCheckMinor);
}

/** The planted effect of treating one customer: expected extra revenue (minor units) and visits. */
export interface PlantedEffect {
  revenueMinor: number;
  visits: number;
}

/**
 * The planted truth: expected incremental revenue and visits per treated customer, per segment and
 * for the whole audience (share-weighted), by the formula in this file's header.
 */
export function plantedOfferTruth(config: OfferSimulationConfig = DEFAULT_OFFER_SIMULATION): { overall: PlantedEffect; bySegment: Record<string, PlantedEffect> } {
  checkMixes(config);
  const meanCheck = CHECK_MEDIAN * Math.exp((CHECK_SIGMA ** 2 + VISIT_SIGMA ** 2) / 2);
  const bySegment: Record<string, PlantedEffect> = {};
  const overall: PlantedEffect = { revenueMinor: 0, visits: 0 };
  for (const seg of config.segments) {
    let visits = 0;
    for (const t of RESPONSE_TYPES) {
      const p = RESPONSE_PARAMS[t];
      visits += seg.mix[t] * p.rate * p.windowFactor * (p.treatedFactor - 1) * config.windowDays;
    }
    bySegment[seg.name] = { visits, revenueMinor: visits * meanCheck };
    overall.visits += seg.share * visits;
    overall.revenueMinor += seg.share * visits * meanCheck;
  }
  return { overall, bySegment };
}

/** Expected incremental revenue (minor units) of treating one customer of this response type (hidden truth). */
export function plantedCustomerEffect(config: OfferSimulationConfig, customer: SimulatedOfferCustomer): number {
  const p = RESPONSE_PARAMS[customer.type];
  const meanCheck = customer.medianCheckMinor * Math.exp(VISIT_SIGMA ** 2 / 2);
  return customer.rate * config.windowDays * p.windowFactor * (p.treatedFactor - 1) * meanCheck;
}

/**
 * A customer of an existing (loaded) merchant dressed with a planted response: its segment's mix
 * draws the response type (stream keyed by `key`, e.g. the bank customer's ordinal), the visit
 * rate is the observed pre-period rate `preVisits / preDays` (a floor of one visit per preDays so
 * that lost causes and persuadables can still respond) and the median check is the observed
 * average check (CHECK_MEDIAN when it bought nothing). Used to simulate an offer's outcome on
 * the synthetic bank's own merchants (scripts/cli/offers.ts `simulate`).
 * @throws RangeError for a segment the config does not have
 */
export function plantedCustomer(
  config: OfferSimulationConfig,
  key: number,
  segment: string,
  observed: { preVisits: number; preRevenueMinor: number },
): SimulatedOfferCustomer {
  const seg = config.segments.find((s) => s.name === segment);
  if (!seg) throw new RangeError(`offer simulation: no segment ${segment}`);
  const rng = stream(config.seed, STREAM_POPULATION, key, 1);
  const type = pick(rng.next(), RESPONSE_TYPES, (t) => seg.mix[t]);
  return {
    index: key,
    segment,
    type,
    rate: Math.max(1, observed.preVisits) / config.preDays,
    medianCheckMinor: observed.preVisits > 0 ? observed.preRevenueMinor / observed.preVisits : CHECK_MEDIAN,
    pre: [],
  };
}
