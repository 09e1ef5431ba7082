import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";

/**
 * Adds the merchant-customer pairs of `pairs` that `merchant_customers` does not hold yet, each
 * with its merchant's next dense ordinal (in customer id order, so loads are deterministic),
 * lifetime figures (zero, or the pairs' own with `withFigures`) and the bank's current
 * demographics. The caller holds the merchants' advisory locks (ordinals are max + n and must
 * stay unique).
 *
 * @param pairs a subquery yielding distinct `(merchant_id, customer_id)` rows; with `withFigures`
 *              also `first_day, last_day` (dates, null without a purchase), `purchases`,
 *              `gross` and `refunds` (minor units, refunds positive): the pair's whole history so
 *              far, so a new pair is written once instead of inserted and then updated
 */
export async function insertNewMerchantCustomers(tx: Executor, pairs: SQL, withFigures = false): Promise<void> {
  const figures = withFigures
    ? sql`n.first_day, n.last_day, n.purchases, n.gross, n.refunds`
    : sql`null::date, null::date, 0, 0, 0`;
  await tx.execute(sql`
    with candidates as (${pairs}),
    fresh as (
      -- an anti-join, not a correlated NOT EXISTS: Citus cannot plan the latter over a CTE
      select p.* from candidates p
      left join merchant_customers mc on mc.merchant_id = p.merchant_id and mc.customer_id = p.customer_id
      where mc.customer_id is null
    )
    insert into merchant_customers (merchant_id, customer_id, ordinal, first_purchase_day, last_purchase_day,
                                    purchases, gross_sales_minor, refunds_minor,
                                    gender, birth_year, marital_status, is_payroll, is_corporate, is_premium, region)
    select n.merchant_id, n.customer_id,
           coalesce(top.max_ordinal, -1) + row_number() over (partition by n.merchant_id order by n.customer_id),
           ${figures},
           c.gender, c.birth_year, c.marital_status, c.is_payroll, c.is_corporate, c.is_premium, c.region
    from fresh n
    join customers c on c.id = n.customer_id
    left join (
      select merchant_id, max(ordinal) as max_ordinal from merchant_customers
      where merchant_id in (select distinct merchant_id from fresh)
      group by merchant_id
    ) top on top.merchant_id = n.merchant_id`);
}
