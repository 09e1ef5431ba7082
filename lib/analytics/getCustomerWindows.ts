import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { dayRange, merchantFilter } from "./scope";
import { ageBandOfBirthYear, UNKNOWN } from "./getCustomerSegments";
import type { AnalyticsContext } from "@/lib/tenancy/context";
import { addDays, assertPeriod, type Period } from "@/lib/days";

/** One customer's activity in one named window, with its segment values. Money in minor units. */
export interface CustomerWindowActivity {
  window: string;
  customerId: number;
  purchases: number;
  grossMinor: number;
  refundsMinor: number;
  /** Dimension → value, as getCustomerSegments names them, plus customerType: 'new' | 'returning'. */
  segments: Record<string, string>;
}

const yesNo = (v: boolean | null) => (v === null ? UNKNOWN : v ? "yes" : "no");

interface Row {
  w: number;
  customer_id: number;
  purchases: number;
  gross: number;
  refunds: number;
  first_purchase_day: string | null;
  gender: string | null;
  birth_year: number | null;
  marital_status: string | null;
  is_payroll: boolean | null;
  is_corporate: boolean | null;
  is_premium: boolean | null;
  region: string | null;
}

/**
 * Per-customer totals (purchases, gross sales, refunds) in each of several windows, with the
 * customer's segment values: the demographic dimensions of getCustomerSegments (age at the year
 * of the window's last day) and customerType — 'new' when the customer's first purchase here
 * falls inside the window, else 'returning'. Only customers with activity in a window appear
 * in it. The unit of the findings' factor tests and segment decompositions.
 *
 * Sources: merchant_customer_daily joined to merchant_customers (rollups only).
 * @throws Error on a malformed period
 */
export async function getCustomerWindows(
  ctx: AnalyticsContext,
  windows: ReadonlyArray<{ name: string; period: Period }>,
): Promise<CustomerWindowActivity[]> {
  if (windows.length === 0) return [];
  windows.forEach((w) => assertPeriod(w.period));
  const cases = sql.join(
    windows.map((w, i) => sql`when ${dayRange(w.period, "d")} then ${i}`),
    sql` `,
  );
  const anyWindow = sql.join(
    windows.map((w) => sql`(${dayRange(w.period, "d")})`),
    sql` or `,
  );
  const rows = await queryRows<Row>(
    ctx.tx,
    sql`
      with per as (
        select (case ${cases} end)::int as w, d.customer_id,
               sum(d.purchases)::bigint as purchases, sum(d.gross_sales_minor)::bigint as gross, sum(d.refunds_minor)::bigint as refunds
        from merchant_customer_daily d
        where ${merchantFilter(ctx, "d")} and (${anyWindow})
        group by 1, 2
      )
      select per.w, per.customer_id, per.purchases, per.gross, per.refunds,
             mc.first_purchase_day::text as first_purchase_day, mc.gender, mc.birth_year, mc.marital_status,
             mc.is_payroll, mc.is_corporate, mc.is_premium, mc.region
      from per join merchant_customers mc on ${merchantFilter(ctx, "mc")} and mc.customer_id = per.customer_id
      order by per.w, per.customer_id`,
  );
  return rows.map((r) => {
    const w = windows[r.w];
    const refYear = Number(addDays(w.period.to, -1).slice(0, 4));
    const isNew = r.first_purchase_day !== null && r.first_purchase_day >= w.period.from && r.first_purchase_day < w.period.to;
    return {
      window: w.name,
      customerId: Number(r.customer_id),
      purchases: Number(r.purchases),
      grossMinor: Number(r.gross),
      refundsMinor: Number(r.refunds),
      segments: {
        customerType: isNew ? "new" : "returning",
        gender: r.gender ?? UNKNOWN,
        ageBand: ageBandOfBirthYear(r.birth_year === null ? null : Number(r.birth_year), refYear),
        maritalStatus: r.marital_status ?? UNKNOWN,
        payroll: yesNo(r.is_payroll),
        corporate: yesNo(r.is_corporate),
        premium: yesNo(r.is_premium),
        region: r.region ?? UNKNOWN,
      },
    };
  });
}
