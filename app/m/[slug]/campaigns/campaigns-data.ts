import type { MerchantAccess } from "@/lib/auth/access";
import { getCampaignReport, listCampaigns, type CampaignListItem, type CampaignReportView } from "@/lib/campaigns/queries";

/** The campaign list, for the page's prefetch (same JSON as GET /api/m/[slug]/campaigns). */
export function loadCampaigns(access: MerchantAccess): Promise<CampaignListItem[]> {
  return access.run((ctx) => listCampaigns(ctx));
}

/** One campaign's latest report, or null when it is not this merchant's. */
export function loadCampaignReport(access: MerchantAccess, id: number): Promise<CampaignReportView | null> {
  return access.run((ctx) => getCampaignReport(ctx, id));
}
