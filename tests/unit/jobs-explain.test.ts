import { describe, expect, it } from "vitest";
import { factorText, joinFactorTexts, ruPlural, topFactors, type ExplainContext } from "@/lib/jobs/explain";

const ctx: ExplainContext = { currency: "RUB", regions: ["Moscow", "Kazan"], cycleDays: 20 };

describe("ruPlural", () => {
  it("follows the CLDR rules for Russian", () => {
    const days = (n: number) => ruPlural(n, "день", "дня", "дней");
    expect([1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map(days)).toEqual([
      "день", "дня", "дня", "дней", "дней", "дней", "дней", "день", "дня", "дней", "день", "дней",
    ]);
  });
});

describe("factorText", () => {
  it("names the risk when the value is on the risky side and SHAP raises the risk", () => {
    expect(factorText("competitorShare90d", 0.62, 0.4, ctx)).toEqual({
      en: "shops more at competitors: 62 % of category spend",
      ru: "чаще покупает у конкурентов: 62 % трат в категории",
    });
    expect(factorText("recencyDays", 48, 0.3, ctx)).toEqual({ en: "long since last purchase: 48 days", ru: "давно не покупал: 48 дней" });
    expect(factorText("competitorShareTrend", 0.15, 0.2, ctx)).toEqual({
      en: "moving to competitors: their share up 15 points in 90 days",
      ru: "уходит к конкурентам: их доля выросла на 15 п. п. за 90 дней",
    });
  });

  it("stays neutral when the value is not plainly risky or SHAP lowers the risk", () => {
    expect(factorText("competitorShare90d", 0.05, 0.1, ctx)).toEqual({ en: "5 % of category spend at competitors", ru: "5 % трат в категории — у конкурентов" });
    expect(factorText("recencyDays", 48, -0.3, ctx)).toEqual({ en: "last purchase 48 days ago", ru: "последняя покупка 48 дней назад" });
    expect(factorText("recencyDays", 1, 0.3, ctx)).toEqual({ en: "last purchase 1 day ago", ru: "последняя покупка 1 день назад" });
    expect(factorText("competitorShareTrend", -0.28, 0.2, ctx)).toEqual({
      en: "competitors' share down 28 points in 90 days",
      ru: "доля конкурентов снизилась на 28 п. п. за 90 дней",
    });
    expect(factorText("payroll", 1, -0.2, ctx)).toEqual({ en: "payroll client", ru: "зарплатный клиент" });
    expect(factorText("female", 0, 0.1, ctx)).toEqual({ en: "male", ru: "мужчина" });
    expect(factorText("region", 1, 0.1, ctx)).toEqual({ en: "region: Kazan", ru: "регион: Kazan" });
    expect(factorText("age", null, 0.1, ctx)).toEqual({ en: "Age: unknown", ru: "Возраст: неизвестно" });
    expect(factorText("monetaryMinor", 123456, 0.1, ctx).en).toBe("spends RUB\u00a01,235 per visit");
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
    expect(f).toEqual([{ feature: "recencyDays", shap: 0.3, value: null, text: { en: "Days since last purchase: unknown", ru: "Дней с последней покупки: неизвестно" } }]);
  });
});
