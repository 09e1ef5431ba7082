import { apiEndpointExportRoute } from "@/lib/endpoints/route";

/** GET /api/v1/m/{slug}/{view}/export?format=csv|xlsx&lang=en|ru with a Bearer token: the view's tables. */
export const GET = apiEndpointExportRoute();
