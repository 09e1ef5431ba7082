import { Suspense } from "react";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { defaultBucket } from "@/lib/charts/revenueDynamics";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { dynamics } from "@/lib/endpoints/views/dynamics";
import { overview } from "@/lib/endpoints/views/overview";
import { ExportLinks } from "@/components/api/ExportLinks";
import { PageHeader } from "@/components/dashboard/PageHeader";
import { OverviewView } from "@/components/overview/OverviewView";
import { CardPlaceholder, StreamedFindings, StreamedForecast } from "./overview-slots";
import { merchantPageContext, serverQueryClient, type PageParams, type PageSearchParams } from "./page-context";
import { ClientMessages } from "@/components/i18n/ClientMessages";

/**
 * Overview: headline KPIs with change vs the previous period, revenue dynamics with comparison
 * (both prefetched with the data range in one scope, or from the answer cache), the top findings
 * in the first flush (they are the page's largest content: streamed in a Suspense boundary, React
 * reveals them no earlier than 300 ms after the shell's first paint), then the forecast streamed
 * in as its stored run is read.
 */
export default async function OverviewPage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const queryClient = serverQueryClient();
  // The data range, the headline figures and the dynamics in one scoped transaction, or none
  // when the answer cache holds them (lib/endpoints/cache.ts).
  const { access, range, end, period } = await merchantPageContext(params, searchParams, { feature: "overview" }, async (batched, p) => {
    await prefetchEndpoint(queryClient, batched, overview, p);
    await prefetchEndpoint(queryClient, batched, dynamics, { from: p.from, to: p.to, bucket: defaultBucket(p) });
  });
  const t = await getTranslations("dashboard");
  const bucket = defaultBucket(period);
  const features = access.entitlements.features;

  return (
    <ClientMessages paths={["dashboard", "findings", "billing.features", "billing.locked"]}>
      <PageHeader
        title={t("title")}
        subtitle={t("subtitle")}
        period={period}
        end={end}
        firstDay={range.firstDay}
        lastDay={range.lastDay}
      >
        <ExportLinks
          slug={access.merchant.slug}
          canExport={features.has("exports")}
          items={[
            { view: "overview", table: "headline-metrics", query: period },
            { view: "dynamics", table: "revenue-dynamics", query: { ...period, bucket } },
          ]}
        />
      </PageHeader>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <OverviewView
          period={period}
          firstDay={range.firstDay}
          lastDay={range.lastDay}
          findings={
            features.has("findings") ? (
              <StreamedFindings access={access} />
            ) : undefined
          }
          forecast={
            features.has("forecasts") ? (
              <Suspense fallback={<CardPlaceholder height={380} testId="forecast-loading" />}>
                <StreamedForecast access={access} />
              </Suspense>
            ) : undefined
          }
        />
      </HydrationBoundary>
    </ClientMessages>
  );
}
