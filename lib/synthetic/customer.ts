import type { Calendar } from "./calendar";
import { merchantWeight, type MerchantTruth } from "./merchants";
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
  type MccParams,
} from "./model";
import { stream, type Rng } from "@/lib/models/prng";
import { beta, Categorical, exponential, gamma, normal, pickWeighted } from "@/lib/models/samplers";

type Gender = "female" | "male";
type MaritalStatus = "single" | "married" | "divorced" | "widowed";

/** A customer as the customers CSV carries it: any attribute may be unknown (null). */
export interface SyntheticCustomer {
  /** Pseudonymous bank customer id, 'C0000001' (ordinal + 1, seven digits). */
  customerId: string;
  gender: Gender | null;
  birthYear: number | null;
  maritalStatus: MaritalStatus | null;
  isPayroll: boolean | null;
  isCorporate: boolean | null;
  isPremium: boolean | null;
  region: string | null;
}

/** The customer's true (never missing) attributes and latent traits. */
export interface CustomerTruth {
  customerId: string;
  ordinal: number;
  gender: Gender;
  birthYear: number;
  /** Age in whole years at the window's end. */
  age: number;
  maritalStatus: MaritalStatus;
  isPayroll: boolean;
  isCorporate: boolean;
  isPremium: boolean;
  region: string;
  /** Window day (fractional) the customer joined the bank; negative: before the window. */
  joinDay: number;
  /** Multiplier m of every check (lognormal, see SPEND). */
  spendMultiplier: number;
  /** Multiplier g of the online share (see ONLINE). */
  onlinePropensity: number;
  /** Latent campaign responsiveness ρ (see CAMPAIGN_HOOK); unused until a campaign is planted. */
  campaignResponsiveness: number;
}

/** One customer × MCC relationship: the BG/NBD latent variables and what they produced. */
export interface RelationshipTruth {
  customerId: string;
  mcc: string;
  /** Window day (fractional) of the relationship's first purchase; may be < 0 or >= days. */
  startDay: number;
  /** Purchase rate before calibration, per day: λ0 ~ Gamma(r, α) of the MCC. */
  lambda0: number;
  /** Purchase rate used, per day: λ = κ λ0, i.e. λ ~ Gamma(r, α/κ). */
  lambda: number;
  /** Base dropout draw u ~ Beta(a, b). */
  u: number;
  /** Dropout probability after each repeat purchase: logit p = logit u + churn drivers. */
  p: number;
  /** Competitor attraction c ~ Beta(2, 5). */
  attraction: number;
  /** Share of purchases made at peers other than the favourite. */
  crossShare: number;
  /** Monthly probability of switching favourite. */
  switchHazard: number;
  /** Window day of dropout (floor of the time of the last purchase), null if alive at the end. */
  dropoutDay: number | null;
  /** Bank merchant id of the favourite on the first day the relationship exists in the window (null: no peer). */
  favouriteAtStart: string | null;
  favouriteAtEnd: string | null;
  switches: number;
  /** Purchases in the window (refunds not counted). */
  purchases: number;
}

/** A planted change of favourite merchant, effective from local window day `day` (a 1st of month). */
export interface SwitchEvent {
  customerId: string;
  mcc: string;
  day: number;
  date: string;
  from: string;
  to: string;
}

/** A transaction as the transactions CSV carries it, plus the window day for convenience. */
export interface SyntheticTransaction {
  /**
   * 'T' + 7-digit customer ordinal + 5-digit sequence for purchases; a refund's id is its
   * purchase's id with 'R' instead of 'T', so every refund names the purchase it reverses.
   */
  transactionId: string;
  /** Bank merchant id. */
  merchantId: string;
  /** Bank customer id. */
  customerId: string;
  /** Positive integer kopecks; the sign comes from `kind`. */
  amountMinor: number;
  currency: "RUB";
  /** Merchant-local ISO 8601 time with the zone's fixed offset. */
  occurredAt: string;
  channel: "online" | "offline";
  kind: "purchase" | "refund";
  /** Id of the purchase a refund reverses (null for purchases). Not a CSV column. */
  refundOf: string | null;
  /** Window day index of the local date. Not a CSV column. */
  day: number;
}

/** Per-MCC lookup tables shared by all customers of a bank. */
export interface MccTables {
  params: MccParams;
  /** Seasonal intensity multiplier w(day) for window days −burnIn..days−1, at index day + burnIn. */
  intensity: Float64Array;
  /** max intensity (the thinning envelope). */
  intensityMax: number;
  offlineHours: Categorical;
  onlineHours: Categorical;
}

/** Everything simulateCustomer needs, built once per bank by planBank. */
export interface SimulationContext {
  seed: number;
  calendar: Calendar;
  merchants: readonly MerchantTruth[];
  /** peers[cityIndex][mccIndex]: merchants of that MCC in that region. */
  peers: MerchantTruth[][][];
  mccTables: MccTables[];
  /** Calibration factor κ multiplying every λ0. */
  kappa: number;
}

const REGION_PICKER = new Categorical(CITIES.map((c) => c.customerShare));
const MARITAL: MaritalStatus[] = ["single", "married", "divorced", "widowed"];
const MARITAL_PICKERS = DEMOGRAPHICS.maritalByAge.map((band) => new Categorical(band.p));
const ONLINE_PICKER = new Categorical(ONLINE_HOURLY);

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
function logit(p: number): number {
  return Math.log(p / (1 - p));
}
function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Customer id of an ordinal: 'C' + seven digits of ordinal + 1. */
function customerIdOf(ordinal: number): string {
  return `C${String(ordinal + 1).padStart(7, "0")}`;
}

/** Seasonal intensity tables of each MCC over the calendar (weekly × monthly × special days). */
export function buildMccTables(calendar: Calendar): MccTables[] {
  return MCCS.map((params) => {
    const weekly = normalise(params.weekly);
    const monthly = normalise(params.monthly);
    const n = calendar.burnIn + calendar.days;
    const intensity = new Float64Array(n);
    let max = 0;
    for (let k = 0; k < n; k++) {
      const month = calendar.month[k];
      const dom = calendar.dayOfMonth[k];
      let w = weekly[calendar.dayOfWeek[k]] * monthly[month];
      for (const s of params.specialDays) {
        if (s.month === month + 1 && dom >= s.from && dom <= s.to) w *= s.factor;
      }
      intensity[k] = w;
      if (w > max) max = w;
    }
    return {
      params,
      intensity,
      intensityMax: max,
      offlineHours: new Categorical(params.hourly),
      onlineHours: ONLINE_PICKER,
    };
  });
}

/** Scales weights to mean 1. */
export function normalise(weights: readonly number[]): number[] {
  const mean = weights.reduce((s, w) => s + w, 0) / weights.length;
  return weights.map((w) => w / mean);
}

interface Traits {
  truth: CustomerTruth;
  visible: SyntheticCustomer;
  cityIndex: number;
  relationships: LatentRelationship[];
}

interface LatentRelationship {
  mccIndex: number;
  startDay: number;
  lambda0: number;
  u: number;
  p: number;
  attraction: number;
  crossShare: number;
  switchHazard: number;
  /** Repeat purchases after which the customer drops out: J ~ Geometric(p) on 1, 2, ... */
  lifetimeRepeats: number;
}

/** Draws demographics and latent traits of customer `ordinal` from stream (seed, traits, ordinal). */
function drawTraits(ctx: SimulationContext, ordinal: number): Traits {
  const rng = stream(ctx.seed, STREAM.traits, ordinal);
  const cal = ctx.calendar;
  const cityIndex = REGION_PICKER.draw(rng);
  const city = CITIES[cityIndex];
  const female = rng.chance(DEMOGRAPHICS.femaleShare);
  const age = Math.min(
    DEMOGRAPHICS.ageMax,
    Math.max(DEMOGRAPHICS.ageMin, Math.round(DEMOGRAPHICS.ageMean + DEMOGRAPHICS.ageSd * normal(rng))),
  );
  const band = DEMOGRAPHICS.maritalByAge.findIndex((b) => age < b.below);
  const marital = MARITAL[MARITAL_PICKERS[band].draw(rng)];
  const payroll = rng.chance(age >= 23 && age <= 60 ? DEMOGRAPHICS.payrollWorkingAge : DEMOGRAPHICS.payrollOther);
  const corporate = rng.chance(payroll ? DEMOGRAPHICS.corporateIfPayroll : DEMOGRAPHICS.corporateOther);
  const pl = DEMOGRAPHICS.premiumLogit;
  const premium = rng.chance(
    sigmoid(pl.intercept + (payroll ? pl.payroll : 0) + (age >= 35 && age < 60 ? pl.age35to59 : 0) + (corporate ? pl.corporate : 0)),
  );
  const miss = () => rng.chance(DEMOGRAPHICS.missingShare);
  const missing = [miss(), miss(), miss(), miss(), miss(), miss(), rng.chance(DEMOGRAPHICS.missingRegionShare)];

  const joinDay = rng.chance(ACQUISITION.existingShare)
    ? -rng.next() * ACQUISITION.existingMaxDaysBefore
    : rng.next() * cal.days;
  const single = marital === "single";
  const logSpend =
    (premium ? SPEND.premium : 0) +
    (payroll ? SPEND.payroll : 0) +
    (single ? SPEND.single : 0) +
    (age < 25 ? SPEND.under25 : age >= 35 && age <= 55 ? SPEND.age35to55 : age > 65 ? SPEND.over65 : 0) +
    SPEND.sd * normal(rng);
  const onlinePropensity = Math.exp(ONLINE.sd * normal(rng) + (age < 35 ? ONLINE.under35 : age > 60 ? ONLINE.over60 : 0));
  const responsiveness =
    normal(rng) + (age < 35 ? CAMPAIGN_HOOK.under35 : 0) + (payroll ? CAMPAIGN_HOOK.payroll : 0) + (female ? CAMPAIGN_HOOK.female : 0);

  const ageDecades = (age - 45) / 10;
  const churnShift =
    CHURN_DRIVERS.payroll.beta * ((payroll ? 1 : 0) - CHURN_DRIVERS.payroll.centre) +
    CHURN_DRIVERS.ageDecades.beta * (ageDecades - CHURN_DRIVERS.ageDecades.centre) +
    CHURN_DRIVERS.premium.beta * ((premium ? 1 : 0) - CHURN_DRIVERS.premium.centre);

  const relationships: LatentRelationship[] = [];
  MCCS.forEach((params, mccIndex) => {
    if (ctx.peers[cityIndex][mccIndex].length === 0) return;
    const e = params.adoptionEffects;
    const adoptLogit =
      logit(params.adoption) +
      (female ? (e.female ?? 0) : 0) +
      (age < 35 ? (e.young ?? 0) : 0) +
      (age >= 60 ? (e.senior ?? 0) : 0) +
      (premium ? (e.premium ?? 0) : 0) +
      (single ? (e.single ?? 0) : 0);
    if (!rng.chance(sigmoid(adoptLogit))) return;
    const lambda0 = gamma(rng, params.r, params.alpha);
    const u = beta(rng, params.a, params.b);
    const attraction = beta(rng, SWITCHING.attractionA, SWITCHING.attractionB);
    const p = sigmoid(
      logit(u) + churnShift + CHURN_DRIVERS.attraction.beta * (attraction - CHURN_DRIVERS.attraction.centre),
    );
    // Inversion of the geometric law P(J = j) = p (1 − p)^(j−1): BG/NBD's dropout after the j-th repeat purchase.
    const lifetimeRepeats = p >= 1 ? 1 : 1 + Math.floor(Math.log(rng.next()) / Math.log1p(-p));
    const startDay = joinDay + exponential(rng, 1 / ACQUISITION.firstPurchaseLagMean);
    relationships.push({
      mccIndex,
      startDay,
      lambda0,
      u,
      p,
      attraction,
      crossShare: SWITCHING.crossShareBase + SWITCHING.crossShareSlope * attraction,
      switchHazard: 1 - Math.exp(-(SWITCHING.switchBase + SWITCHING.switchSlope * attraction)),
      lifetimeRepeats,
    });
  });

  const customerId = customerIdOf(ordinal);
  const birthYear = Number(cal.end.slice(0, 4)) - (cal.end.slice(5) === "01-01" ? 1 : 0) - age;
  const gender: Gender = female ? "female" : "male";
  return {
    cityIndex,
    relationships,
    truth: {
      customerId,
      ordinal,
      gender,
      birthYear,
      age,
      maritalStatus: marital,
      isPayroll: payroll,
      isCorporate: corporate,
      isPremium: premium,
      region: city.region,
      joinDay: Math.round(joinDay * 100) / 100,
      spendMultiplier: round4(Math.exp(logSpend)),
      onlinePropensity: round4(onlinePropensity),
      campaignResponsiveness: round4(responsiveness),
    },
    visible: {
      customerId,
      gender: missing[0] ? null : gender,
      birthYear: missing[1] ? null : birthYear,
      maritalStatus: missing[2] ? null : marital,
      isPayroll: missing[3] ? null : payroll,
      isCorporate: missing[4] ? null : corporate,
      isPremium: missing[5] ? null : premium,
      region: missing[6] ? null : city.region,
    },
  };
}

interface Timeline {
  /** Purchase times inside the window, ascending (fractional window days). */
  times: number[];
  /** Time of the purchase after which the customer dropped out, null if alive at the end. */
  dropoutTime: number | null;
}

/**
 * BG/NBD with seasonality: the first purchase at `startDay`; repeat purchases follow a Poisson
 * process of intensity κ λ0 w(t), simulated by thinning (Lewis & Shedler, "Simulation of
 * nonhomogeneous Poisson processes by thinning", Naval Res. Logistics Q. 26, 1979) under the
 * envelope κ λ0 max w; the customer drops out right after repeat purchase J.
 */
function drawTimeline(rng: Rng, rel: LatentRelationship, tables: MccTables, kappa: number, calendar: Calendar): Timeline {
  const days = calendar.days;
  const burnIn = calendar.burnIn;
  const times: number[] = [];
  let t = rel.startDay;
  if (t >= days) return { times, dropoutTime: null };
  if (t >= 0) times.push(t);
  const wMax = tables.intensityMax;
  const w = tables.intensity;
  const rate = kappa * rel.lambda0 * wMax;
  let repeats = 0;
  if (rate > 0) {
    while (repeats < rel.lifetimeRepeats) {
      t += -Math.log(rng.next()) / rate;
      if (t >= days) break;
      if (rng.next() * wMax >= w[Math.floor(t) + burnIn]) continue;
      repeats += 1;
      if (t >= 0) times.push(t);
    }
  }
  return { times, dropoutTime: repeats === rel.lifetimeRepeats ? t : null };
}

/**
 * Expected number of transactions (purchases in the window plus expected refunds) of customer
 * `ordinal` under calibration factor `kappa`. Uses the same streams as simulateCustomer, so
 * the calibration sees exactly the timelines the bank will have.
 */
export function expectedTransactions(ctx: SimulationContext, ordinal: number, kappa: number): number {
  const traits = drawTraits(ctx, ordinal);
  let total = 0;
  for (const rel of traits.relationships) {
    const tables = ctx.mccTables[rel.mccIndex];
    const rng = stream(ctx.seed, STREAM.timeline, ordinal, rel.mccIndex);
    const n = drawTimeline(rng, rel, tables, kappa, ctx.calendar).times.length;
    total += n * (1 + tables.params.refundRate);
  }
  return total;
}

/** Everything one customer contributes to the bank. */
export interface SimulatedCustomer {
  customer: SyntheticCustomer;
  truth: CustomerTruth;
  relationships: RelationshipTruth[];
  switches: SwitchEvent[];
  /** Time-ordered: purchases and refunds interleaved by local time. */
  transactions: SyntheticTransaction[];
}

interface PendingEvent {
  day: number;
  second: number;
  merchant: MerchantTruth;
  amountMinor: number;
  online: boolean;
  /** For a refund, the purchase it reverses. */
  purchase: PendingEvent | null;
  id: string;
}

/**
 * Simulates customer `ordinal`: demographics and traits, one BG/NBD timeline per MCC, favourite
 * merchant with monthly switching and pre-switch drift, cross-shopping, amounts, channels, local
 * times and refunds. Deterministic in (seed, ordinal, κ); customers are independent, so a bank
 * streams customer by customer.
 */
export function simulateCustomer(ctx: SimulationContext, ordinal: number): SimulatedCustomer {
  const cal = ctx.calendar;
  const traits = drawTraits(ctx, ordinal);
  const { truth } = traits;
  const relationships: RelationshipTruth[] = [];
  const switches: SwitchEvent[] = [];
  const events: PendingEvent[] = [];

  for (const rel of traits.relationships) {
    const tables = ctx.mccTables[rel.mccIndex];
    const params = tables.params;
    const peers = ctx.peers[traits.cityIndex][rel.mccIndex];
    // One stream per purpose and relationship: a change in one MCC's timeline (another κ, say)
    // leaves the other relationships' draws, and this one's favourite, untouched.
    const timelineRng = stream(ctx.seed, STREAM.timeline, ordinal, rel.mccIndex);
    const choiceRng = stream(ctx.seed, STREAM.choice, ordinal, rel.mccIndex);
    const detailRng = stream(ctx.seed, STREAM.details, ordinal, rel.mccIndex);
    const refundRng = stream(ctx.seed, STREAM.refunds, ordinal, rel.mccIndex);
    const timeline = drawTimeline(timelineRng, rel, tables, ctx.kappa, cal);
    const { times, dropoutTime } = timeline;

    // Favourite on the first window day the relationship exists, then monthly switches while alive.
    const firstDay = Math.max(0, Math.floor(rel.startDay));
    let favourite: MerchantTruth | null = null;
    const relSwitches: { day: number; from: MerchantTruth; to: MerchantTruth }[] = [];
    const inWindow = firstDay < cal.days && (dropoutTime === null || dropoutTime >= 0);
    if (inWindow) {
      favourite = pickPeer(choiceRng, peers, firstDay, null) ?? peers[0];
      let current = favourite;
      for (const b of cal.monthStarts) {
        if (b <= rel.startDay) continue;
        if (dropoutTime !== null && b > dropoutTime) break;
        if (!choiceRng.chance(rel.switchHazard)) continue;
        const next = pickPeer(choiceRng, peers, b, current);
        if (!next) continue;
        relSwitches.push({ day: b, from: current, to: next });
        current = next;
      }
    }

    let fav = favourite;
    let nextSwitch = 0;
    for (const t of times) {
      while (nextSwitch < relSwitches.length && relSwitches[nextSwitch].day <= t) {
        fav = relSwitches[nextSwitch].to;
        nextSwitch += 1;
      }
      const day = Math.floor(t);
      let merchant = fav ?? peers[0];
      const upcoming = relSwitches[nextSwitch];
      const driftStart = upcoming ? upcoming.day - SWITCHING.driftDays : Infinity;
      if (upcoming && t >= driftStart && choiceRng.chance((SWITCHING.driftMax * (t - driftStart)) / SWITCHING.driftDays)) {
        merchant = upcoming.to;
      } else if (peers.length > 1 && choiceRng.chance(rel.crossShare)) {
        merchant = pickPeer(choiceRng, peers, day, merchant) ?? merchant;
      }

      const amountMinor = Math.max(
        1,
        Math.round(merchant.medianCheckMinor * truth.spendMultiplier * Math.exp(params.checkSigma * normal(detailRng))),
      );
      const online = detailRng.chance(
        Math.min(ONLINE.cap, params.onlineShare * merchant.onlineFactor * truth.onlinePropensity),
      );
      const hours = online ? tables.onlineHours : tables.offlineHours;
      const second = hours.draw(detailRng) * 3600 + detailRng.int(3600);
      const purchase: PendingEvent = { day, second, merchant, amountMinor, online, purchase: null, id: "" };
      events.push(purchase);

      if (refundRng.chance(params.refundRate)) {
        const refundDay =
          day + REFUNDS.minDelayDays + Math.floor(exponential(refundRng, 1 / REFUNDS.meanExtraDelayDays));
        const share = refundRng.chance(REFUNDS.fullShare)
          ? 1
          : REFUNDS.partialMin + refundRng.next() * (REFUNDS.partialMax - REFUNDS.partialMin);
        const refundSecond = hours.draw(refundRng) * 3600 + refundRng.int(3600);
        // A refund after the window's end is censored: the bank has not seen it yet.
        if (refundDay < cal.days) {
          events.push({
            day: refundDay,
            second: refundSecond,
            merchant,
            amountMinor: Math.max(1, Math.round(amountMinor * share)),
            online,
            purchase,
            id: "",
          });
        }
      }
    }

    for (const s of relSwitches) {
      switches.push({
        customerId: truth.customerId,
        mcc: params.mcc,
        day: s.day,
        date: cal.date(s.day),
        from: s.from.bankMerchantId,
        to: s.to.bankMerchantId,
      });
    }
    const last = relSwitches.length > 0 ? relSwitches[relSwitches.length - 1].to : favourite;
    relationships.push({
      customerId: truth.customerId,
      mcc: params.mcc,
      startDay: Math.round(rel.startDay * 100) / 100,
      lambda0: rel.lambda0,
      lambda: rel.lambda0 * ctx.kappa,
      u: rel.u,
      p: rel.p,
      attraction: rel.attraction,
      crossShare: rel.crossShare,
      switchHazard: rel.switchHazard,
      dropoutDay: dropoutTime === null ? null : Math.floor(dropoutTime),
      favouriteAtStart: favourite ? favourite.bankMerchantId : null,
      favouriteAtEnd: last ? last.bankMerchantId : null,
      switches: relSwitches.length,
      purchases: times.length,
    });
  }

  // Stable sort: same-second events keep generation order, so ids stay deterministic.
  events.sort((x, y) => x.day - y.day || x.second - y.second);
  const prefix = truth.customerId.slice(1);
  let seq = 0;
  const transactions: SyntheticTransaction[] = events.map((e) => {
    if (e.purchase) {
      e.id = `R${e.purchase.id.slice(1)}`;
    } else {
      seq += 1;
      if (seq > 99_999) throw new RangeError(`customer ${truth.customerId}: more than 99,999 purchases`);
      e.id = `T${prefix}${String(seq).padStart(5, "0")}`;
    }
    return {
      transactionId: e.id,
      merchantId: e.merchant.bankMerchantId,
      customerId: truth.customerId,
      amountMinor: e.amountMinor,
      currency: "RUB",
      occurredAt: cal.isoLocal(e.day, e.second, e.merchant.utcOffset),
      channel: e.online ? "online" : "offline",
      kind: e.purchase ? "refund" : "purchase",
      refundOf: e.purchase ? e.purchase.id : null,
      day: e.day,
    };
  });

  return { customer: traits.visible, truth, relationships, switches, transactions };
}

/**
 * A peer open on `day`, drawn in proportion to merchantWeight, excluding `except`; null when
 * no other open peer exists.
 */
function pickPeer(rng: Rng, peers: readonly MerchantTruth[], day: number, except: MerchantTruth | null): MerchantTruth | null {
  const weights = peers.map((m) => (m === except ? 0 : merchantWeight(m, day)));
  if (!weights.some((w) => w > 0)) return null;
  return peers[pickWeighted(rng, weights)];
}
