import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";

/**
 * Adds the merchant-customer pairs of `pairs` that `merchant_customers` does not hold yet, each
 * with its merchant's next dense ordinal (in customer id order, so loads are deterministic),
 * zero lifetime figures and the bank's current demographics. The caller holds the merchants'
 * advisory locks (ordinals are max + n and must stay unique).
 *
 * @param pairs a subquery yielding distinct `(merchant_id, customer_id)` rows
 */
export async function insertNewMerchantCustomers(tx: Executor, pairs: SQL): Promise<void> {
  await tx.execute(sql`
    with candidates as (${pairs}),
    fresh as (
      -- an anti-join, not a correlated NOT EXISTS: Citus cannot plan the latter over a CTE
      select p.merchant_id, p.customer_id from candidates p
      left join merchant_customers mc on mc.merchant_id = p.merchant_id and mc.customer_id = p.customer_id
      where mc.customer_id is null
    )
    insert into merchant_customers (merchant_id, customer_id, ordinal, purchases, gross_sales_minor, refunds_minor,
                                    gender, birth_year, marital_status, is_payroll, is_corporate, is_premium, region)
    select n.merchant_id, n.customer_id,
           coalesce(top.max_ordinal, -1) + row_number() over (partition by n.merchant_id order by n.customer_id),
           0, 0, 0,
           c.gender, c.birth_year, c.marital_status, c.is_payroll, c.is_corporate, c.is_premium, c.region
    from fresh n
    join customers c on c.id = n.customer_id
    left join (
      select merchant_id, max(ordinal) as max_ordinal from merchant_customers
      where merchant_id in (select distinct merchant_id from fresh)
      group by merchant_id
    ) top on top.merchant_id = n.merchant_id`);
}
