import { describe, expect, it } from "vitest";
import { arrangePortfolio } from "@/lib/endpoints/portfolioArrange";
import type { PortfolioRow } from "@/lib/endpoints/portfolio";

/** A portfolio row with only the fields the arrangement reads. */
function row(name: string, o: { net?: number; growth?: number | null; risk?: number; plan?: "start" | "pro" | "business"; requested?: string; mcc?: string } = {}): PortfolioRow {
  return {
    slug: name.toLowerCase().replace(/\s+/g, "-"),
    name,
    mcc: o.mcc ?? "5411",
    currency: "RUB",
    role: "relationship_manager",
    firstDay: null,
    lastDay: null,
    period: null,
    overview:
      o.net === undefined
        ? null
        : ({ current: { netRevenueMinor: o.net }, change: { netRevenueMinor: o.growth ?? null } } as unknown as PortfolioRow["overview"]),
    plan: o.plan ?? null,
    status: o.plan ? "active" : null,
    trialEndsAt: null,
    upgradeRequest: o.requested ? { plan: "pro", requestedAt: o.requested } : null,
    risk: o.risk === undefined ? null : { expectedShare: o.risk, revenueAtRiskMinor: 0, grossMarginBp: null },
  };
}

const rows = [
  row("Бистро «Чайка», Москва", { net: 500, growth: 0.1, risk: 0.3, plan: "pro", mcc: "5812" }),
  row("Apteka", { net: 900, growth: -0.2, plan: "business", requested: "2026-12-01T10:00:00.000Z" }),
  row("Zelyonaya", { net: 100, growth: null, risk: 0.5, plan: "start", requested: "2026-12-02T10:00:00.000Z" }),
  row("Bank only"),
];
const names = (r: PortfolioRow[]) => r.map((x) => x.name);

describe("arrangePortfolio", () => {
  it("sorts by name, and by each figure largest first with missing figures last", () => {
    expect(names(arrangePortfolio(rows, "", "name"))).toEqual(["Apteka", "Bank only", "Zelyonaya", "Бистро «Чайка», Москва"]);
    expect(names(arrangePortfolio(rows, "", "netRevenue"))).toEqual(["Apteka", "Бистро «Чайка», Москва", "Zelyonaya", "Bank only"]);
    expect(names(arrangePortfolio(rows, "", "growth"))).toEqual(["Бистро «Чайка», Москва", "Apteka", "Bank only", "Zelyonaya"]);
    expect(names(arrangePortfolio(rows, "", "risk"))).toEqual(["Zelyonaya", "Бистро «Чайка», Москва", "Apteka", "Bank only"]);
    expect(names(arrangePortfolio(rows, "", "plan"))).toEqual(["Apteka", "Бистро «Чайка», Москва", "Zelyonaya", "Bank only"]);
    expect(names(arrangePortfolio(rows, "", "request"))).toEqual(["Zelyonaya", "Apteka", "Bank only", "Бистро «Чайка», Москва"]);
  });

  it("searches name, slug and MCC case-insensitively, Cyrillic included", () => {
    expect(names(arrangePortfolio(rows, "  ЧАЙКА ", "name"))).toEqual(["Бистро «Чайка», Москва"]);
    expect(names(arrangePortfolio(rows, "5812", "name"))).toEqual(["Бистро «Чайка», Москва"]);
    expect(names(arrangePortfolio(rows, "bank-only", "name"))).toEqual(["Bank only"]);
    expect(arrangePortfolio(rows, "nothing like it", "name")).toEqual([]);
    expect(rows.map((r) => r.name)[0]).toBe("Бистро «Чайка», Москва");
  });
});
