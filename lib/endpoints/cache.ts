import { LRUCache } from "lru-cache";
import type { MerchantAccess } from "@/lib/auth/access";
import type { AnyEndpoint, EndpointData } from "./define";

/*
 * Answers of the views that read a merchant's rollups only, kept in this process's memory per
 * (merchant, data version, view, query) (issue 14 "Load", issue 19 item 10; docs/performance.md,
 * "Load and page speed"). lib/rollups adds 1 to merchants.rollup_version in the same transaction
 * as every rollup write and MerchantAccess carries the version read with the access check, so a
 * new ingest changes the key at once and an older answer is never served again (it ages out of
 * the LRU). A bounded LRU (lru-cache, by entries and by the answers' JSON size) keeps memory flat
 * whatever the number of merchants and periods asked.
 *
 * Tenancy (wall 1): the only way in is a MerchantAccess, which only lib/auth/access.ts makes,
 * after its check; the key starts with that access's merchant id, so an answer is only ever
 * handed to an actor who was just authorized for the same merchant. Nothing of the actor (role,
 * locale) enters a cached answer: the views that opt in (`cache: "rollups"` on their
 * definition) compute the same answer for every actor of the merchant.
 *
 * Consistency: the version is read before the loader's transaction, so an ingest that commits in
 * between leaves a newer answer under the older key, never an older answer under the newer one.
 */

/** Entries kept at most (each a view's answer for one merchant and query). */
const MAX_ENTRIES = 5_000;
/** The summed JSON length of the kept answers at most (about that many bytes of UTF-16 text ×2). */
const MAX_CHARS = 64 * 1024 * 1024;

interface AnswerCache {
  settled: LRUCache<string, { value: unknown }>;
  /** Hits and misses since the process started (or the last `clearAnswerCache`), for tests and the bench. */
  stats: { hits: number; misses: number };
}

/**
 * One cache per process: Next bundles pages and route handlers apart, and a module-level value
 * could exist once per bundle; the process-global slot makes the page and the API share it.
 */
const SLOT = Symbol.for("merchant-insights.endpoints.answerCache");
const store: AnswerCache = ((globalThis as Record<symbol, unknown>)[SLOT] as AnswerCache | undefined) ??
  ((globalThis as Record<symbol, unknown>)[SLOT] = {
    settled: new LRUCache<string, { value: unknown }>({
      max: MAX_ENTRIES,
      maxSize: MAX_CHARS,
      // Anything JSON.stringify cannot size (never the case for a view's answer) counts as large.
      sizeCalculation: (entry) => Math.max(1, (JSON.stringify(entry.value) as string | undefined)?.length ?? MAX_CHARS),
    }),
    stats: { hits: 0, misses: 0 },
  } satisfies AnswerCache);

/** Hits and misses since the process started (or the last `clearAnswerCache`), for tests and the bench. */
export const answerCacheStats: Readonly<{ hits: number; misses: number }> = store.stats;

/** JSON with object keys sorted at every level: equal queries give equal text. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

/**
 * The cache key of a view's answer: merchant id, data version, time zone (days are local), the
 * view's name and its parsed query (keys sorted).
 */
export function answerKey(access: MerchantAccess, view: string, query: unknown): string {
  return stableJson([access.merchant.id, access.dataVersion, access.merchant.timeZone, view, query ?? null]);
}

/**
 * The answer of `view` for `query` to this authorized access: from memory when the merchant's
 * data version has not moved since it was computed, else from `load` (then kept; a failed load
 * is not kept). The answer is shared between callers:
 * treat it as read-only.
 *
 * @param access an authorized access (lib/auth/access.ts); its merchant and dataVersion key the entry
 * @param view   the view's name (lib/endpoints/registry.ts)
 * @param query  the view's parsed query (plain JSON values)
 * @param load   computes the answer from the merchant's rollups only
 * @throws whatever `load` throws
 */
async function cachedAnswer<T>(access: MerchantAccess, view: string, query: unknown, load: () => Promise<T>): Promise<T> {
  const key = answerKey(access, view, query);
  const hit = store.settled.get(key);
  if (hit) {
    store.stats.hits += 1;
    return hit.value as T;
  }
  // Concurrent misses of one key each load: sharing one load would make a caller wait for
  // another request's transaction while it may hold its own, which on PGlite (one connection)
  // never ends. A miss costs one load; the first to finish fills the entry.
  store.stats.misses += 1;
  const value = await load();
  store.settled.set(key, { value });
  return value;
}

/** Forgets every kept answer and resets the counters (tests; a process that wants its memory back). */
export function clearAnswerCache(): void {
  store.settled.clear();
  store.stats.hits = 0;
  store.stats.misses = 0;
}

/**
 * Runs a view's loader for an already parsed query, through the answer cache when the view is
 * marked `cache: "rollups"` (every other view loads each time). The one way the routes
 * (lib/endpoints/route.ts) and the pages' prefetch (lib/endpoints/prefetch.ts) load a view.
 * @throws whatever the loader throws (NotFoundError for a missing resource)
 */
export function loadView<E extends AnyEndpoint>(def: E, access: MerchantAccess, query: unknown): Promise<EndpointData<E>> {
  const load = () => def.load(access, query) as Promise<EndpointData<E>>;
  return def.cache === "rollups" ? cachedAnswer(access, def.name, query, load) : load();
}
