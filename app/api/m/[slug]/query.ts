/**
 * The query string of a request as a plain object for zod: single values as strings, and the
 * listed keys as arrays (comma-separated or repeated: ?dimensions=gender,region). Absent keys
 * stay absent so schema defaults apply.
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
export function privateJson(body: unknown): Response {
  return Response.json(body, { headers: { "cache-control": "private, no-store" } });
}
