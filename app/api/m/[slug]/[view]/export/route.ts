import { endpointExportRoute } from "@/lib/endpoints/route";

/** GET /api/m/{slug}/{view}/export?format=csv|xlsx&lang=en|ru: the view's tables (the `exports` feature; ADR 0008). */
export const GET = endpointExportRoute();
