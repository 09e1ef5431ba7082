import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { MerchantAccess } from "@/lib/auth/access";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { findings } from "@/lib/endpoints/views/findings";
import { forecast } from "@/lib/endpoints/views/forecast";
import { FindingsFeed } from "@/components/findings/FindingsFeed";
import { ForecastCard } from "@/components/findings/ForecastCard";
import { serverQueryClient } from "./page-context";

/*
 * The overview's parts over stored runs (issue 19 item 10): prefetched on the server (the
 * findings in the page's first flush, the forecast streamed in a Suspense boundary of its own
 * after the headline figures) instead of fetched by
 * the browser after hydration (which made the findings' text the page's largest content, painted
 * last). Each reads in its own scope: loadModelRunPage may queue a refit outside its transaction,
 * so it must not run inside the page's shared scope (MerchantAccess.batch).
 */

/** The top three findings of the latest findings run, with their data in the page. */
export async function StreamedFindings({ access }: { access: MerchantAccess }) {
  const queryClient = serverQueryClient();
  await prefetchEndpoint(queryClient, access, findings, {});
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <FindingsFeed limit={3} />
    </HydrationBoundary>
  );
}

/** The revenue forecast card of the latest forecast run, with its data in the page. */
export async function StreamedForecast({ access }: { access: MerchantAccess }) {
  const queryClient = serverQueryClient();
  await prefetchEndpoint(queryClient, access, forecast, {});
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ForecastCard />
    </HydrationBoundary>
  );
}

/** What a streamed card shows until it arrives: a block of its height (no text, no layout shift). */
export function CardPlaceholder({ height, testId }: { height: number; testId: string }) {
  return <div className="card skeleton" style={{ height }} data-testid={testId} aria-hidden="true" />;
}
