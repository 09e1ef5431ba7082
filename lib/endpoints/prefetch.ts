import type { QueryClient } from "@tanstack/react-query";
import type { MerchantAccess } from "@/lib/auth/access";
import type { AnyEndpoint, EndpointData, EndpointQuery } from "./define";
import { endpointKey } from "./keys";

/*
 * The page side of a view (server components): the page prefetches with the same definition,
 * query and key as the client hook (components/hooks/useEndpoint.ts), so the hydrated cache entry
 * is the one the hook reads and no request leaves the browser on first paint.
 */

/**
 * Prefetches a view into the page's query client. A failed prefetch is not dehydrated: the
 * client hook then fetches and shows its own error.
 */
export async function prefetchEndpoint<E extends AnyEndpoint>(queryClient: QueryClient, access: MerchantAccess, def: E, query: EndpointQuery<E>): Promise<void> {
  await queryClient.prefetchQuery({
    queryKey: endpointKey(def.name, access.merchant.slug, query as object),
    queryFn: () => def.load(access, def.query.parse(query)),
  });
}

/**
 * Loads a view into the page's query client and returns it, for pages that decide on the data
 * (e.g. notFound() for a missing campaign).
 * @throws whatever the loader throws (NotFoundError for a missing resource)
 */
export async function fetchEndpoint<E extends AnyEndpoint>(queryClient: QueryClient, access: MerchantAccess, def: E, query: EndpointQuery<E>): Promise<EndpointData<E>> {
  return queryClient.fetchQuery({
    queryKey: endpointKey(def.name, access.merchant.slug, query as object),
    queryFn: () => def.load(access, def.query.parse(query)) as Promise<EndpointData<E>>,
  });
}
