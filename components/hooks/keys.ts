/*
 * Query keys, one structured key per endpoint (convention 8): [endpoint, slug, params]. Shared by
 * the client hooks and the server pages that prefetch, so a prefetched query is the same cache
 * entry the hook reads after hydration. Periods enter keys as plain { from, to } objects.
 */
import type { Period } from "@/lib/days";

export type RevenueBucketParam = "day" | "week" | "month";

const p = (period: Period) => ({ from: period.from, to: period.to });

export const queryKeys = {
  overview: (slug: string, period: Period) => ["merchant:overview", slug, p(period)] as const,
  dynamics: (slug: string, period: Period, bucket: RevenueBucketParam) =>
    ["merchant:dynamics", slug, { ...p(period), bucket }] as const,
  cohorts: (slug: string, period: Period) => ["merchant:cohorts", slug, p(period)] as const,
  segments: (slug: string, period: Period) => ["merchant:segments", slug, p(period)] as const,
  regularCustomers: (slug: string, period: Period) => ["merchant:regular-customers", slug, p(period)] as const,
  seasonality: (slug: string, period: Period) => ["merchant:seasonality", slug, p(period)] as const,
  dataRange: (slug: string) => ["merchant:data-range", slug] as const,
  portfolio: (period: Period | null) => ["portfolio", period ? p(period) : { from: null, to: null }] as const,
};

/** The API path of a merchant endpoint (app/api/m/[slug]/<endpoint>/route.ts). */
export function merchantApi(slug: string, endpoint: string): string {
  return `/api/m/${encodeURIComponent(slug)}/${endpoint}`;
}
