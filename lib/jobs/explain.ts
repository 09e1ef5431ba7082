/*
 * Churn explanations in plain words (en, ru) from a customer's top SHAP factors. Pure;
 * unit-tested in tests/unit/jobs-explain.test.ts.
 *
 * A factor with SHAP > 0 raises the customer's churn risk, < 0 lowers it. Every text states the
 * customer's value in words a shop owner uses, and is true whatever the sign: "last purchase 12
 * days ago". Where a value is plainly on the risky side AND the model says it raises the risk,
 * the text names the risk ("long since last purchase: 48 days", "shops more at competitors:
 * 62 % of category spend"): recency at least the merchant's purchase cycle, competitor share of
 * at least 50 %, a rising competitor share, a falling average check, intervals longer than the
 * cycle. Anything else gets the neutral wording, so the model is never made to say what it did
 * not find.
 */
import type { ChurnFactor } from "@/lib/analytics/getModelResults";
import { CHURN_FEATURE_LABELS, type ChurnFeatureName } from "@/lib/analytics/getChurnFeatures";
import { formatMoney } from "@/lib/format";

/** What the templates need besides the factor. */
export interface ExplainContext {
  /** The merchant's currency (ISO 4217) for money values. */
  currency: string;
  /** Region ordinal → name (the run's mapping). */
  regions: readonly string[];
  /** The merchant's purchase cycle in days (median inter-purchase days): the "long since" threshold. */
  cycleDays: number;
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
 * The plain-words text of one factor (see the module comment for when the risk wording is used).
 * @param feature the model column
 * @param value   the customer's value of it (units of CHURN_FEATURES); null = unknown
 * @param shap    its SHAP value (> 0 raises the risk)
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
      return up && value >= ctx.cycleDays
        ? { en: `long since last purchase: ${enDays(n)}`, ru: `давно не покупал: ${ruDays(n)}` }
        : { en: `last purchase ${enDays(n)} ago`, ru: `последняя покупка ${ruDays(n)} назад` };
    case "frequency180d":
      return { en: `${enDays(n)} with purchases in 180 days`, ru: `${ruDays(n)} с покупками за 180 дней` };
    case "monetaryMinor":
      return {
        en: `spends ${formatMoney(value, ctx.currency, "en", { whole: true })} per visit`,
        ru: `тратит ${formatMoney(value, ctx.currency, "ru", { whole: true })} за визит`,
      };
    case "tenureDays":
      return { en: `first purchase ${enDays(n)} ago`, ru: `первая покупка ${ruDays(n)} назад` };
    case "meanInterPurchaseDays":
      return up && value > ctx.cycleDays
        ? { en: `buys rarely: every ${enDays(n)} on average`, ru: `покупает редко: в среднем раз в ${ruDays(n)}` }
        : { en: `buys every ${enDays(n)} on average`, ru: `покупает в среднем раз в ${ruDays(n)}` };
    case "interPurchaseCv":
      return { en: `variation of visit intervals ${fixed1(value)}`, ru: `разброс интервалов между визитами ${fixed1(value).replace(".", ",")}` };
    case "checkTrend":
      return up && value < 1
        ? { en: `average check down to ${pct(value)} of the previous 90 days`, ru: `средний чек снизился до ${pct(value)} от предыдущих 90 дней` }
        : { en: `average check ${pct(value)} of the previous 90 days`, ru: `средний чек — ${pct(value)} от предыдущих 90 дней` };
    case "competitorShare90d":
      return up && value >= 0.5
        ? { en: `shops more at competitors: ${pct(value)} of category spend`, ru: `чаще покупает у конкурентов: ${pct(value)} трат в категории` }
        : { en: `${pct(value)} of category spend at competitors`, ru: `${pct(value)} трат в категории — у конкурентов` };
    case "competitorShareTrend":
      if (up && value > 0) {
        return { en: `moving to competitors: their share up ${points(value)} points in 90 days`, ru: `уходит к конкурентам: их доля выросла на ${points(value)} п. п. за 90 дней` };
      }
      return value > 0
        ? { en: `competitors' share up ${points(value)} points in 90 days`, ru: `доля конкурентов выросла на ${points(value)} п. п. за 90 дней` }
        : value < 0
          ? { en: `competitors' share down ${points(value)} points in 90 days`, ru: `доля конкурентов снизилась на ${points(value)} п. п. за 90 дней` }
          : { en: "competitors' share unchanged in 90 days", ru: "доля конкурентов не изменилась за 90 дней" };
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
 * The top `k` factors of one customer, with their texts: the features raising the churn risk
 * most (largest positive SHAP first); when fewer than `k` raise it, the strongest ones lowering
 * it (largest |SHAP|) complete the list. Ties go to the model column order; a SHAP of exactly 0
 * counts as lowering.
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
  const idx = features.map((_, i) => i);
  const raising = idx.filter((i) => shap[i] > 0).sort((a, b) => shap[b] - shap[a] || a - b);
  const lowering = idx.filter((i) => !(shap[i] > 0)).sort((a, b) => Math.abs(shap[b]) - Math.abs(shap[a]) || a - b);
  const order = [...raising, ...lowering];
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
