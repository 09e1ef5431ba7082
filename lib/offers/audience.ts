import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "@/db/client";
import type { OfferAudience } from "@/db/schema";

/*
 * Audiences (docs/offers.md, "Audiences"): rules over the merchant's own purchase history as of
 * the window's first day D, read from merchant_customer_daily (the bank's rollup of this
 * merchant's transactions; owner connection, lib/offers is the bank's side). Each member carries
 * its pre-period figures (the CUPED covariate) and its stratum:
 *   recency band  r1 ≤ 30 days since the last purchase before D, r2 31–90, r3 91–180, r4 > 180
 *   frequency band f0 no purchase in [D − preDays, D), f1 one, f2 2–4, f3 5 or more
 * A "visit" is a purchase (one card transaction).
 */

/** One audience member, bank side. Money in minor units. */
export interface AudienceMember {
  customerId: number;
  stratum: string;
  preVisits: number;
  preRevenueMinor: number;
  /** Days between the last purchase and D (null: never bought before D). */
  recencyDays: number | null;
}

function audienceFilter(a: OfferAudience | null): SQL {
  if (a === null) return sql`true`;
  switch (a.kind) {
    case "lapsed":
      return sql`recency between ${a.minDays}::int and ${a.maxDays}::int`;
    case "regulars":
      return sql`pre_visits >= ${a.minPurchases}::int`;
    case "active":
      return sql`recency <= ${a.withinDays}::int`;
    case "all":
      return sql`pre_visits > 0`;
  }
}

/**
 * The members of an audience as of `startsOn` (D), in customer-id order.
 * @param audience the rule, or null for every customer with a purchase day before D (the
 *        win-back queue's strata, lib/offers/winback.ts)
 * @param preDays length of the pre-period [D − preDays, D)
 */
export async function selectAudience(
  executor: Executor,
  merchantId: number,
  audience: OfferAudience | null,
  startsOn: string,
  preDays: number,
): Promise<AudienceMember[]> {
  const rows = await queryRows<{ customer_id: number; pre_visits: number; pre_revenue: number; recency: number | null }>(
    executor,
    sql`with per_customer as (
          select customer_id,
                 coalesce(sum(purchases) filter (where day >= ${startsOn}::date - ${preDays}::int), 0)::int as pre_visits,
                 coalesce(sum(gross_sales_minor) filter (where day >= ${startsOn}::date - ${preDays}::int), 0)::bigint as pre_revenue,
                 (${startsOn}::date - max(day) filter (where purchases > 0))::int as recency
          from merchant_customer_daily
          where merchant_id = ${merchantId} and day < ${startsOn}::date
          group by customer_id
        )
        select customer_id, pre_visits, pre_revenue, recency from per_customer
        where ${audienceFilter(audience)}
        order by customer_id`,
  );
  return rows.map((r) => ({
    customerId: Number(r.customer_id),
    preVisits: Number(r.pre_visits),
    preRevenueMinor: Number(r.pre_revenue),
    recencyDays: r.recency === null ? null : Number(r.recency),
    stratum: stratumOf(r.recency === null ? null : Number(r.recency), Number(r.pre_visits)),
  }));
}

/** The stratum label of a customer: recency band × frequency band (see the file's header). */
function stratumOf(recencyDays: number | null, preVisits: number): string {
  const r = recencyDays === null || recencyDays > 180 ? "r4" : recencyDays > 90 ? "r3" : recencyDays > 30 ? "r2" : "r1";
  const f = preVisits === 0 ? "f0" : preVisits === 1 ? "f1" : preVisits <= 4 ? "f2" : "f3";
  return `${r}-${f}`;
}
