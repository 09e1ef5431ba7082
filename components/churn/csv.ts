import { toCsv } from "@/lib/csv";
import { currencyDigits, toMajor } from "@/lib/format";
import type { RevenueAtRiskRow } from "@/lib/runs/churn";
import type { LocalizedText } from "@/lib/runs/contract";
import { uiLocale } from "@/lib/i18n/translator";
import { renderChurnFactors } from "@/lib/runs/render/churn";
import { runsTranslator } from "@/lib/runs/render/translator";

/**
 * The revenue-at-risk list as CSV (RFC 4180, CRLF, header row, formula-safe: lib/csv) for the
 * merchant's own tools: the bank customer id to match with loyalty data, P(churn) as a fraction
 * with 4 decimals, money in major units of the currency with its minor-unit digits, the CLV's
 * source and the top factors in words in the user's language, rendered from the stored factor
 * codes (lib/runs/render/churn.ts, messages/<locale>/churn.json). Rows as the reader hands them
 * out already carry those words (`text`, rendered from the same codes by the same renderer);
 * rows with codes only are rendered here.
 *
 * @param locale a UI locale ('en', 'ru'; others fall back to their language, then English)
 */
export function revenueAtRiskCsv(rows: ReadonlyArray<RevenueAtRiskRow & { text?: Partial<LocalizedText> }>, currency: string, locale: string): string {
  const lang = uiLocale(locale);
  const t = runsTranslator("churn", lang);
  const describe = (row: RevenueAtRiskRow & { text?: Partial<LocalizedText> }) => row.text?.[lang] ?? renderChurnFactors(row.factors, { locale: lang, currency }, t);
  const digits = currencyDigits(currency);
  const major = (minor: number) => toMajor(minor, currency).toFixed(digits);
  const header = ["bank_customer_id", "p_churn", `clv_${currency}`, "clv_source", `revenue_at_risk_${currency}`, "factors"];
  return toCsv(
    header,
    rows.map((r) => [r.bankCustomerId, r.pChurn.toFixed(4), major(r.clvMinor), r.clvSource, major(r.revenueAtRiskMinor), describe(r)]),
  );
}
