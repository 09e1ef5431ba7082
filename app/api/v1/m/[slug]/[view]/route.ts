import { apiEndpointRoute } from "@/lib/endpoints/route";

/** GET /api/v1/m/{slug}/{view} with Authorization: Bearer <token>: the token API of every merchant view (ADR 0008). */
export const GET = apiEndpointRoute();
