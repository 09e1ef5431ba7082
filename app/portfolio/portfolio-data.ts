import { listAccessibleMerchants, resolveMerchantAccess, type Actor } from "@/lib/auth/access";
import { getDataRange } from "@/lib/analytics/getDataRange";
import { getOverview } from "@/lib/analytics/getOverview";
import type { Period } from "@/lib/days";
import { anchorEnd, DEFAULT_DAYS, presetPeriod } from "@/components/period";
import type { Portfolio, PortfolioRow } from "@/components/portfolio/types";

export type { Portfolio, PortfolioRow };

/**
 * The portfolio of an actor: every merchant they may open (a relationship manager's memberships,
 * every merchant for a bank admin), each read through its own authorized, RLS-scoped access
 * (never a cross-merchant query). Without a requested period each merchant gets the 30 days
 * ending at its own latest data day, so merchants whose data ends at different dates all show
 * figures. Merchants are read one after another: one scoped transaction each.
 */
export async function loadPortfolio(actor: Actor, requested: Period | null): Promise<Portfolio> {
  const merchants = await listAccessibleMerchants(actor);
  const rows: PortfolioRow[] = [];
  for (const m of merchants) {
    const access = await resolveMerchantAccess(actor, m.slug);
    if (!access) continue; // membership revoked between the two reads
    const row = await access.run(async (ctx) => {
      const range = await getDataRange(ctx);
      const period = requested ?? (range.lastDay ? presetPeriod(DEFAULT_DAYS, anchorEnd(range.lastDay, m.timeZone)) : null);
      const overview = period ? await getOverview(ctx, period) : null;
      return { firstDay: range.firstDay, lastDay: range.lastDay, period, overview };
    });
    rows.push({ slug: m.slug, name: m.name, mcc: m.mcc, currency: m.currency, role: m.role, ...row });
  }
  const lastDays = rows.map((r) => r.lastDay).filter((d): d is string => d !== null).sort();
  const latest = lastDays.at(-1) ?? null;
  return { period: requested, end: latest ? anchorEnd(latest, "UTC") : null, rows };
}
