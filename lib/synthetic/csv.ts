import type { CustomerTruth, RelationshipTruth, SwitchEvent, SyntheticCustomer, SyntheticTransaction } from "./customer";
import type { SyntheticMerchant } from "./merchants";

/**
 * CSV rows of the bank in the canonical formats of docs/data-format.md (header lines below,
 * LF line ends, empty field = unknown), plus the per-customer truth files.
 */

export const MERCHANTS_HEADER = "bank_merchant_id,slug,name,mcc,city,region,country,time_zone,currency";
export const CUSTOMERS_HEADER = "customer_id,gender,birth_year,marital_status,is_payroll,is_corporate,is_premium,region";
export const TRANSACTIONS_HEADER = "transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind";
export const CUSTOMER_TRUTHS_HEADER =
  "customer_id,gender,birth_year,age,marital_status,is_payroll,is_corporate,is_premium,region,join_day,spend_multiplier,online_propensity,campaign_responsiveness";
export const RELATIONSHIP_TRUTHS_HEADER =
  "customer_id,mcc,start_day,lambda0,lambda,u,p,attraction,cross_share,switch_hazard,dropout_day,favourite_at_start,favourite_at_end,switches,purchases";
export const SWITCH_EVENTS_HEADER = "customer_id,mcc,day,date,from_merchant,to_merchant";

/** Quotes a field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One merchants.csv line (with '\n'). */
export function merchantRow(m: SyntheticMerchant): string {
  return [m.bankMerchantId, m.slug, m.name, m.mcc, m.city, m.region, m.country, m.timeZone, m.currency].map(csvField).join(",") + "\n";
}

/** One customers.csv line (with '\n'); unknown attributes are empty. */
export function customerRow(c: SyntheticCustomer): string {
  return (
    [c.customerId, c.gender, c.birthYear, c.maritalStatus, c.isPayroll, c.isCorporate, c.isPremium, c.region].map(csvField).join(",") +
    "\n"
  );
}

/** One transactions.csv line (with '\n'). No field can hold a comma, so no quoting is needed. */
export function transactionRow(t: SyntheticTransaction): string {
  return `${t.transactionId},${t.merchantId},${t.customerId},${t.amountMinor},${t.currency},${t.occurredAt},${t.channel},${t.kind}\n`;
}

/** One customer_truths.csv line (with '\n'). */
export function customerTruthRow(t: CustomerTruth): string {
  return (
    [
      t.customerId,
      t.gender,
      t.birthYear,
      t.age,
      t.maritalStatus,
      t.isPayroll,
      t.isCorporate,
      t.isPremium,
      t.region,
      t.joinDay,
      t.spendMultiplier,
      t.onlinePropensity,
      t.campaignResponsiveness,
    ]
      .map(csvField)
      .join(",") + "\n"
  );
}

const sig = (x: number) => Number(x.toPrecision(6));

/** One customer_mcc_truths.csv line (with '\n'); rates per day, six significant digits. */
export function relationshipTruthRow(r: RelationshipTruth): string {
  return (
    [
      r.customerId,
      r.mcc,
      r.startDay,
      sig(r.lambda0),
      sig(r.lambda),
      sig(r.u),
      sig(r.p),
      sig(r.attraction),
      sig(r.crossShare),
      sig(r.switchHazard),
      r.dropoutDay,
      r.favouriteAtStart,
      r.favouriteAtEnd,
      r.switches,
      r.purchases,
    ]
      .map(csvField)
      .join(",") + "\n"
  );
}

/** One switch_events.csv line (with '\n'). */
export function switchEventRow(s: SwitchEvent): string {
  return [s.customerId, s.mcc, s.day, s.date, s.from, s.to].map(csvField).join(",") + "\n";
}
