import { describe, expect, it } from "vitest";
import { churnFactor, topFactors, type ExplainContext } from "@/lib/jobs/explain";
import type { ChurnFactor, ChurnFeatureName } from "@/lib/runs/churn";
import { renderChurnFactor, renderChurnFactors } from "@/lib/runs/render/churn";
import { runsTranslator } from "@/lib/runs/render/translator";

// Facts are stored (lib/jobs/explain.ts), words are rendered (lib/runs/render/churn.ts): these
// tests assert the words a factor renders to in both languages, as the stored texts read before.
const ctx: ExplainContext = { regions: ["Moscow", "Kazan"], cycleDays: 20 };
const currency = "RUB";
const words = (f: ChurnFactor) => ({
  en: renderChurnFactor(f, { locale: "en", currency }, runsTranslator("churn", "en")),
  ru: renderChurnFactor(f, { locale: "ru", currency }, runsTranslator("churn", "ru")),
});
/** The words of one factor, as the old factorText(feature, value, shap, ctx) returned them. */
const factorText = (feature: ChurnFeatureName, value: number | null, shap: number) => words(churnFactor(feature, value, shap, ctx));
const joinFactorTexts = (factors: readonly ChurnFactor[]) => ({
  en: renderChurnFactors(factors, { locale: "en", currency }, runsTranslator("churn", "en")),
  ru: renderChurnFactors(factors, { locale: "ru", currency }, runsTranslator("churn", "ru")),
});

describe("Russian plurals (ICU, messages/ru/churn.json units.days)", () => {
  it("follows the CLDR rules for Russian", () => {
    const t = runsTranslator("churn", "ru");
    const words = ["день", "дня", "дня", "дней", "дней", "дней", "дней", "день", "дня", "дней", "день", "дней"];
    const ns = [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111];
    expect(ns.map((n) => t("units.days", { days: n }))).toEqual(ns.map((n, i) => `${n} ${words[i]}`));
    // Fractions take "other" (1,5 дня); English has one/other.
    expect(t("units.days", { days: 1.5 })).toBe("1,5 дня");
    expect(runsTranslator("churn", "en")("units.days", { days: 1 })).toBe("1 day");
  });
});

describe("factor words", () => {
  it("names the risk when the value is on the risky side and SHAP raises the risk", () => {
    expect(factorText("competitorShare90d", 0.62, 0.4)).toEqual({
      en: "shops more at competitors: 62 % of category spend",
      ru: "чаще покупает у конкурентов: 62 % трат в категории",
    });
    expect(factorText("recencyDays", 48, 0.3)).toEqual({ en: "long since last purchase: 48 days", ru: "давно не покупал: 48 дней" });
    expect(factorText("competitorShareTrend", 0.15, 0.2)).toEqual({
      en: "moving to competitors: their share up 15 points in 90 days",
      ru: "уходит к конкурентам: их доля выросла на 15 п. п. за 90 дней",
    });
  });

  it("stays neutral when the value is not plainly risky or SHAP lowers the risk", () => {
    expect(factorText("competitorShare90d", 0.05, 0.1)).toEqual({ en: "5 % of category spend at competitors", ru: "5 % трат в категории — у конкурентов" });
    expect(factorText("recencyDays", 48, -0.3)).toEqual({ en: "last purchase 48 days ago", ru: "последняя покупка 48 дней назад" });
    expect(factorText("recencyDays", 1, 0.3)).toEqual({ en: "last purchase 1 day ago", ru: "последняя покупка 1 день назад" });
    expect(factorText("competitorShareTrend", -0.28, 0.2)).toEqual({
      en: "competitors' share down 28 points in 90 days",
      ru: "доля конкурентов снизилась на 28 п. п. за 90 дней",
    });
    expect(factorText("payroll", 1, -0.2)).toEqual({ en: "payroll client", ru: "зарплатный клиент" });
    expect(factorText("female", 0, 0.1)).toEqual({ en: "male", ru: "мужчина" });
    expect(factorText("region", 1, 0.1)).toEqual({ en: "region: Kazan", ru: "регион: Kazan" });
    expect(factorText("age", null, 0.1)).toEqual({ en: "Age: unknown", ru: "Возраст: неизвестно" });
    expect(factorText("monetaryMinor", 123456, 0.1).en).toBe("spends RUB\u00a01,235 per visit");
  });

  it("stores the facts, not words: code, value, unit, SHAP, direction, risk, region name", () => {
    expect(churnFactor("recencyDays", 48.123456, 0.30000049, ctx)).toEqual({
      feature: "recencyDays",
      shap: 0.3,
      direction: "raises",
      value: 48.1235,
      unit: "days",
      risk: true,
      category: null,
    });
    expect(churnFactor("recencyDays", 48, 0, ctx)).toMatchObject({ direction: "lowers", risk: false });
    expect(churnFactor("checkTrend", 0.7, 0.2, ctx)).toMatchObject({ unit: "ratio", risk: true });
    expect(churnFactor("checkTrend", 1.3, 0.2, ctx)).toMatchObject({ risk: false });
    expect(churnFactor("meanInterPurchaseDays", 20, 0.2, ctx)).toMatchObject({ risk: false });
    expect(churnFactor("meanInterPurchaseDays", 21, 0.2, ctx)).toMatchObject({ risk: true });
    expect(churnFactor("region", 0, -0.1, ctx)).toMatchObject({ unit: "ordinal", value: 0, category: "Moscow", risk: false });
    expect(churnFactor("region", 7, -0.1, ctx)).toMatchObject({ category: null });
    expect(churnFactor("age", NaN, 0.5, ctx)).toMatchObject({ value: null, risk: false, unit: "years" });
  });
});

describe("topFactors", () => {
  const features = ["recencyDays", "competitorShare90d", "age", "payroll"] as const;
  it("puts the risk-raising factors first, then the strongest lowering ones", () => {
    const f = topFactors([...features], [48, 0.7, 30, 1], [0.1, 0.9, -0.5, -0.05], ctx);
    expect(f.map((x) => [x.feature, x.shap, x.value])).toEqual([
      ["competitorShare90d", 0.9, 0.7],
      ["recencyDays", 0.1, 48],
      ["age", -0.5, 30],
    ]);
    expect(joinFactorTexts(f)).toEqual({
      en: "shops more at competitors: 70 % of category spend; long since last purchase: 48 days; age 30",
      ru: "чаще покупает у конкурентов: 70 % трат в категории; давно не покупал: 48 дней; возраст 30",
    });
  });

  it("reports a missing value as null", () => {
    const f = topFactors([...features], [NaN, 0.2, 30, 1], [0.3, 0, 0, 0], ctx, 1);
    expect(f).toEqual([{ feature: "recencyDays", shap: 0.3, direction: "raises", value: null, unit: "days", risk: false, category: null }]);
    expect(words(f[0])).toEqual({ en: "Days since last purchase: unknown", ru: "Дней с последней покупки: неизвестно" });
  });
});
