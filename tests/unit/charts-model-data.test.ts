import { describe, expect, it } from "vitest";
import type { EndpointData } from "@/lib/endpoints/define";
import { tableToCsv } from "@/lib/endpoints/export";
import { churn } from "@/lib/endpoints/views/churn";
import type { RevenueAtRiskRowWithText as RevenueAtRiskRow } from "@/lib/runs/churn";
import { segmentTreeNodes } from "@/lib/runs/render/segments";

/** The churn view's revenue-at-risk export (lib/endpoints: churn.tables through tableToCsv), which replaced revenueAtRiskCsv. */
function revenueAtRiskCsv(rows: RevenueAtRiskRow[], currency: string, lang: "en" | "ru", grossMarginBp: number | null = null): string {
  const data = { run: { summary: { revenueAtRisk: rows } }, latestAttempt: null, valueBasis: { grossMarginBp } } as unknown as EndpointData<typeof churn>;
  return tableToCsv(churn.tables!(data, { locale: lang })![0], lang, currency);
}
import type { RegressionTree } from "@/lib/models/cart";

describe("segmentTreeNodes", () => {
  // root splits on female; its right child (female) splits on age.
  const tree: RegressionTree = {
    featureNames: ["female", "male", "age", "corporate"],
    nodes: [
      { id: 0, depth: 0, samples: 100, value: 22000.4, impurity: 1, feature: 0, threshold: 0.5, left: 1, right: 2 },
      { id: 1, depth: 1, samples: 36, value: 7777.78, impurity: 1, feature: null, threshold: null, left: null, right: null },
      { id: 2, depth: 1, samples: 64, value: 30000, impurity: 1, feature: 2, threshold: 23.5, left: 3, right: 4 },
      { id: 3, depth: 2, samples: 39, value: 20384.6, impurity: 1, feature: null, threshold: null, left: null, right: null },
      { id: 4, depth: 2, samples: 25, value: 45000, impurity: 1, feature: null, threshold: null, left: null, right: null },
    ],
  };

  it("puts each parent's split into words on its children, in both languages", () => {
    expect(segmentTreeNodes(tree)).toEqual([
      { id: 0, depth: 0, samples: 100, valueMinor: 22000, left: 1, right: 2, splitFeature: "female", condition: null },
      {
        id: 1,
        depth: 1,
        samples: 36,
        valueMinor: 7778,
        left: null,
        right: null,
        splitFeature: null,
        condition: { en: "Not female", ru: "Не женщина" },
      },
      { id: 2, depth: 1, samples: 64, valueMinor: 30000, left: 3, right: 4, splitFeature: "age", condition: { en: "Female", ru: "Женщина" } },
      {
        id: 3,
        depth: 2,
        samples: 39,
        valueMinor: 20385,
        left: null,
        right: null,
        splitFeature: null,
        condition: { en: "Age <= 23.5", ru: "Возраст <= 23.5" },
      },
      {
        id: 4,
        depth: 2,
        samples: 25,
        valueMinor: 45000,
        left: null,
        right: null,
        splitFeature: null,
        condition: { en: "Age > 23.5", ru: "Возраст > 23.5" },
      },
    ]);
  });

  it("gives an empty tree no nodes", () => {
    expect(segmentTreeNodes({ nodes: [], featureNames: [] })).toEqual([]);
  });
});

describe("revenueAtRiskCsv", () => {
  const row = (id: string, pChurn: number, clvMinor: number, text: string): RevenueAtRiskRow => ({
    customerId: 1,
    bankCustomerId: id,
    pChurn,
    clvMinor,
    clvSource: "clv",
    revenueAtRiskMinor: Math.round(pChurn * clvMinor),
    factors: [],
    text: { en: text, ru: `ru ${text}` },
  });

  it("writes RFC 4180 CSV with major units and quoted factor text; without a margin the money is revenue, and says so", () => {
    const csv = revenueAtRiskCsv([row("C-001", 0.81234, 123456, 'No purchase for 90 days; "premium", yes')], "GBP", "en");
    expect(csv).toBe(
      'Bank customer id,P(churn),"CLV in revenue (no margin set), GBP",CLV source,"Revenue at risk in revenue (no margin set), GBP",Top factors\r\n' +
        'C-001,0.8123,1234.56,clv,1002.88,"No purchase for 90 days; ""premium"", yes"\r\n',
    );
  });

  it("follows the currency's minor-unit digits and the user's language", () => {
    expect(revenueAtRiskCsv([row("7", 0.5, 1000, "x")], "JPY", "ru").split("\r\n")).toEqual([
      'ID клиента банка,P(отток),"CLV в выручке (маржа не задана), JPY",Источник CLV,"Выручка под риском (маржа не задана), JPY",Главные факторы',
      "7,0.5000,1000,clv,500,ru x",
      "",
    ]);
  });

  it("gives CLV and revenue at risk in margin when the merchant set one (issue 17), in both languages", () => {
    // 35.5 %: 123456 × 0.355 = 43826.88 → 43827 minor units; 100288 × 0.355 = 35602.24 → 35602.
    const rows = [row("C-001", 0.81234, 123456, "x")];
    expect(rows[0].revenueAtRiskMinor).toBe(100_288);
    expect(revenueAtRiskCsv(rows, "GBP", "en", 3550).split("\r\n")).toEqual([
      'Bank customer id,P(churn),"CLV in margin, GBP",CLV source,"Revenue at risk in margin, GBP",Top factors',
      "C-001,0.8123,438.27,clv,356.02,x",
      "",
    ]);
    expect(revenueAtRiskCsv(rows, "GBP", "ru", 3550).split("\r\n")).toEqual([
      'ID клиента банка,P(отток),"CLV в марже, GBP",Источник CLV,"Под риском в марже, GBP",Главные факторы',
      "C-001,0.8123,438.27,clv,356.02,ru x",
      "",
    ]);
    // The whole margin is the revenue itself.
    expect(revenueAtRiskCsv(rows, "GBP", "en", 10_000).split("\r\n")[1]).toBe("C-001,0.8123,1234.56,clv,1002.88,x");
  });
});
