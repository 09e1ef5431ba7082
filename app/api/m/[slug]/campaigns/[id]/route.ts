import { endpointRoute } from "@/lib/endpoints/route";
import { campaignReport } from "@/lib/endpoints/views/campaigns";

/** GET /api/m/{slug}/campaigns/{id}: the campaign-report view with the id from the path; 404 when it is not this merchant's. */
export const GET = endpointRoute(campaignReport);
