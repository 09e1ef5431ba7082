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
