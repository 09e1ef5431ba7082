import { NotFoundError, withApiTokenRoute, withMerchantRoute, type MerchantAccess } from "@/lib/auth/access";
import { requireFeature } from "@/lib/billing/entitlements";
import { loadView } from "./cache";
import type { AnyEndpoint } from "./define";
import { EXPORT_CONTENT_TYPES, tablesToXlsx, tableToCsv, type ExportFormat, type ExportLocale } from "./export";
import { endpointByName } from "./registry";

/*
 * The route handlers derived from the definitions (ADR 0008). Every merchant view is served by
 * the same four handlers, behind the one wrapper of lib/auth/access.ts:
 *   /api/m/{slug}/{view}            endpointRoute()        session (cookie)
 *   /api/m/{slug}/{view}/export     endpointExportRoute()  session, CSV or XLSX
 *   /api/v1/m/{slug}/{view}         apiEndpointRoute()     Authorization: Bearer token
 *   /api/v1/m/{slug}/{view}/export  apiEndpointExportRoute()
 * Order of checks: credential (401) -> merchant (404) -> view name (404, same body) -> the
 * `exports` feature for exports -> the view's feature (403 feature locked) -> query (400) -> load.
 * tests/unit/auth-wrapper-guard.test.ts fails when a GET under app/api/m or app/api/v1 is made
 * any other way (except its allow-list).
 */

type ViewParams = { slug: string; view?: string } & Record<string, string | undefined>;

/**
 * The query string of a request as a plain object for zod: single values as strings, the listed
 * keys as arrays (comma-separated or repeated: ?dimensions=gender,region). Absent keys stay absent
 * so schema defaults apply.
 */
export function queryObject(req: Request, arrays: readonly string[] = []): Record<string, string | string[]> {
  const params = new URL(req.url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    if (arrays.includes(key)) {
      out[key] = params
        .getAll(key)
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean);
    } else {
      out[key] = params.get(key) ?? "";
    }
  }
  return out;
}

/** JSON for one user's merchant data: never stored by shared caches. */
export function privateJson(body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { headers: { ...headers, "cache-control": "private, no-store" } });
}

/** Parameters that select the file, not the data: never passed to a view's query. */
const EXPORT_PARAMS = ["format", "lang", "table"] as const;

/**
 * Parses the view's query from the query string plus the route's extra path segments (e.g. the
 * campaign id of /campaigns/{id}) and runs its loader.
 * @throws ZodError (400) for an invalid query string, NotFoundError (404) for an invalid path
 *   segment; whatever the loader throws (NotFoundError -> 404)
 */
async function runEndpoint(def: AnyEndpoint, req: Request, access: MerchantAccess, params: ViewParams = { slug: access.merchant.slug }): Promise<unknown> {
  const fromQuery = queryObject(req, def.arrays);
  for (const key of EXPORT_PARAMS) delete fromQuery[key];
  const fromPath = Object.fromEntries(Object.entries(params).filter(([key]) => key !== "slug" && key !== "view"));
  const parsed = def.query.safeParse({ ...fromQuery, ...fromPath });
  if (!parsed.success) {
    // A malformed path segment (e.g. /campaigns/abc) names no resource: 404, as for an unknown one.
    if (parsed.error.issues.some((issue) => String(issue.path[0]) in fromPath)) throw new NotFoundError();
    throw parsed.error;
  }
  return loadView(def, access, parsed.data);
}

function definitionFor(fixed: AnyEndpoint | undefined, params: ViewParams): AnyEndpoint {
  const def = fixed ?? endpointByName(params.view ?? "");
  if (!def) throw new NotFoundError();
  return def;
}

async function answerJson(fixed: AnyEndpoint | undefined, req: Request, access: MerchantAccess, params: ViewParams): Promise<Response> {
  const def = definitionFor(fixed, params);
  if (def.feature) requireFeature(access.entitlements, def.feature);
  return privateJson(await runEndpoint(def, req, access, params));
}

/**
 * An export of the view's tables: ?format=csv (default) or xlsx, ?lang=en|ru (default: the
 * actor's language), ?table=<id> for the CSV of a view with several tables (default its first).
 * 404 when the view has no export or nothing to export yet (e.g. before the first model run).
 */
async function answerExport(fixed: AnyEndpoint | undefined, req: Request, access: MerchantAccess, params: ViewParams): Promise<Response> {
  const def = definitionFor(fixed, params);
  // `exports` first: a plan without it learns the plan that has both (exports come with the top plan).
  requireFeature(access.entitlements, "exports");
  if (def.feature) requireFeature(access.entitlements, def.feature);
  if (!def.tables) throw new NotFoundError();
  const search = new URL(req.url).searchParams;
  const format: ExportFormat = search.get("format") === "xlsx" ? "xlsx" : "csv";
  const lang = search.get("lang");
  const locale: ExportLocale = lang === "ru" || lang === "en" ? lang : access.actor.locale;
  const data = await runEndpoint(def, req, access, params);
  const tables = def.tables(data, { locale });
  if (!tables || tables.length === 0) throw new NotFoundError();
  const currency = access.merchant.currency;
  let body: string | Uint8Array;
  let stem = `${def.name}-${access.merchant.slug}`;
  if (format === "csv") {
    const wanted = search.get("table");
    const table = wanted === null ? tables[0] : tables.find((t) => t.id === wanted);
    if (!table) throw new NotFoundError();
    if (tables.length > 1) stem = `${table.id}-${access.merchant.slug}`;
    body = tableToCsv(table, locale, currency);
  } else {
    body = await tablesToXlsx(tables, locale, currency);
  }
  return new Response(body as BodyInit, {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${stem}.${format}"`,
      "cache-control": "private, no-store",
    },
  });
}

/**
 * The session route of a view: `fixed` for a route file that serves one definition (a static
 * folder such as campaigns/), else the definition named by the `[view]` segment.
 */
export function endpointRoute(fixed?: AnyEndpoint) {
  return withMerchantRoute<ViewParams>((req, access, params) => answerJson(fixed, req, access, params));
}

/** The session export route of a view (CSV or XLSX of its tables; the `exports` feature). */
export function endpointExportRoute(fixed?: AnyEndpoint) {
  return withMerchantRoute<ViewParams>((req, access, params) => answerExport(fixed, req, access, params));
}

/** The token API route of a view (/api/v1/m/{slug}/{view}). */
export function apiEndpointRoute(fixed?: AnyEndpoint) {
  return withApiTokenRoute<ViewParams>((req, access, params) => answerJson(fixed, req, access, params));
}

/** The token API export route of a view (/api/v1/m/{slug}/{view}/export). */
export function apiEndpointExportRoute(fixed?: AnyEndpoint) {
  return withApiTokenRoute<ViewParams>((req, access, params) => answerExport(fixed, req, access, params));
}
