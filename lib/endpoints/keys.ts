/*
 * The client-safe half of the endpoint derivations (no server imports): URLs and react-query
 * keys from a view's name. One key convention for every merchant view:
 * `["merchant:<name>", slug, query]`, shared by the server prefetch and the client hook, so a
 * prefetched query is the very cache entry the hook reads after hydration.
 */

/** Query-string values a view accepts (lists are joined with commas). */
type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

/** The query with empty values dropped, as a plain object (what enters keys and URLs). */
function normalizeQuery(query: object | undefined): Record<string, string | number | boolean | readonly (string | number)[]> {
  const out: Record<string, string | number | boolean | readonly (string | number)[]> = {};
  for (const key of Object.keys(query ?? {}).sort()) {
    const value = (query as Record<string, QueryValue>)[key];
    if (value === null || value === undefined || value === "") continue;
    out[key] = value;
  }
  return out;
}

/** The react-query key of a merchant view: `["merchant:<name>", slug, query]`. */
export function endpointKey(name: string, slug: string, query?: object): readonly ["merchant:" | string, string, Record<string, unknown>] {
  return [`merchant:${name}`, slug, normalizeQuery(query)] as const;
}

/** `path?query` with keys sorted, empty values left out and lists comma-joined (stable URLs). */
export function withQuery(path: string, query?: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(normalizeQuery(query))) {
    search.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The session API path of a view: /api/m/{slug}/{name}. */
export function endpointPath(name: string, slug: string): string {
  return `/api/m/${encodeURIComponent(slug)}/${name}`;
}

/** The token API path of a view: /api/v1/m/{slug}/{name}. */
export function apiV1Path(name: string, slug: string): string {
  return `/api/v1/m/${encodeURIComponent(slug)}/${name}`;
}

/** The export URL of a view's tables (session API): /api/m/{slug}/{name}/export?format=…&lang=…&<query>. */
export function exportPath(name: string, slug: string, format: "csv" | "xlsx", lang: "en" | "ru", query?: object): string {
  return withQuery(`${endpointPath(name, slug)}/export`, { ...normalizeQuery(query), format, lang });
}

/** The keys of the actor-level views (lib/endpoints/portfolio.ts), shared by the portfolio page's prefetch and its hooks. */
export const portfolioKeys = {
  portfolio: (period: { from: string; to: string } | null) => ["portfolio", period ? { from: period.from, to: period.to } : { from: null, to: null }] as const,
  findings: () => ["portfolio:findings"] as const,
};
