import { sql } from "drizzle-orm";
import { queryRows } from "@/db/client";
import { suppressSmallCells, type SuppressedRow } from "@/lib/privacy/suppression";
import { ratio, roundHalfUpDiv } from "./math";
import { merchantDays } from "./scope";
import { assertPeriod, type Period } from "@/lib/days";
import type { AnalyticsContext } from "@/lib/tenancy/context";

/**
 * The frequency bands, by the number of purchases a customer made in the period: the lower bound
 * of each band, in order; a band runs to the next one's lower bound (the last is open).
 * 1, 2, 3, 4–5, 6–9, 10+ (the usual purchase-frequency distribution of retail analytics, with
 * the repeat buyers split finer where most customers are).
 */
const BAND_LOWER_BOUNDS = [1, 2, 3, 4, 6, 10] as const;

/** A band's label: "1", "2", "3", "4-5", "6-9", "10+". */
type FrequencyBand = "1" | "2" | "3" | "4-5" | "6-9" | "10+";
const BANDS: readonly FrequencyBand[] = ["1", "2", "3", "4-5", "6-9", "10+"];

/** One band's figures. Money in minor units of the merchant's currency. */
interface FrequencyFigures {
  band: FrequencyBand;
  /** Smallest number of purchases in the band. */
  minPurchases: number;
  /** Largest number of purchases in the band; null for the open last band. */
  maxPurchases: number | null;
  /** Customers whose purchases in the period fall in the band. */
  customers: number;
  /** customers / all customers with a purchase in the period. */
  customerShare: number | null;
  /** Their purchases in the period. */
  purchases: number;
  /** Their net revenue in the period (purchases − refunds, both in the period). */
  revenueMinor: number;
  /** revenueMinor / the net revenue of all customers with a purchase in the period; null when that is ≤ 0. */
  revenueShare: number | null;
  /** revenueMinor / customers, rounded half up to a minor unit. */
  revenuePerCustomerMinor: number | null;
}

/** A band as released: labels and bounds stay, figures are null when it has fewer than 5 customers. */
export type FrequencyBandRow = SuppressedRow<FrequencyFigures, "band" | "minPurchases" | "maxPurchases">;

export interface PurchaseFrequency {
  period: Period;
  /** The six bands in order, every band present (an empty band has 0 customers and is suppressed). */
  bands: FrequencyBandRow[];
}

/** One band's aggregate as the query returns it. */
export interface FrequencyAggregateRow {
  /** 0-based index into the bands. */
  band: number;
  customers: number;
  purchases: number;
  net: number;
}

/**
 * The purchase-frequency distribution of the period: the customers who made at least one
 * purchase in [from, to), grouped by how many purchases they made (bands 1, 2, 3, 4–5, 6–9, 10+),
 * with each band's share of those customers and of their net revenue. It answers "how much of
 * my revenue comes from the customers who come back" (the repeat-purchase distribution of
 * Ehrenberg, "Repeat-Buying", 2nd ed. 1988, ch. 2, as a table).
 *
 * A purchase is a purchase transaction (refunds are not purchases); a customer who only refunded
 * in the period is in no band. Net revenue subtracts the refunds of the banded customers in the
 * period. Bands with fewer than 5 customers are suppressed (lib/privacy/suppression).
 *
 * Sources: merchant_customer_daily (rollups only).
 * @throws Error on a malformed period
 */
export async function getPurchaseFrequency(ctx: AnalyticsContext, period: Period): Promise<PurchaseFrequency> {
  assertPeriod(period);
  const bounds = BAND_LOWER_BOUNDS.join(",");
  const rows = await queryRows<FrequencyAggregateRow>(
    ctx.tx,
    sql`
      with per_customer as (
        select d.customer_id, sum(d.purchases)::bigint as purchases,
               sum(d.gross_sales_minor - d.refunds_minor)::bigint as net
        from merchant_customer_daily d
        where ${merchantDays(ctx, period, "d")}
        group by d.customer_id
        having sum(d.purchases) > 0
      )
      select (width_bucket(purchases, string_to_array(${bounds}, ',')::bigint[]) - 1)::int as band,
             count(*)::bigint as customers, sum(purchases)::bigint as purchases, sum(net)::bigint as net
      from per_customer
      group by 1
      order by 1`,
  );
  return { period, bands: buildFrequencyBands(rows) };
}

/**
 * Fills the six bands from the query's aggregates, computes the shares and suppresses bands under
 * 5 customers (pure; exported for unit tests).
 * @throws Error when a row names a band outside 0..5
 */
export function buildFrequencyBands(rows: readonly FrequencyAggregateRow[]): FrequencyBandRow[] {
  const byBand = new Map<number, FrequencyAggregateRow>();
  for (const row of rows) {
    if (!Number.isInteger(row.band) || row.band < 0 || row.band >= BANDS.length) {
      throw new Error(`buildFrequencyBands: band index ${row.band} outside 0..${BANDS.length - 1}`);
    }
    byBand.set(row.band, row);
  }
  let allCustomers = 0;
  let allNet = 0;
  for (const row of byBand.values()) {
    allCustomers += Number(row.customers);
    allNet += Number(row.net);
  }
  const figures: FrequencyFigures[] = BANDS.map((band, i) => {
    const row = byBand.get(i);
    const customers = row ? Number(row.customers) : 0;
    const revenueMinor = row ? Number(row.net) : 0;
    const next = BAND_LOWER_BOUNDS[i + 1];
    return {
      band,
      minPurchases: BAND_LOWER_BOUNDS[i],
      maxPurchases: next === undefined ? null : next - 1,
      customers,
      customerShare: allCustomers > 0 ? customers / allCustomers : null,
      purchases: row ? Number(row.purchases) : 0,
      revenueMinor,
      revenueShare: allNet > 0 ? ratio(revenueMinor, allNet) : null,
      revenuePerCustomerMinor: customers > 0 ? roundHalfUpDiv(revenueMinor, customers) : null,
    };
  });
  return suppressSmallCells(figures, ["band", "minPurchases", "maxPurchases"]);
}
