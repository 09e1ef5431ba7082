import { copyCsvLine } from "@/lib/csv/copy";
import type { CustomerTruth, RelationshipTruth, SwitchEvent, SyntheticCustomer, SyntheticTransaction } from "./customer";
import type { SyntheticMerchant } from "./merchants";

/**
 * CSV rows of the bank in the canonical formats of docs/data-format.md (header lines below,
 * LF line ends, empty field = unknown), plus the per-customer truth files. Fields are encoded
 * by lib/csv/copy (RFC 4180 quoting, never formula-defused: these are data files for ingest).
 */

export const MERCHANTS_HEADER = "bank_merchant_id,slug,name,mcc,city,region,country,time_zone,currency";
export const CUSTOMERS_HEADER = "customer_id,gender,birth_year,marital_status,is_payroll,is_corporate,is_premium,region";
export const TRANSACTIONS_HEADER = "transaction_id,merchant_id,customer_id,amount_minor,currency,occurred_at,channel,kind";
export const CUSTOMER_TRUTHS_HEADER =
  "customer_id,gender,birth_year,age,marital_status,is_payroll,is_corporate,is_premium,region,join_day,spend_multiplier,online_propensity,campaign_responsiveness";
export const RELATIONSHIP_TRUTHS_HEADER =
  "customer_id,mcc,start_day,lambda0,lambda,u,p,attraction,cross_share,switch_hazard,dropout_day,favourite_at_start,favourite_at_end,switches,purchases";
export const SWITCH_EVENTS_HEADER = "customer_id,mcc,day,date,from_merchant,to_merchant";

/** One merchants.csv line (with '\n'). */
export function merchantRow(m: SyntheticMerchant): string {
  return copyCsvLine([m.bankMerchantId, m.slug, m.name, m.mcc, m.city, m.region, m.country, m.timeZone, m.currency]);
}

/** One customers.csv line (with '\n'); unknown attributes are empty. */
export function customerRow(c: SyntheticCustomer): string {
  return copyCsvLine([c.customerId, c.gender, c.birthYear, c.maritalStatus, c.isPayroll, c.isCorporate, c.isPremium, c.region]);
}

/** One transactions.csv line (with '\n'). No field can hold a comma, so no quoting is needed. */
export function transactionRow(t: SyntheticTransaction): string {
  return `${t.transactionId},${t.merchantId},${t.customerId},${t.amountMinor},${t.currency},${t.occurredAt},${t.channel},${t.kind}\n`;
}

/** One customer_truths.csv line (with '\n'). */
export function customerTruthRow(t: CustomerTruth): string {
  return copyCsvLine([
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
  ]);
}

const sig = (x: number) => Number(x.toPrecision(6));

/** One customer_mcc_truths.csv line (with '\n'); rates per day, six significant digits. */
export function relationshipTruthRow(r: RelationshipTruth): string {
  return copyCsvLine([
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
  ]);
}

/** One switch_events.csv line (with '\n'). */
export function switchEventRow(s: SwitchEvent): string {
  return copyCsvLine([s.customerId, s.mcc, s.day, s.date, s.from, s.to]);
}
