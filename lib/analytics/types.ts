import { z } from "zod";
import type { ScopedTx } from "@/lib/tenancy/scope";

/** The tenant as analytics sees it. Money is minor units of `currency`; days are in `timeZone`. */
export interface MerchantRef {
  id: number;
  slug: string;
  name: string;
  mcc: string;
  currency: string;
  timeZone: string;
}

/** What every analytics query receives: a merchant-scoped transaction and the merchant. */
export interface AnalyticsContext {
  tx: ScopedTx;
  merchant: MerchantRef;
}

/** A local calendar day 'YYYY-MM-DD' that exists (rejects '2024-02-30'). */
export const isoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((d) => {
    const ms = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
    return new Date(ms).toISOString().slice(0, 10) === d;
  }, "not a calendar day");
const isoDay = isoDaySchema;

/**
 * A half-open period `[from, to)` of local calendar days in the merchant's time zone, as
 * 'YYYY-MM-DD'. `to` is exclusive: January 2024 is { from: '2024-01-01', to: '2024-02-01' }.
 * The one schema shared by the API, the CLI and the UI.
 */
export const periodSchema = z
  .object({ from: isoDay, to: isoDay })
  .refine((p) => p.from < p.to, { message: "`from` must be before `to`", path: ["to"] });
export type Period = z.infer<typeof periodSchema>;

/** The headline figures of one period. Money in integer minor units. */
export interface HeadlineMetrics {
  grossSalesMinor: number;
  /** Refunded amount as a positive number. */
  refundsMinor: number;
  /** grossSalesMinor − refundsMinor */
  netRevenueMinor: number;
  purchases: number;
  refunds: number;
  /** Distinct customers with at least one purchase in the period (exact). */
  customers: number;
  /** Customers whose first purchase at this merchant ever falls in the period. */
  newCustomers: number;
  /** customers − newCustomers */
  returningCustomers: number;
  /** round(grossSalesMinor / purchases), half up; null without purchases. */
  averageCheckMinor: number | null;
  /** purchases / customers; null without customers. */
  frequency: number | null;
}
