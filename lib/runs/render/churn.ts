import { LOCALES } from "@/lib/i18n/config";
import { formatMoney, formatNumber } from "@/lib/format";
import type { ChurnFactor, ChurnFactorWithText, ChurnSummary, ChurnSummaryWithText, RevenueAtRiskRow, RevenueAtRiskRowWithText } from "../churn";
import type { LocalizedText } from "../contract";
import { runsTranslator, type Translate } from "./translator";

/*
 * Churn factors in words: the one renderer of a stored factor (lib/runs/churn.ts, codes and
 * numbers) for every reader — the pages, the CSV export, the CLI and the API — with templates in
 * messages/<locale>/churn.json (`factorText.*`, ICU plurals) and numbers formatted for the locale
 * by lib/format. Pure: the caller passes a translator of the `churn` namespace (useTranslations
 * in React, runsTranslator("churn", locale) elsewhere).
 *
 * Wording rule (docs/models/jobs.md "Explanations"): a text always states the value truthfully
 * ("last purchase 12 days ago"); it names the risk only when the stored factor says so
 * (`risk`: the model says the factor raises the risk AND the value is plainly on the risky side).
 */

/** What the templates need besides the factor. */
export interface FactorRenderContext {
  locale: string;
  /** The merchant's currency (ISO 4217), for money values. */
  currency: string;
}

/** A 0..1 share as whole percent for "{percent} %": 0.62 → "62", 0.625 → "63" (Math.round). */
const percent = (share: number) => String(Math.round(share * 100));
/** A difference of shares as whole percentage points, magnitude: −0.28 → "28". */
const points = (delta: number) => String(Math.round(Math.abs(delta) * 100));

/**
 * One factor in words, e.g. "long since last purchase: 48 days" / "давно не покупал: 48 дней".
 * @param t a translator of the `churn` namespace
 */
export function renderChurnFactor(f: ChurnFactor, ctx: FactorRenderContext, t: Translate): string {
  const v = f.value;
  if (v === null || !Number.isFinite(v)) return t("factorText.unknown", { feature: t(`factors.${f.feature}`) });
  const days = Math.round(v);
  const wording = f.risk ? "risk" : "neutral";
  const yesNo = v >= 0.5 ? "yes" : "no";
  switch (f.feature) {
    case "recencyDays":
    case "meanInterPurchaseDays":
      return t(`factorText.${f.feature}.${wording}`, { days });
    case "frequency180d":
    case "tenureDays":
      return t(`factorText.${f.feature}`, { days });
    case "monetaryMinor":
      return t("factorText.monetaryMinor", { money: formatMoney(v, ctx.currency, ctx.locale, { whole: true }) });
    case "interPurchaseCv":
      return t("factorText.interPurchaseCv", { cv: formatNumber(Math.round(v * 10) / 10, ctx.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) });
    case "checkTrend":
    case "competitorShare90d":
      return t(`factorText.${f.feature}.${wording}`, { percent: percent(v) });
    case "competitorShareTrend": {
      const variant = f.risk ? "risk" : v > 0 ? "up" : v < 0 ? "down" : "unchanged";
      return t(`factorText.competitorShareTrend.${variant}`, { points: points(v) });
    }
    case "age":
      return t("factorText.age", { age: String(days) });
    case "female":
    case "payroll":
    case "corporate":
    case "premium":
      return t(`factorText.${f.feature}.${yesNo}`);
    case "region":
      return t("factorText.region", { region: f.category ?? "?" });
    default: {
      const never: never = f.feature;
      throw new Error(`renderChurnFactor: unknown feature ${String(never)}`);
    }
  }
}

/** A customer's factors in words, joined with "; " (the revenue-at-risk list and its CSV). */
export function renderChurnFactors(factors: readonly ChurnFactor[], ctx: FactorRenderContext, t: Translate): string {
  return factors.map((f) => renderChurnFactor(f, ctx, t)).join("; ");
}

/** A factor in every UI locale (server side: next-intl createTranslator over messages/<locale>/churn.json). */
function churnFactorText(f: ChurnFactor, currency: string): LocalizedText {
  return Object.fromEntries(LOCALES.map((locale) => [locale, renderChurnFactor(f, { locale, currency }, runsTranslator("churn", locale))])) as LocalizedText;
}

/** A revenue-at-risk row with its words in every UI locale: each factor's, and all of them joined. */
export function withChurnTexts(row: RevenueAtRiskRow, currency: string): RevenueAtRiskRowWithText {
  const factors: ChurnFactorWithText[] = row.factors.map((f) => ({ ...f, text: churnFactorText(f, currency) }));
  const text = Object.fromEntries(LOCALES.map((locale) => [locale, factors.map((f) => f.text[locale]).join("; ")])) as LocalizedText;
  return { ...row, factors, text };
}

/** The churn summary as readers hand it out: every revenue-at-risk row with its words. */
export function churnSummaryWithTexts(summary: ChurnSummary, currency: string): ChurnSummaryWithText {
  return { ...summary, revenueAtRisk: summary.revenueAtRisk.map((r) => withChurnTexts(r, currency)) };
}
