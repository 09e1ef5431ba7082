import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { dayToMs } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import type { ChurnFeatureDays, CustomerSnapshot } from "./churnFeaturesFromDays";
import { merchantFilter } from "./scope";

/*
 * One read of a merchant's customer-day rollup and its customers' snapshots, from which
 * ./churnFeaturesFromDays.ts computes the churn features at any cutoff (issue 17's job time).
 * These are the rows a merchant gives to its segment's pool, so they are read through
 * lib/privacy/churnDays.ts only (the merchant's own jobs included, through the same cache): the
 * lint rule `peer-reads-in-privacy` (.dependency-cruiser.cjs) fails any other importer.
 */

/**
 * Reads the merchant's customer-day rollup over [from, to) and its customers' snapshots
 * (merchant_customer_daily, merchant_customers; rollups only, in the merchant's scope).
 * @param span [from, to) local days; a cutoff c with label days L can then be asked when
 *        from ≤ c − 365 and c + L ≤ to (c ≤ to without a label)
 * @throws Error on a malformed day or an empty span
 */
export async function getChurnFeatureDays(ctx: AnalyticsContext, span: { from: string; to: string }): Promise<ChurnFeatureDays> {
  if (!(dayToMs(span.from) < dayToMs(span.to))) throw new Error(`getChurnFeatureDays: empty span ${span.from}..${span.to}`);
  // Days as whole days since 1970-01-01 from the database (no date text to parse per row).
  const rows = await queryRows<{ customer_id: number; day: number; purchases: number; gross: number; refunds: number }>(
    ctx.tx,
    sql`select d.customer_id, (d.day - date '1970-01-01')::int as day, d.purchases::bigint as purchases, d.gross_sales_minor::bigint as gross, d.refunds_minor::bigint as refunds
        from merchant_customer_daily d
        where ${merchantFilter(ctx, "d")} and d.day >= ${span.from}::date and d.day < ${span.to}::date
        order by d.customer_id, d.day`,
  );
  const snaps = await queryRows<{ customer_id: number; first_purchase_day: number | null } & Omit<CustomerSnapshot, "firstPurchaseDay">>(
    ctx.tx,
    sql`select mc.customer_id, (mc.first_purchase_day - date '1970-01-01')::int as first_purchase_day, mc.birth_year, mc.gender, mc.is_payroll, mc.is_corporate, mc.is_premium, mc.region
        from merchant_customers mc where ${merchantFilter(ctx, "mc")}`,
  );
  const n = rows.length;
  const out: ChurnFeatureDays = {
    from: span.from,
    to: span.to,
    customers: [],
    starts: [],
    day: new Int32Array(n),
    purchases: new Float64Array(n),
    gross: new Float64Array(n),
    refunds: new Float64Array(n),
    snapshots: new Map(),
  };
  let last = -1;
  rows.forEach((r, i) => {
    const c = Number(r.customer_id);
    if (c !== last) {
      out.customers.push(c);
      out.starts.push(i);
      last = c;
    }
    out.day[i] = Number(r.day);
    out.purchases[i] = Number(r.purchases);
    out.gross[i] = Number(r.gross);
    out.refunds[i] = Number(r.refunds);
  });
  out.starts.push(n);
  for (const s of snaps) {
    out.snapshots.set(Number(s.customer_id), {
      firstPurchaseDay: s.first_purchase_day === null ? null : Number(s.first_purchase_day),
      birth_year: s.birth_year,
      gender: s.gender,
      is_payroll: s.is_payroll,
      is_corporate: s.is_corporate,
      is_premium: s.is_premium,
      region: s.region,
    });
  }
  return out;
}
