import type { ScopedTx } from "./scope";

/**
 * The tenant: one merchant as every room below the routes sees it. Money is integer minor units
 * of `currency` (ISO 4217); calendar days are local days in `timeZone` (IANA name).
 */
export interface MerchantRef {
  id: number;
  slug: string;
  name: string;
  mcc: string;
  currency: string;
  timeZone: string;
}

/**
 * What every merchant-scoped query receives: a transaction scoped to the merchant by
 * `withMerchantScope` (row-level security shows it this merchant's rows only) and the merchant.
 */
export interface AnalyticsContext {
  tx: ScopedTx;
  merchant: MerchantRef;
}
