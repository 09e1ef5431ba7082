import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db/client";
import type { OfferTerms } from "@/db/schema";
import type { Arm } from "./assign";
import type { OfferUnit } from "./measure";

/*
 * An offer's units (docs/offers.md, "Measurement"), on the owner connection: per assigned
 * customer, purchases and gross sales in the pre-period [D − preDays, D) and the window [D, E)
 * from merchant_customer_daily; the cashback the bank accrued, per purchase from `transactions`
 * (floor(amount × rate_bp / 10,000) per purchase, summed and capped per customer; a bonus is paid
 * once on the first purchase in the window, capped). Read by the measurement (./measureJob.ts)
 * and the win-back queue's learning (./winback.ts).
 */

/** The offer's row as the measurement reads it. */
export interface OfferRow {
  id: number;
  merchant_id: number;
  starts_on: string;
  ends_on: string;
  pre_days: number;
  primary_metric: "revenue" | "visits";
  terms: OfferTerms;
  variant_b: OfferTerms | null;
  ended: boolean;
}

/** The units of an offer row (see the file's header). */
export async function loadUnits(database: Database, o: OfferRow): Promise<OfferUnit[]> {
  const rows = await queryRows<{ customer_id: number; arm: number; stratum: string; pre_rev: number; pre_visits: number; rev: number; visits: number }>(
    database.db,
    sql`select a.customer_id, a.arm, a.stratum,
               coalesce(sum(d.gross_sales_minor) filter (where d.day < ${o.starts_on}::date), 0)::bigint as pre_rev,
               coalesce(sum(d.purchases) filter (where d.day < ${o.starts_on}::date), 0)::int as pre_visits,
               coalesce(sum(d.gross_sales_minor) filter (where d.day >= ${o.starts_on}::date), 0)::bigint as rev,
               coalesce(sum(d.purchases) filter (where d.day >= ${o.starts_on}::date), 0)::int as visits
        from offer_assignments a
        left join merchant_customer_daily d on d.merchant_id = a.merchant_id and d.customer_id = a.customer_id
          and d.day >= ${o.starts_on}::date - ${o.pre_days}::int and d.day < ${o.ends_on}::date
        where a.offer_id = ${o.id}
        group by a.customer_id, a.arm, a.stratum
        order by a.customer_id`,
  );
  const cashback = new Map<number, number>();
  for (const [arm, t] of [[1, o.terms], [2, o.variant_b]] as const) {
    if (!t) continue;
    const paid = await queryRows<{ customer_id: number; accrued: number }>(
      database.db,
      t.kind === "cashback"
        ? sql`select t.customer_id, sum(floor(t.amount_minor * ${t.rateBp}::bigint / 10000))::bigint as accrued
              from transactions t join offer_assignments a on a.offer_id = ${o.id} and a.customer_id = t.customer_id and a.arm = ${arm}
              where t.merchant_id = ${o.merchant_id} and t.kind = 'purchase' and t.local_date >= ${o.starts_on}::date and t.local_date < ${o.ends_on}::date
              group by t.customer_id`
        : sql`select t.customer_id, ${t.bonusMinor}::bigint as accrued
              from transactions t join offer_assignments a on a.offer_id = ${o.id} and a.customer_id = t.customer_id and a.arm = ${arm}
              where t.merchant_id = ${o.merchant_id} and t.kind = 'purchase' and t.local_date >= ${o.starts_on}::date and t.local_date < ${o.ends_on}::date
              group by t.customer_id`,
    );
    for (const p of paid) cashback.set(Number(p.customer_id), Math.min(t.capMinor, Number(p.accrued)));
  }
  return rows.map((r) => ({
    customerId: Number(r.customer_id),
    arm: Number(r.arm) as Arm,
    stratum: r.stratum,
    preRevenueMinor: Number(r.pre_rev),
    preVisits: Number(r.pre_visits),
    revenueMinor: Number(r.rev),
    visits: Number(r.visits),
    cashbackMinor: Number(r.arm) === 0 ? 0 : (cashback.get(Number(r.customer_id)) ?? 0),
  }));
}

/**
 * The units of a measured (or measurable) offer, read on the owner connection: per assigned
 * customer its arm, stratum, pre-period and window revenue (minor units) and visits, and the
 * window and pre-period lengths (days) they cover. The win-back queue's uplift model
 * (./winback.ts) learns from these.
 * @throws Error for an unknown offer
 */
async function loadOfferUnits(database: Database, offerId: number): Promise<{ units: OfferUnit[]; windowDays: number; preDays: number }> {
  const [o] = await queryRows<OfferRow>(
    database.db,
    sql`select id, merchant_id, starts_on::text as starts_on, ends_on::text as ends_on, pre_days, primary_metric, terms, variant_b, true as ended
        from offers where id = ${offerId}`,
  );
  if (!o) throw new Error(`loadOfferUnits: no offer ${offerId}`);
  const windowDays = Math.round((Date.parse(`${o.ends_on}T00:00:00Z`) - Date.parse(`${o.starts_on}T00:00:00Z`)) / 86_400_000);
  return { units: await loadUnits(database, o), windowDays, preDays: o.pre_days };
}


/**
 * Units of every measured offer of a merchant (status "measured" with a succeeded result), each
 * offer's units scaled to the reference window: revenue × ref.windowDays / the offer's window
 * days, pre-period revenue × ref.preDays / its pre-period days (docs/offers.md, "Learning").
 *
 * @param database the owner connection (the win-back job; a segment peer's only through
 *        lib/privacy/offerUnits.ts)
 * @param ref the reference window and pre-period, days
 * @returns how many offers, and their units in offer-id order
 */
export async function loadMeasuredUnits(database: Database, merchantId: number, ref: { windowDays: number; preDays: number }): Promise<{ offers: number; units: OfferUnit[] }> {
  const ids = await queryRows<{ id: number }>(
    database.db,
    sql`select o.id from offers o where o.merchant_id = ${merchantId} and o.status = 'measured'
          and exists (select 1 from offer_results r where r.offer_id = o.id and r.status = 'succeeded')
        order by o.id`,
  );
  const units: OfferUnit[] = [];
  for (const { id } of ids) {
    const u = await loadOfferUnits(database, Number(id));
    const w = ref.windowDays / u.windowDays;
    const p = ref.preDays / u.preDays;
    for (const x of u.units) units.push({ ...x, revenueMinor: x.revenueMinor * w, preRevenueMinor: x.preRevenueMinor * p });
  }
  return { offers: ids.length, units };
}
