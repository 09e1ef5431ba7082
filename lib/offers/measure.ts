import { cupedDifference, type CupedDifference, type DifferenceInterval } from "@/lib/models/cuped";
import { compareProportions, type LiftEstimate } from "@/lib/models/upliftStats";
import { complementarySuppression, MIN_CELL_CUSTOMERS } from "@/lib/privacy/suppression";
import type { Arm } from "./assign";

/*
 * Measurement of an offer after its window (docs/offers.md, "Measurement"). Pure: the job
 * (./job.ts) reads the units from the bank's transactions and hands them here.
 *
 * Per variant against the holdout:
 * - incremental revenue and visits per treated customer: CUPED (Deng, Xu, Kohavi & Walker 2013,
 *   lib/models/cuped.ts) with the same metric over the pre-period as covariate, Welch 95 %
 *   interval; the plain difference of means beside it;
 * - totals: the per-customer effect × treated customers (interval scaled alike);
 * - cost: the cashback the bank accrued to the treated customers, computed per transaction
 *   (exact, not estimated); ROI = (incremental revenue − cost) / cost, its interval from the
 *   incremental revenue's (cost is known);
 * - the purchase rate's lift (Newcombe interval, lib/models/upliftStats): the net share of
 *   persuadables, i.e. persuadables minus do-not-disturb among the treated (only their
 *   difference is identified by a randomized test: Radcliffe & Surry 2011, §2);
 * - effects by stratum (segment), released only when every arm of the cell has ≥ 5 customers,
 *   with complementary suppression (lib/privacy/suppression.ts).
 */

/** One customer of a measured offer. Money in minor units. */
export interface OfferUnit {
  customerId: number;
  arm: Arm;
  stratum: string;
  preRevenueMinor: number;
  preVisits: number;
  revenueMinor: number;
  visits: number;
  /** Cashback (or bonus) accrued in the window, minor units; 0 for the holdout. */
  cashbackMinor: number;
}

/** An effect: per treated customer and in total over the variant's customers, with intervals. */
interface Effect {
  perCustomer: number;
  perCustomerCi: DifferenceInterval;
  total: number;
  totalCi: DifferenceInterval;
  /** Width of the plain difference's interval ÷ width of CUPED's (> 1: CUPED is narrower). */
  narrowing: number;
  /** The plain difference of means (no covariate): estimate and interval, per customer. */
  plain: { perCustomer: number; ci: DifferenceInterval };
  theta: number;
  varianceReduction: number;
  pValue: number;
  treatmentMean: number;
  controlMean: number;
}

/** One stratum's effect (released) or its suppression. */
export interface SegmentEffect {
  segment: string;
  suppressed: boolean;
  treatment: number | null;
  control: number | null;
  revenue: { perCustomer: number; ci: DifferenceInterval } | null;
  visits: { perCustomer: number; ci: DifferenceInterval } | null;
}

/** One variant's measured result. */
export interface VariantResult {
  arm: 1 | 2;
  treatment: number;
  control: number;
  revenue: Effect;
  visits: Effect;
  purchaseRate: LiftEstimate;
  /**
   * Persuadables among the treated: `net` = the purchase rate's lift (persuadables minus
   * do-not-disturb who were moved across "bought at all"; the only share a randomized test
   * identifies without a model), and `inSegments` = the share of treated customers in released
   * segments whose revenue effect's interval lies above 0.
   */
  persuadableShare: { net: number; netCi: DifferenceInterval; inSegments: number };
  costMinor: number;
  /** Incremental revenue − cost, minor units, with interval. */
  netMinor: { estimate: number; ci: DifferenceInterval };
  /** (incremental revenue − cost) / cost; null when nothing was paid. */
  roi: { estimate: number; ci: DifferenceInterval } | null;
  segments: SegmentEffect[];
}

/** The measurement of an offer. */
export interface OfferMeasurement {
  customers: number;
  holdout: number;
  variants: VariantResult[];
}

function effect(d: CupedDifference, n: number): Effect {
  const plainWidth = d.plain.ci.upper - d.plain.ci.lower;
  const width = d.ci.upper - d.ci.lower;
  return {
    perCustomer: d.difference,
    perCustomerCi: d.ci,
    total: d.difference * n,
    totalCi: { lower: d.ci.lower * n, upper: d.ci.upper * n },
    narrowing: width > 0 ? plainWidth / width : 1,
    plain: { perCustomer: d.plain.difference, ci: d.plain.ci },
    theta: d.theta,
    varianceReduction: d.varianceReduction,
    pValue: d.pValue,
    treatmentMean: d.treatment,
    controlMean: d.control,
  };
}

function cuped(t: readonly OfferUnit[], c: readonly OfferUnit[], metric: "revenue" | "visits"): CupedDifference {
  const y = (u: OfferUnit) => (metric === "revenue" ? u.revenueMinor : u.visits);
  const x = (u: OfferUnit) => (metric === "revenue" ? u.preRevenueMinor : u.preVisits);
  return cupedDifference(t.map(y), t.map(x), c.map(y), c.map(x));
}

/**
 * Measures every variant present in `units` against the holdout.
 * @throws RangeError when the holdout or a variant has fewer than MIN_CELL_CUSTOMERS customers
 *   (nothing is released about so small a group) or a unit has a negative or non-finite figure
 */
export function measureOffer(units: readonly OfferUnit[]): OfferMeasurement {
  for (const u of units) {
    for (const v of [u.preRevenueMinor, u.preVisits, u.revenueMinor, u.visits, u.cashbackMinor]) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`measureOffer: customer ${u.customerId} has an invalid figure ${v}`);
    }
  }
  const control = units.filter((u) => u.arm === 0);
  if (control.length < MIN_CELL_CUSTOMERS) throw new RangeError(`measureOffer: the holdout has ${control.length} customers (< ${MIN_CELL_CUSTOMERS})`);
  const variants: VariantResult[] = [];
  for (const arm of [1, 2] as const) {
    const treated = units.filter((u) => u.arm === arm);
    if (treated.length === 0) continue;
    if (treated.length < MIN_CELL_CUSTOMERS) throw new RangeError(`measureOffer: variant ${arm} has ${treated.length} customers (< ${MIN_CELL_CUSTOMERS})`);
    const revenue = effect(cuped(treated, control, "revenue"), treated.length);
    const visits = effect(cuped(treated, control, "visits"), treated.length);
    const bought = (g: readonly OfferUnit[]) => g.filter((u) => u.visits > 0).length;
    const purchaseRate = compareProportions(bought(treated), treated.length, bought(control), control.length);
    const segments = segmentEffects(treated, control);
    const costMinor = treated.reduce((s, u) => s + u.cashbackMinor, 0);
    const netMinor = { estimate: revenue.total - costMinor, ci: { lower: revenue.totalCi.lower - costMinor, upper: revenue.totalCi.upper - costMinor } };
    const roi =
      costMinor > 0
        ? { estimate: netMinor.estimate / costMinor, ci: { lower: netMinor.ci.lower / costMinor, upper: netMinor.ci.upper / costMinor } }
        : null;
    variants.push({
      arm,
      treatment: treated.length,
      control: control.length,
      revenue,
      visits,
      purchaseRate,
      persuadableShare: {
        net: purchaseRate.absolute,
        netCi: purchaseRate.ci,
        inSegments: segments.reduce((s, g) => s + (g.revenue && g.revenue.ci.lower > 0 ? g.treatment! : 0), 0) / treated.length,
      },
      costMinor,
      netMinor,
      roi,
      segments,
    });
  }
  return { customers: units.length, holdout: control.length, variants };
}

function segmentEffects(treated: readonly OfferUnit[], control: readonly OfferUnit[]): SegmentEffect[] {
  const names = [...new Set([...treated, ...control].map((u) => u.stratum))].sort();
  const t = names.map((s) => treated.filter((u) => u.stratum === s));
  const c = names.map((s) => control.filter((u) => u.stratum === s));
  const hidden = complementarySuppression([t.map((g) => g.length), c.map((g) => g.length)]);
  return names.map((segment, i) => {
    if (hidden[i]) return { segment, suppressed: true, treatment: null, control: null, revenue: null, visits: null };
    const r = cuped(t[i], c[i], "revenue");
    const v = cuped(t[i], c[i], "visits");
    return {
      segment,
      suppressed: false,
      treatment: t[i].length,
      control: c[i].length,
      revenue: { perCustomer: r.difference, ci: r.ci },
      visits: { perCustomer: v.difference, ci: v.ci },
    };
  });
}

/** A row of the bank's table "identifier, action, effect". */
export interface CustomerEffectRow {
  customerId: number;
  arm: 1 | 2;
  /** Expected incremental revenue of the action for this customer, minor units (its segment's CUPED effect). */
  effectMinor: number;
  category: "persuadable" | "do-not-disturb" | "sure thing" | "lost cause";
}

/**
 * The bank's table "identifier, action, effect" for the treated customers: each customer gets its
 * segment's measured effect (a stratified CATE); the category is persuadable when the segment's
 * interval is above 0, do-not-disturb when below, else sure thing (the segment's holdout bought
 * at ≥ 50 %) or lost cause. Suppressed segments get the variant's overall effect. For the bank
 * only: identities never reach the merchant.
 */
export function customerEffects(units: readonly OfferUnit[], measurement: OfferMeasurement): CustomerEffectRow[] {
  const rows: CustomerEffectRow[] = [];
  for (const v of measurement.variants) {
    const bySegment = new Map(v.segments.map((s) => [s.segment, s]));
    const controlRate = new Map<string, number>();
    for (const s of v.segments) {
      const c = units.filter((u) => u.arm === 0 && u.stratum === s.segment);
      controlRate.set(s.segment, c.length > 0 ? c.filter((u) => u.visits > 0).length / c.length : 0);
    }
    for (const u of units) {
      if (u.arm !== v.arm) continue;
      const s = bySegment.get(u.stratum);
      const e = s?.revenue ?? { perCustomer: v.revenue.perCustomer, ci: v.revenue.perCustomerCi };
      const category =
        e.ci.lower > 0 ? "persuadable" : e.ci.upper < 0 ? "do-not-disturb" : (controlRate.get(u.stratum) ?? 0) >= 0.5 ? "sure thing" : "lost cause";
      rows.push({ customerId: u.customerId, arm: v.arm, effectMinor: Math.round(e.perCustomer), category });
    }
  }
  return rows;
}
