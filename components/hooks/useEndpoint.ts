import { keepPreviousData, useQuery, type QueryKey } from "@tanstack/react-query";
import type { EndpointData, EndpointQuery } from "@/lib/endpoints/define";
import { endpointKey, endpointPath, withQuery } from "@/lib/endpoints/keys";
// Type-only: the registry (loaders, database code) never reaches the browser bundle.
import type { EndpointName, Endpoints } from "@/lib/endpoints/registry";
import { getJson } from "./api";

/** The JSON a merchant view answers: inferred from its definition's loader (lib/endpoints/views). */
export type ViewData<N extends EndpointName> = EndpointData<Endpoints[N]>;
/** The query a merchant view accepts (its zod schema's input). */
export type ViewQuery<N extends EndpointName> = EndpointQuery<Endpoints[N]>;

/**
 * The one hook of every merchant view (convention 8): GET /api/m/{slug}/{name}?query under the key
 * ["merchant:<name>", slug, query], the same key the page prefetched (lib/endpoints/prefetch.ts).
 * `keepPrevious` keeps the last answer on screen while a new query loads (e.g. switching buckets).
 */
export function useEndpoint<N extends EndpointName>(
  name: N,
  slug: string,
  query: ViewQuery<N>,
  /** `refetchEveryMs(data)`: poll while the answer says work is still running (e.g. a queued report); false stops. */
  options: { keepPrevious?: boolean; refetchEveryMs?: (data: ViewData<N> | undefined) => number | false } = {},
) {
  return useQuery<ViewData<N>, Error, ViewData<N>, QueryKey>({
    queryKey: endpointKey(name, slug, query as object),
    queryFn: async ({ signal }) => (await getJson(withQuery(endpointPath(name, slug), query as object), signal)) as ViewData<N>,
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
    refetchInterval: options.refetchEveryMs ? (q) => options.refetchEveryMs!(q.state.data) : undefined,
  });
}
