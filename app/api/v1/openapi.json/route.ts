import { openApiDocument } from "@/lib/endpoints/openapi";

/**
 * GET /api/v1/openapi.json: the OpenAPI 3.1 description of the token API, generated from the view
 * definitions (lib/endpoints/openapi.ts). Public: it describes the API and holds no merchant data.
 */
export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
