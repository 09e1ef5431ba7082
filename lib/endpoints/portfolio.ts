import { getDatabase } from "@/db/client";
import { listMerchantAccesses, type AccessRole, type Actor } from "@/lib/auth/access";
import { getFindingsResults } from "@/lib/analytics/getForecastFindings";
import type { Overview } from "@/lib/analytics/getOverview";
import { getPortfolioFigures } from "@/lib/analytics/getPortfolioFigures";
import type { Period } from "@/lib/days";
import type { Finding } from "@/lib/findings/types";
import { addDays } from "@/lib/days";
import { inMargin } from "@/lib/format";
import type { PlanId } from "@/lib/billing";
import { withPortfolioScope } from "@/lib/tenancy/scope";

/*
 * The actor-level views (not one merchant's): the portfolio of a relationship manager, a bank
 * admin or a merchant user with several merchants, and its findings feed. They stay outside the
 * merchant registry (no slug, no token API) and are served by app/api/portfolio/** behind
 * withActorRoute. The portfolio reads its authorized merchants in one portfolio scope (RLS over
 * exactly those merchants); the feed reads each merchant through its own RLS-scoped access.
 */

/** Days of each merchant's own default period (the dashboard's default preset). */
const PORTFOLIO_DAYS = 30;

/** One merchant of the portfolio: who it is, the period its figures cover, its overview. */
export interface PortfolioRow {
  slug: string;
  name: string;
  mcc: string;
  currency: string;
  role: AccessRole;
  firstDay: string | null;
  lastDay: string | null;
  /** The period of `overview`: the requested one, else the merchant's own last 30 days; null without data. */
  period: Period | null;
  overview: Overview | null;
  /** The plan (null: bank data, not onboarded), its status and when a trial ends (ISO instant). */
  plan: PlanId | null;
  status: string | null;
  trialEndsAt: string | null;
  /** The owner's open request for a higher plan (lib/accounts/upgrades.ts), else null. */
  upgradeRequest: { plan: PlanId; requestedAt: string } | null;
  /**
   * Churn risk from the latest churn run, when the plan shows churn: expected leavers (Σ P(churn))
   * over scored customers, a share 0..1, and revenue at risk in minor units, in margin when the
   * merchant set a gross margin (`grossMarginBp`, basis points; null: in revenue, issue 17); null
   * otherwise.
   */
  risk: { expectedShare: number; revenueAtRiskMinor: number; grossMarginBp: number | null } | null;
}

/** GET /api/portfolio's answer. */
export interface Portfolio {
  /** The common period when one was requested; null when each merchant uses its own. */
  period: Period | null;
  /** Exclusive end of the latest data day across the portfolio (anchor for the picker's presets). */
  end: string | null;
  rows: PortfolioRow[];
}

/**
 * The portfolio of an actor: every merchant they may open (a relationship manager's memberships,
 * every merchant for a bank admin). Without a requested period each merchant gets the 30 days
 * ending at its own latest data day, so merchants whose data ends at different dates all show
 * figures. Each row carries the plan, a trial's end, an open upgrade request and the churn
 * risk of the latest churn run (when the plan shows churn).
 *
 * Issue 18: one authorization query (listMerchantAccesses) and one set-based statement for the
 * whole portfolio (getPortfolioFigures) in a portfolio scope: a read-only transaction whose
 * row-level security shows exactly the authorized merchants' rows of the tables this page reads
 * (drizzle/0025), instead of one scoped transaction per merchant (≈33 ms each, 2.07 s for 63).
 * The figures are the ones the per-merchant reads gave (tests/integration/portfolio-set-based.test.ts).
 */
export async function loadPortfolio(actor: Actor, requested: Period | null): Promise<Portfolio> {
  const accesses = await listMerchantAccesses(actor);
  if (accesses.length === 0) return { period: requested, end: null, rows: [] };
  const ids = accesses.map((a) => a.merchant.id);
  const churnIds = accesses.filter((a) => a.entitlements.features.has("churn")).map((a) => a.merchant.id);
  const figures = await withPortfolioScope(await getDatabase(), ids, (tx) => getPortfolioFigures(tx, ids, requested, PORTFOLIO_DAYS, churnIds));
  const rows: PortfolioRow[] = accesses.map((access, i) => {
    const f = figures[i];
    const m = access.merchant;
    const e = access.entitlements;
    const s = f.churn;
    return {
      slug: m.slug,
      name: m.name,
      mcc: m.mcc,
      currency: m.currency,
      role: access.role,
      plan: e.plan,
      status: e.status,
      trialEndsAt: e.status === "trialing" && e.endsAt ? e.endsAt.toISOString() : null,
      firstDay: f.range.firstDay,
      lastDay: f.range.lastDay,
      period: f.period,
      overview: f.overview,
      upgradeRequest: f.upgradeRequest ? { plan: f.upgradeRequest.plan as PlanId, requestedAt: f.upgradeRequest.requestedAt.toISOString() } : null,
      risk:
        s && s.scoredCustomers > 0
          ? { expectedShare: s.expectedChurners / s.scoredCustomers, revenueAtRiskMinor: inMargin(s.totalRevenueAtRiskMinor, f.grossMarginBp), grossMarginBp: f.grossMarginBp }
          : null,
    };
  });
  const latest = rows.map((r) => r.lastDay).filter((d): d is string => d !== null).sort().at(-1) ?? null;
  return { period: requested, end: latest ? addDays(latest, 1) : null, rows };
}

/** One finding of the portfolio feed, with its merchant. */
export interface PortfolioFinding {
  slug: string;
  name: string;
  currency: string;
  asOf: string;
  finding: Finding;
}

/** Findings shown in the portfolio feed. */
const PORTFOLIO_FEED_SIZE = 20;

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

