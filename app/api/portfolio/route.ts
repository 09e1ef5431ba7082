import { withActorRoute } from "@/lib/auth/access";
import { periodSchema } from "@/lib/days";
import { loadPortfolio } from "@/lib/endpoints/portfolio";

/**
 * GET [?from=YYYY-MM-DD&to=YYYY-MM-DD]: the actor's accessible merchants with their headline
 * metrics and change vs the previous period; without a period each merchant's last 30 days of data.
 * 401 signed out; 400 for a half-given or malformed period.
 */
export const GET = withActorRoute(async (req, actor) => {
  const params = new URL(req.url).searchParams;
  const from = params.get("from");
  const to = params.get("to");
  const period = from === null && to === null ? null : periodSchema.parse({ from, to });
  return Response.json(await loadPortfolio(actor, period), { headers: { "cache-control": "private, no-store" } });
});
