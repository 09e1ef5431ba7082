import type { QueryClient } from "@tanstack/react-query";
import type { MerchantAccess } from "@/lib/auth/access";
import type { DataRange } from "@/lib/analytics/getDataRange";
import { anchorEnd, DEFAULT_DAYS, periodFromSearchParams, presetPeriod, type Period } from "@/lib/days";
import { loadView } from "./cache";
import type { AnyEndpoint, EndpointData, EndpointQuery } from "./define";
import { endpointKey } from "./keys";
import { dataRange } from "./views/dataRange";

/*
 * The page side of a view (server components): the page prefetches with the same definition,
 * query and key as the client hook (components/hooks/useEndpoint.ts), so the hydrated cache entry
 * is the one the hook reads and no request leaves the browser on first paint.
 */

/**
 * Prefetches a view into the page's query client (through lib/endpoints/cache.ts for a view
 * marked `cache: "rollups"`). A failed prefetch is not dehydrated: the client hook then fetches
 * and shows its own error.
 */
export async function prefetchEndpoint<E extends AnyEndpoint>(queryClient: QueryClient, access: MerchantAccess, def: E, query: EndpointQuery<E>): Promise<void> {
  await queryClient.prefetchQuery({
    queryKey: endpointKey(def.name, access.merchant.slug, query as object),
    queryFn: () => loadView(def, access, def.query.parse(query)),
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
    queryFn: () => loadView(def, access, def.query.parse(query)),
  });
}

/** Where a merchant tab's period comes from: the data range, the preset end and the period. */
export interface MerchantPageData {
  range: DataRange;
  /** Exclusive end the presets count back from (the day after the latest data day). */
  end: string;
  period: Period;
}

/**
 * A merchant tab's data after its access check, all in one shared scope
 * (MerchantAccess.batch): the merchant's data range (the data-range view, through the answer
 * cache), the period from `?from&to` or else the DEFAULT_DAYS days ending at the last day with
 * data, then `prefetch` with the batched access and that period. Every loader answered from
 * lib/endpoints/cache.ts costs no statement; the others share one BEGIN, the scope's two
 * settings and one COMMIT. Inside `prefetch`, load views only (see MerchantAccess.batch).
 * @throws whatever the data range's loader or `prefetch` throws (prefetchEndpoint itself never throws)
 */
export async function merchantPageData(
  access: MerchantAccess,
  search: Record<string, string | string[] | undefined>,
  prefetch?: (batched: MerchantAccess, period: Period) => Promise<void>,
): Promise<MerchantPageData> {
  return access.batch(async (batched) => {
    const range = await loadView(dataRange, batched, {});
    const end = anchorEnd(range.lastDay, access.merchant.timeZone);
    const period = periodFromSearchParams(search) ?? presetPeriod(DEFAULT_DAYS, end);
    if (prefetch) await prefetch(batched, period);
    return { range, end, period };
  });
}
