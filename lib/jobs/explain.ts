/*
 * Churn explanations in plain words (en, ru) from a customer's top SHAP factors: one template per
 * feature and direction. Pure; unit-tested in tests/unit/jobs-explain.test.ts.
 *
 * A factor with SHAP > 0 raises the customer's churn risk, < 0 lowers it. The templates say what
 * the value is in words a shop owner uses ("long since last purchase: 48 days"); the direction
 * picks the wording where both make sense ("bought recently: 3 days ago").
 */
import type { ChurnFactor } from "@/lib/analytics/getModelResults";
import { CHURN_FEATURE_LABELS, type ChurnFeatureName } from "@/lib/analytics/getChurnFeatures";
import { formatMoney } from "@/lib/format";

/** What the templates need besides the factor: the merchant's currency and the region names. */
export interface ExplainContext {
  currency: string;
  /** Region ordinal → name (the run's mapping). */
  regions: readonly string[];
}

/**
 * Russian plural of a count: `one` for 1, 21, 31 … (not 11), `few` for 2–4, 22–24 … (not
 * 12–14), `many` otherwise (CLDR plural rules for ru, integers).
 */
export function ruPlural(n: number, one: string, few: string, many: string): string {
  const a = Math.abs(Math.trunc(n));
  const mod10 = a % 10;
  const mod100 = a % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

const enDays = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;
const ruDays = (n: number) => `${n} ${ruPlural(n, "день", "дня", "дней")}`;
/** A 0..1 share as whole percent, Math.round: 0.62 → "62 %", 0.625 → "63 %". */
const pct = (share: number) => `${Math.round(share * 100)} %`;
const points = (delta: number) => Math.round(Math.abs(delta) * 100);
const fixed1 = (v: number) => (Math.round(v * 10) / 10).toFixed(1);

type Text = { en: string; ru: string };

/**
 * The plain-words text of one factor.
 * @param feature the model column
 * @param value   the customer's value of it (units of CHURN_FEATURES); null = unknown
 * @param shap    its SHAP value (sign = direction)
 */
export function factorText(feature: ChurnFeatureName, value: number | null, shap: number, ctx: ExplainContext): Text {
  const up = shap > 0;
  if (value === null || !Number.isFinite(value)) {
    const label = CHURN_FEATURE_LABELS[feature];
    return { en: `${label.en}: unknown`, ru: `${label.ru}: неизвестно` };
  }
  const n = Math.round(value);
  switch (feature) {
    case "recencyDays":
      return up
        ? { en: `long since last purchase: ${enDays(n)}`, ru: `давно не покупал: ${ruDays(n)}` }
        : { en: `bought recently: ${enDays(n)} ago`, ru: `покупал недавно: ${ruDays(n)} назад` };
    case "frequency180d":
      return up
        ? { en: `few purchases: ${enDays(n)} with purchases in 180 days`, ru: `мало покупок: ${ruDays(n)} с покупками за 180 дней` }
        : { en: `buys often: ${enDays(n)} with purchases in 180 days`, ru: `покупает часто: ${ruDays(n)} с покупками за 180 дней` };
    case "monetaryMinor": {
      const en = formatMoney(value, ctx.currency, "en", { whole: true });
      const ru = formatMoney(value, ctx.currency, "ru", { whole: true });
      return up
        ? { en: `low spend per visit: ${en}`, ru: `небольшие траты за визит: ${ru}` }
        : { en: `high spend per visit: ${en}`, ru: `крупные траты за визит: ${ru}` };
    }
    case "tenureDays":
      return up
        ? { en: `new customer: first purchase ${enDays(n)} ago`, ru: `новый клиент: первая покупка ${ruDays(n)} назад` }
        : { en: `long-standing customer: first purchase ${enDays(n)} ago`, ru: `давний клиент: первая покупка ${ruDays(n)} назад` };
    case "meanInterPurchaseDays":
      return up
        ? { en: `buys rarely: every ${enDays(n)} on average`, ru: `покупает редко: в среднем раз в ${ruDays(n)}` }
        : { en: `buys regularly: every ${enDays(n)} on average`, ru: `покупает регулярно: в среднем раз в ${ruDays(n)}` };
    case "interPurchaseCv":
      return up
        ? { en: `irregular visits (variation ${fixed1(value)})`, ru: `нерегулярные визиты (вариация ${fixed1(value).replace(".", ",")})` }
        : { en: `steady visits (variation ${fixed1(value)})`, ru: `равномерные визиты (вариация ${fixed1(value).replace(".", ",")})` };
    case "checkTrend":
      return value < 1
        ? { en: `average check down to ${pct(value)} of the previous 90 days`, ru: `средний чек снизился до ${pct(value)} от предыдущих 90 дней` }
        : { en: `average check at ${pct(value)} of the previous 90 days`, ru: `средний чек — ${pct(value)} от предыдущих 90 дней` };
    case "competitorShare90d":
      return up
        ? { en: `shops more at competitors: ${pct(value)} of category spend`, ru: `чаще покупает у конкурентов: ${pct(value)} трат в категории` }
        : { en: `loyal in the category: ${pct(value)} of category spend at competitors`, ru: `верен в категории: у конкурентов ${pct(value)} трат` };
    case "competitorShareTrend":
      return value > 0
        ? { en: `moving to competitors: their share up ${points(value)} points in 90 days`, ru: `уходит к конкурентам: их доля выросла на ${points(value)} п. п. за 90 дней` }
        : { en: `competitors' share down ${points(value)} points in 90 days`, ru: `доля конкурентов снизилась на ${points(value)} п. п. за 90 дней` };
    case "age":
      return { en: `age ${n}`, ru: `возраст ${n}` };
    case "female":
      return value >= 0.5 ? { en: "female", ru: "женщина" } : { en: "male", ru: "мужчина" };
    case "payroll":
      return value >= 0.5 ? { en: "payroll client", ru: "зарплатный клиент" } : { en: "not a payroll client", ru: "не зарплатный клиент" };
    case "corporate":
      return value >= 0.5 ? { en: "corporate client", ru: "корпоративный клиент" } : { en: "not a corporate client", ru: "не корпоративный клиент" };
    case "premium":
      return value >= 0.5 ? { en: "premium client", ru: "премиальный клиент" } : { en: "not a premium client", ru: "не премиальный клиент" };
    case "region": {
      const name = ctx.regions[n] ?? "?";
      return { en: `region: ${name}`, ru: `регион: ${name}` };
    }
    default: {
      const never: never = feature;
      throw new Error(`factorText: unknown feature ${String(never)}`);
    }
  }
}

/**
 * The top `k` factors of one customer by |SHAP| (ties: model column order), with their texts.
 * @param values the customer's feature values in model column order (NaN = missing)
 * @param shap   SHAP values in the same order
 */
export function topFactors(
  features: readonly ChurnFeatureName[],
  values: ArrayLike<number>,
  shap: ArrayLike<number>,
  ctx: ExplainContext,
  k = 3,
): ChurnFactor[] {
  const order = features.map((_, i) => i).sort((a, b) => Math.abs(shap[b]) - Math.abs(shap[a]) || a - b);
  return order.slice(0, k).map((i) => {
    const v = Number.isNaN(values[i]) ? null : values[i];
    return {
      feature: features[i],
      shap: Math.round(shap[i] * 1e6) / 1e6,
      value: v === null ? null : Math.round(v * 1e4) / 1e4,
      text: factorText(features[i], v, shap[i], ctx),
    };
  });
}

/** The factors' texts joined with "; " per language. */
export function joinFactorTexts(factors: readonly ChurnFactor[]): Text {
  return { en: factors.map((f) => f.text.en).join("; "), ru: factors.map((f) => f.text.ru).join("; ") };
}
