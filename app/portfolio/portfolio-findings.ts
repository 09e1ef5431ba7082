import { listMerchantAccesses, type Actor } from "@/lib/auth/access";
import { getFindingsResults } from "@/lib/analytics/getForecastFindings";
import type { PortfolioFinding } from "@/components/hooks/useFindings";

/** Findings shown in the portfolio feed. */
export const PORTFOLIO_FEED_SIZE = 20;

/**
 * The relationship manager's feed: the alerts of every merchant the actor may open, each read
 * from that merchant's latest findings run through its own authorized, RLS-scoped access (never a
 * cross-merchant query), merged and ranked by money impact (amounts are compared as they are;
 * a portfolio in one currency is the usual case), top {@link PORTFOLIO_FEED_SIZE}. Merchants whose
 * plan lacks the findings feature are left out.
 */
export async function loadPortfolioFindings(actor: Actor): Promise<PortfolioFinding[]> {
  const all: PortfolioFinding[] = [];
  for (const access of await listMerchantAccesses(actor)) {
    // Bank staff see what the merchant's plan shows (lib/billing): no findings beyond the plan.
    if (!access.entitlements.features.has("findings")) continue;
    const run = await access.run(getFindingsResults);
    if (!run) continue;
    for (const finding of run.summary.findings) {
      if (finding.tier !== "alert") continue;
      all.push({ slug: access.merchant.slug, name: access.merchant.name, currency: access.merchant.currency, asOf: run.summary.asOf, finding });
    }
  }
  all.sort((a, b) => b.finding.impactMinor - a.finding.impactMinor || a.slug.localeCompare(b.slug) || a.finding.id.localeCompare(b.finding.id));
  return all.slice(0, PORTFOLIO_FEED_SIZE);
}
