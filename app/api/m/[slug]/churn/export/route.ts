import { withMerchantRoute } from "@/lib/auth/access";
import { loadChurn } from "@/app/m/[slug]/churn/churn-data";
import { revenueAtRiskCsv } from "@/components/churn/csv";

/**
 * GET ?lang=en|ru: the revenue-at-risk list of the latest churn run as a CSV download (RFC 4180;
 * components/churn/csv.ts). The "exports" feature (Business plan); 404 before the first run.
 */
export const GET = withMerchantRoute(
  async (req, access) => {
    const lang = new URL(req.url).searchParams.get("lang") === "ru" ? "ru" : "en";
    const { run } = await loadChurn(access);
    if (!run) return Response.json({ error: "not found" }, { status: 404, headers: { "cache-control": "private, no-store" } });
    const csv = revenueAtRiskCsv(run.summary.revenueAtRisk, access.merchant.currency, lang);
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="revenue-at-risk-${access.merchant.slug}-${run.params.asOf}.csv"`,
        "cache-control": "private, no-store",
      },
    });
  },
  { feature: "exports" },
);
