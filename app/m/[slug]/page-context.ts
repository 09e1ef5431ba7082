import { QueryClient } from "@tanstack/react-query";
import { requireMerchantPage, type AccessOptions, type MerchantAccess } from "@/lib/auth/access";
import type { DataRange } from "@/lib/analytics/getDataRange";
import type { Period } from "@/lib/days";
import { merchantPageData } from "@/lib/endpoints/prefetch";

export type PageParams = Promise<{ slug: string }>;
export type PageSearchParams = Promise<Record<string, string | string[] | undefined>>;

export interface MerchantPageContext {
  access: MerchantAccess;
  range: DataRange;
  /** Exclusive end the presets count back from (the day after the latest data day). */
  end: string;
  period: Period;
}

/**
 * What every merchant tab starts from: the authorized access (404 / login otherwise), the
 * merchant's data range and the period, from ?from&to or else the 30 days ending at the last
 * day with data. `options.feature` gates the tab (the locked view when the plan lacks it).
 * `prefetch` (optional) loads the tab's views with the period in the same scoped transaction as
 * the data range (lib/endpoints/prefetch.ts merchantPageData): pass the batched access it gets
 * to prefetchEndpoint, and do nothing else in it.
 */
export async function merchantPageContext(
  params: PageParams,
  searchParams: PageSearchParams,
  options: AccessOptions = {},
  prefetch?: (batched: MerchantAccess, period: Period) => Promise<void>,
): Promise<MerchantPageContext> {
  const { slug } = await params;
  const access = await requireMerchantPage(slug, options);
  const { range, end, period } = await merchantPageData(access, await searchParams, prefetch);
  return { access, range, end, period };
}

/**
 * A per-request query client for server prefetching: the page hands the dehydrated cache to
 * the client, whose hooks then start with data (same keys, same JSON shapes as the API).
 * A failed prefetch is simply not dehydrated; the client hook fetches and shows its own error.
 */
export function serverQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { staleTime: 60_000, retry: false } } });
}
