import type { PortfolioRow } from "./portfolio";

/*
 * The portfolio's search and sort (issue 19, item 11), pure so the page and its test share it.
 * Client-safe: imports only a type.
 */

/** The orders the portfolio offers; each puts merchants without the figure last. */
export const PORTFOLIO_SORTS = ["name", "netRevenue", "growth", "risk", "plan", "request"] as const;
export type PortfolioSort = (typeof PORTFOLIO_SORTS)[number];

const PLAN_RANK: Record<string, number> = { business: 3, pro: 2, start: 1 };

/** The sort key of a row (larger first, except name); null sorts last. */
function key(row: PortfolioRow, sort: PortfolioSort): number | string | null {
  switch (sort) {
    case "name":
      return row.name.toLocaleLowerCase();
    case "netRevenue":
      return row.overview?.current.netRevenueMinor ?? null;
    case "growth":
      return row.overview?.change.netRevenueMinor ?? null;
    case "risk":
      return row.risk?.expectedShare ?? null;
    case "plan":
      return row.plan ? PLAN_RANK[row.plan] : null;
    case "request":
      return row.upgradeRequest ? Date.parse(row.upgradeRequest.requestedAt) : null;
  }
}

/**
 * The rows whose name, slug or MCC contains `query` (case-insensitive, trimmed; empty keeps all),
 * ordered by `sort`: name A→Z; every other order largest first (net revenue, growth of net
 * revenue, churn risk share, plan Business→Start, newest upgrade request). Rows without the
 * figure come last; ties keep name order. Pure; the input is not modified.
 */
export function arrangePortfolio(rows: readonly PortfolioRow[], query: string, sort: PortfolioSort): PortfolioRow[] {
  const q = query.trim().toLocaleLowerCase();
  const kept = q ? rows.filter((r) => `${r.name} ${r.slug} ${r.mcc}`.toLocaleLowerCase().includes(q)) : [...rows];
  const byName = (a: PortfolioRow, b: PortfolioRow) => a.name.localeCompare(b.name);
  return kept.sort((a, b) => {
    const ka = key(a, sort);
    const kb = key(b, sort);
    if (ka === null || kb === null) return ka === kb ? byName(a, b) : ka === null ? 1 : -1;
    if (typeof ka === "string" || typeof kb === "string") return String(ka).localeCompare(String(kb)) || byName(a, b);
    return kb - ka || byName(a, b);
  });
}
