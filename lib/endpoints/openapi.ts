import { z } from "zod";
import type { AnyEndpoint } from "./define";
import { ALL_ENDPOINTS } from "./registry";

/*
 * The OpenAPI 3.1 document of the token API, generated from the same definitions that serve it
 * (ADR 0008): one path per view (/api/v1/m/{slug}/{name}) and one per exportable view
 * (…/export). Query parameters come from each view's zod schema through zod's own JSON Schema
 * generator (z.toJSONSchema, draft 2020-12: the dialect OpenAPI 3.1 uses), read on the input side
 * (what a client sends). Responses are described in words: their types are inferred from the
 * loaders in TypeScript, not declared as schemas (the stored-run contracts of lib/runs will add
 * response schemas where they exist).
 */

type JsonSchema = Record<string, unknown>;

/** The title and version of the API (the version is the path's /v1). */
const API_TITLE = "Merchant Insights API";
const API_VERSION = "1.0.0";

/** A view's query as flat properties: objects merged, `allOf` parts all required, `anyOf` branches required only where every branch requires. */
function flatten(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: Set<string> } {
  const properties: Record<string, JsonSchema> = {};
  let required = new Set<string>();
  if (schema.type === "object" && schema.properties) {
    Object.assign(properties, schema.properties);
    for (const key of (schema.required as string[] | undefined) ?? []) required.add(key);
  }
  for (const part of (schema.allOf as JsonSchema[] | undefined) ?? []) {
    const inner = flatten(part);
    Object.assign(properties, inner.properties);
    for (const key of inner.required) required.add(key);
  }
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (branches?.length) {
    const inner = branches.map(flatten);
    for (const b of inner) for (const [key, value] of Object.entries(b.properties)) properties[key] ??= value;
    const common = inner.map((b) => b.required).reduce((a, b) => new Set([...a].filter((k) => b.has(k))));
    required = new Set([...required, ...common]);
  }
  return { properties, required };
}

/** A view's query string as OpenAPI parameters (lists comma-separated: style form, explode false). */
export function queryParameters(def: AnyEndpoint): JsonSchema[] {
  const schema = z.toJSONSchema(def.query, { io: "input", target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  const { properties, required } = flatten(schema);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property as JsonSchema & { description?: string };
    return {
      name,
      in: "query",
      required: required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...(rest.type === "array" ? { style: "form", explode: false } : {}),
    };
  });
}

const SLUG_PARAMETER = {
  name: "slug",
  in: "path",
  required: true,
  description: "The merchant's slug (the token must belong to this merchant; another merchant's answers 404).",
  schema: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,62}$" },
};

const error = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
const ERRORS = {
  "400": error("Invalid query (`issues` lists what is wrong)."),
  "401": error("Missing, unknown, revoked or malformed token."),
  "403": error("The merchant's plan does not include this view (`feature`, `requiredPlan`)."),
  "404": error("Unknown merchant, another merchant's, or nothing of that kind (the same body for all)."),
  "429": error("Rate limit of the token reached; retry after `Retry-After` seconds."),
};

/** The OpenAPI description of one view's JSON path. */
function viewOperation(def: AnyEndpoint) {
  return {
    get: {
      operationId: camel(def.name),
      summary: def.summary,
      description: `${def.description}${def.feature ? `\n\nPlan feature: \`${def.feature}\`.` : ""}`,
      tags: ["views"],
      parameters: [SLUG_PARAMETER, ...queryParameters(def)],
      responses: {
        "200": {
          description: "The view's data: the same JSON the merchant's page shows. Money in integer minor units of the merchant's currency; days 'YYYY-MM-DD' in the merchant's time zone; periods half-open [from, to).",
          headers: RATE_HEADERS,
          content: { "application/json": { schema: { type: "object" } } },
        },
        ...ERRORS,
      },
    },
  };
}

const RATE_HEADERS = {
  "X-RateLimit-Limit": { description: "Requests the token may make per window.", schema: { type: "integer" } },
  "X-RateLimit-Remaining": { description: "Requests left in the window.", schema: { type: "integer" } },
  "X-RateLimit-Reset": { description: "Seconds until the window resets.", schema: { type: "integer" } },
};

/** The OpenAPI description of one view's export path. */
function exportOperation(def: AnyEndpoint) {
  return {
    get: {
      operationId: `${camel(def.name)}Export`,
      summary: `${def.summary}: export`,
      description:
        "The view's tables as CSV (one table; `table` picks it when the view has several) or XLSX (one sheet per table). Headers in the chosen language; money in major units with the currency's digits, percentages as fractions, days as dates. No cell starts a spreadsheet formula. Plan feature: `exports` (and the view's own).",
      tags: ["exports"],
      parameters: [
        SLUG_PARAMETER,
        { name: "format", in: "query", required: false, schema: { type: "string", enum: ["csv", "xlsx"], default: "csv" } },
        { name: "lang", in: "query", required: false, description: "Language of the headers (default: the token owner's).", schema: { type: "string", enum: ["en", "ru"] } },
        { name: "table", in: "query", required: false, description: "For CSV: the table's id (default: the view's first table).", schema: { type: "string" } },
        ...queryParameters(def),
      ],
      responses: {
        "200": {
          description: "The file (Content-Disposition: attachment).",
          headers: RATE_HEADERS,
          content: {
            "text/csv": { schema: { type: "string" } },
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: { type: "string", contentMediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } },
          },
        },
        ...ERRORS,
      },
    },
  };
}

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The whole document (OpenAPI 3.1.1): a path per definition of the registry (and per export),
 * bearer-token security on every operation, servers relative to the host that serves it.
 */
export function openApiDocument(definitions: readonly AnyEndpoint[] = ALL_ENDPOINTS): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const def of definitions) {
    paths[`/api/v1/m/{slug}/${def.name}`] = viewOperation(def);
    if (def.tables) paths[`/api/v1/m/{slug}/${def.name}/export`] = exportOperation(def);
  }
  return {
    openapi: "3.1.1",
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description:
        "Read-only access to one merchant's views with an API token created by the merchant's owner (API tab of the merchant). Send `Authorization: Bearer mi_live_…`. The same plan entitlements as the web pages apply, and a rate limit per token.",
    },
    servers: [{ url: "/" }],
    security: [{ bearerToken: [] }],
    tags: [
      { name: "views", description: "One path per merchant view, the same data as the pages." },
      { name: "exports", description: "CSV and XLSX of a view's tables." },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", bearerFormat: "mi_live_ followed by 43 base64url characters", description: "An API token of the merchant (shown once when created)." },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: { type: "string", description: "unauthorized | not found | feature locked | invalid request | too many requests | internal error" },
            feature: { type: "string" },
            requiredPlan: { type: "string", enum: ["start", "pro", "business"] },
            issues: { type: "array", items: { type: "object" } },
          },
        },
      },
    },
  };
}
