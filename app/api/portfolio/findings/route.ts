import { withActorRoute } from "@/lib/auth/access";
import { loadPortfolioFindings } from "@/lib/endpoints/portfolio";

/** GET: the most important findings across the actor's portfolio (401 signed out). */
export const GET = withActorRoute(async (_req, actor) =>
  Response.json({ findings: await loadPortfolioFindings(actor) }, { headers: { "cache-control": "private, no-store" } }),
);
