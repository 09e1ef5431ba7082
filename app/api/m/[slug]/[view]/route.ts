import { endpointRoute } from "@/lib/endpoints/route";

/** GET /api/m/{slug}/{view}: every merchant view of lib/endpoints/registry.ts, session-authenticated (ADR 0008). */
export const GET = endpointRoute();
