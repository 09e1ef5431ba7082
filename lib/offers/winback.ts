import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "@/db/client";
import type { WinBackSource } from "@/db/schema";
import { getLatestModelRun } from "@/lib/analytics/getModelResults";
import { merchantFilter } from "@/lib/analytics/scope";
import { poolSegmentOfferUnits } from "@/lib/privacy/offerUnits";
import type { PoolLevel } from "@/lib/privacy/pooledTraining";
import type { AnalyticsContext, MerchantRef } from "@/lib/tenancy/context";
import { withMerchantScope } from "@/lib/tenancy/scope";
import { selectAudience } from "./audience";
import { contactCurve, fitUpliftModel, rankWinBack, type QueueCustomer, type UpliftModel } from "./learn";
import type { OfferUnit } from "./measure";
import { loadMeasuredUnits } from "./units";

/*
 * The win-back queue's "what if you contact the top k" curve (docs/offers.md, "Learning"), kept
 * per merchant in `offer_winback` by the worker. Every customer the latest churn run scored is
 * ranked by P(churn) × CLV × expected relative uplift (./learn.ts, a stratified T-learner,
 * Künzel et al. 2019), and the curve gives, for the top 10 %, 20 %, … 100 %, the expected
 * incremental revenue Σ τ̂ of contacting them, beside the same number of customers taken from
 * today's list (P(churn) × CLV alone, the uplift ignored).
 *
 * Which uplift model (recorded in the row and said on the Churn page):
 *   own    the merchant's own measured offers hold at least MIN_OWN_PER_ARM customers in each of
 *          the treated and the held-out groups;
 *   pooled otherwise, the units of the measured offers of the merchants of its MCC segment,
 *          through lib/privacy/pooledTraining.ts (≥ 5 merchants with offers, the asker included;
 *          no merchant above 25 % of the rows; peers' customers anonymised). Only the curve over
 *          the merchant's own customers is stored: no peer figure, no pooled parameter;
 *   none   neither (reason "noOfferHistory" or the pool's withheld reason), or no churn run
 *          ("noChurnRun"), or a churn model not clearly better than random ("churnNotBetter",
 *          ADR 0015: its P(churn) ranks no one).
 * Offers of different windows are put on one scale before fitting: window revenue × 28 / window
 * days and pre-period revenue × 90 / pre-period days (revenue per reference window), so the
 * model's relative uplift reads "the share of 28 days' usual revenue an offer moves".
 */

/** Fewest customers of the merchant's own measured offers in each arm (treated, held out) for its own model. */
export const MIN_OWN_PER_ARM = 100;
/** The reference window and pre-period (days) every offer's units are scaled to. */
const REF_WINDOW_DAYS = 28;
const REF_PRE_DAYS = 90;
const REF = { windowDays: REF_WINDOW_DAYS, preDays: REF_PRE_DAYS };
/** Format of the stored curve document; raise it when its shape changes. */
const WINBACK_FORMAT = 1;

/** One point of the curve. Money in minor units. */
export interface WinBackPoint {
  /** Share of the ranked queue contacted (0.1 … 1). */
  share: number;
  customers: number;
  /** Σ τ̂ of the top `customers` by P(churn) × CLV × uplift. */
  expectedIncrementalMinor: number;
  /** Σ τ̂ of the top `customers` by P(churn) × CLV (today's list). */
  baselineMinor: number;
}

/** The stored curve document (`offer_winback.result`). */
interface WinBackDocument {
  format: typeof WINBACK_FORMAT;
  /** The churn run's as-of day (exclusive end of its data). */
  asOf: string;
  customers: number;
  curve: WinBackPoint[];
}

/** What the Churn page shows: the curve and which model ranked it, or why there is none. */
export interface WinBackView {
  source: WinBackSource;
  /** Why there is no curve (source "none"): noChurnRun, churnNotBetter, noOfferHistory, poolWithheld. */
  reason: string | null;
  /** The merchant's own measured offers used (source "own"). */
  ownOffers: number;
  /** Merchants of the pool, the asker counted (source "pooled"), as the Competitors page says. */
  poolMerchants: number | null;
  poolLevel: PoolLevel | null;
  asOf: string | null;
  customers: number;
  curve: WinBackPoint[];
  computedAt: string;
}

const arms = (units: readonly OfferUnit[]) => ({ treated: units.filter((u) => u.arm !== 0).length, held: units.filter((u) => u.arm === 0).length });

/**
 * Chooses the uplift model of the merchant's queue: its own offers, or pooled over its MCC segment
 * (lib/privacy), or none.
 * @param asOf the churn run's as-of day: a pool member must have a purchase in the year before it
 */
export async function chooseUpliftModel(
  database: Database,
  merchant: MerchantRef,
  asOf: string,
): Promise<
  | { source: "own"; offers: number; model: UpliftModel }
  | { source: "pooled"; offers: number; merchants: number; level: PoolLevel; model: UpliftModel }
  | { source: "none"; offers: number; reason: string }
> {
  const own = await loadMeasuredUnits(database, merchant.id, REF);
  const a = arms(own.units);
  if (a.treated >= MIN_OWN_PER_ARM && a.held >= MIN_OWN_PER_ARM) {
    return { source: "own", offers: own.offers, model: fitUpliftModel(own.units, REF_WINDOW_DAYS, REF_PRE_DAYS) };
  }
  const pool = await poolSegmentOfferUnits(database, merchant, asOf, own.units, REF);
  if (!pool.available) return { source: "none", offers: own.offers, reason: own.offers === 0 && pool.merchants <= 1 ? "noOfferHistory" : "poolWithheld" };
  const b = arms(pool.sets[0]);
  if (b.treated < MIN_OWN_PER_ARM || b.held < MIN_OWN_PER_ARM) return { source: "none", offers: own.offers, reason: "poolWithheld" };
  return { source: "pooled", offers: own.offers, merchants: pool.merchants, level: pool.level, model: fitUpliftModel(pool.sets[0], REF_WINDOW_DAYS, REF_PRE_DAYS) };
}

/**
 * The curve of a ranked queue beside today's list: for each point of contactCurve (ranked by
 * P(churn) × CLV × uplift), the Σ τ̂ of as many customers taken by P(churn) × CLV alone. Pure.
 */
export function winBackCurve(queue: readonly QueueCustomer[], model: UpliftModel): WinBackPoint[] {
  const ranked = rankWinBack(queue, model);
  const tau = new Map(ranked.map((r) => [r.customerId, r.expectedIncrementalMinor]));
  const today = [...queue].sort((x, y) => y.pChurn * y.clvMinor - x.pChurn * x.clvMinor || x.customerId - y.customerId);
  const prefix = [0];
  for (const c of today) prefix.push(prefix[prefix.length - 1] + tau.get(c.customerId)!);
  return contactCurve(ranked).map((p) => ({ ...p, baselineMinor: prefix[p.customers] }));
}

/**
 * Recomputes and stores a merchant's win-back curve (owner connection; the worker and the CLI).
 * Reads the latest churn run and its per-customer outputs in the merchant's scope, the customers'
 * strata and pre-period revenue as of the run's day from merchant_customer_daily, and the uplift
 * model (chooseUpliftModel). Replaces the merchant's row.
 * @returns the stored source and reason
 */
export async function refreshWinBack(database: Database, merchant: MerchantRef): Promise<{ source: WinBackSource; reason: string | null }> {
  const churn = await withMerchantScope(database, merchant.id, async (tx) => {
    const run = await getLatestModelRun({ tx, merchant }, "churn");
    if (!run) return null;
    const rows = await queryRows<{ customer_id: number; p: number; clv: number }>(
      tx,
      sql`select customer_id, (output->>'pChurn')::float8 as p, (output->>'clvMinor')::float8 as clv
          from model_customer_outputs where run_id = ${run.id} and merchant_id = ${merchant.id} order by customer_id`,
    );
    return { id: run.id, asOf: run.periodTo, verdict: run.summary.verdict, rows };
  });
  let source: WinBackSource = "none";
  let reason: string | null = null;
  let ownOffers = 0;
  let poolMerchants: number | null = null;
  let poolLevel: PoolLevel | null = null;
  let doc: WinBackDocument | null = null;
  if (!churn) reason = "noChurnRun";
  else if (churn.verdict !== "better") reason = "churnNotBetter";
  else {
    const chosen = await chooseUpliftModel(database, merchant, churn.asOf);
    ownOffers = chosen.offers;
    if (chosen.source === "none") reason = chosen.reason;
    else {
      source = chosen.source;
      if (chosen.source === "pooled") {
        poolMerchants = chosen.merchants;
        poolLevel = chosen.level;
      }
      const strata = new Map((await selectAudience(database.db, merchant.id, null, churn.asOf, REF_PRE_DAYS)).map((m) => [m.customerId, m]));
      const queue: QueueCustomer[] = churn.rows.map((r) => {
        const m = strata.get(Number(r.customer_id));
        return { customerId: Number(r.customer_id), pChurn: Number(r.p), clvMinor: Number(r.clv), stratum: m?.stratum ?? "r4-f0", preRevenueMinor: m?.preRevenueMinor ?? 0 };
      });
      doc = { format: WINBACK_FORMAT, asOf: churn.asOf, customers: queue.length, curve: winBackCurve(queue, chosen.model) };
    }
  }
  await database.db.execute(sql`
    insert into offer_winback (merchant_id, churn_run_id, source, reason, own_offers, pool_merchants, pool_level, result, computed_at)
    values (${merchant.id}, ${churn?.id ?? null}, ${source}, ${reason}, ${ownOffers}, ${poolMerchants}, ${poolLevel}, ${JSON.stringify(doc ?? {})}::jsonb, now())
    on conflict (merchant_id) do update set churn_run_id = excluded.churn_run_id, source = excluded.source, reason = excluded.reason,
      own_offers = excluded.own_offers, pool_merchants = excluded.pool_merchants, pool_level = excluded.pool_level,
      result = excluded.result, computed_at = excluded.computed_at`);
  return { source, reason };
}

/**
 * The merchants whose curve is out of date: no row yet while a succeeded churn run exists, a
 * newer churn run than the row's, or an offer measured (anywhere in the bank: pools change) after
 * the row was computed. Owner connection.
 */
export async function staleWinBackMerchants(executor: Executor): Promise<number[]> {
  const rows = await queryRows<{ merchant_id: number }>(
    executor,
    sql`with latest as (
          select distinct on (merchant_id) merchant_id, id from model_runs
          where kind = 'churn' and status = 'succeeded' order by merchant_id, version desc
        )
        select l.merchant_id from latest l left join offer_winback w on w.merchant_id = l.merchant_id
        where w.merchant_id is null or w.churn_run_id is distinct from l.id
           or exists (select 1 from offer_results r where r.status = 'succeeded' and r.finished_at > w.computed_at)
        order by l.merchant_id`,
  );
  return rows.map((r) => Number(r.merchant_id));
}

/**
 * The merchant's win-back curve as its Churn page shows it, or null before the worker computed
 * one. Aggregates of its own customers only. Sources: offer_winback (RLS).
 */
export async function getWinBack(ctx: AnalyticsContext): Promise<WinBackView | null> {
  const [r] = await queryRows<{
    source: WinBackSource; reason: string | null; own_offers: number; pool_merchants: number | null; pool_level: PoolLevel | null; result: Partial<WinBackDocument>; computed_at: Date | string;
  }>(ctx.tx, sql`select source, reason, own_offers, pool_merchants, pool_level, result, computed_at from offer_winback where ${merchantFilter(ctx)}`);
  if (!r) return null;
  return {
    source: r.source,
    reason: r.reason,
    ownOffers: Number(r.own_offers),
    poolMerchants: r.pool_merchants === null ? null : Number(r.pool_merchants),
    poolLevel: r.pool_level,
    asOf: r.result.asOf ?? null,
    customers: r.result.customers ?? 0,
    curve: r.result.curve ?? [],
    computedAt: new Date(r.computed_at).toISOString(),
  };
}
