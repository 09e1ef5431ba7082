import type { RevenueAtRiskRow } from "@/lib/analytics/getModelResults";
import { toCsv } from "@/lib/csv";
import { currencyDigits, toMajor } from "@/lib/format";

/**
 * The revenue-at-risk list as CSV (RFC 4180, CRLF, header row; lib/csv toCsv, so no cell can
 * start a spreadsheet formula) for the merchant's own tools: the bank customer id to match with
 * loyalty data, P(churn) as a fraction with 4 decimals, money in major units of the currency
 * with its minor-unit digits, the CLV's source and the top factors in words in the user's
 * language. Kept here, under its name, until the endpoints' export (issue 12, item 1) takes the
 * churn view's tables over.
 */
export function revenueAtRiskCsv(rows: readonly RevenueAtRiskRow[], currency: string, lang: "en" | "ru"): string {
  const digits = currencyDigits(currency);
  const major = (minor: number) => toMajor(minor, currency).toFixed(digits);
  const header = ["bank_customer_id", "p_churn", `clv_${currency}`, "clv_source", `revenue_at_risk_${currency}`, "factors"];
  return toCsv(
    header,
    rows.map((r) => [r.bankCustomerId, r.pChurn.toFixed(4), major(r.clvMinor), r.clvSource, major(r.revenueAtRiskMinor), r.text[lang]]),
  );
}
