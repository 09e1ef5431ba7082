import type { AccessRole } from "@/lib/auth/access";
import type { Overview } from "@/lib/analytics/getOverview";
import type { Period } from "@/lib/days";

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
}

/** GET /api/portfolio's answer. */
export interface Portfolio {
  /** The common period when one was requested; null when each merchant uses its own. */
  period: Period | null;
  /** Exclusive end of the latest data day across the portfolio (anchor for the picker's presets). */
  end: string | null;
  rows: PortfolioRow[];
}
