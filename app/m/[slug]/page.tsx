import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { defaultBucket } from "@/lib/charts/revenueDynamics";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { dynamics } from "@/lib/endpoints/views/dynamics";
import { overview } from "@/lib/endpoints/views/overview";
import { ExportLinks } from "@/components/api/ExportLinks";
import { PageHeader } from "@/components/dashboard/PageHeader";
import { OverviewView } from "@/components/overview/OverviewView";
import { merchantPageContext, serverQueryClient, type PageParams, type PageSearchParams } from "./page-context";

/** Overview: headline KPIs with change vs the previous period, revenue dynamics with comparison. */
export default async function OverviewPage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const { access, range, end, period } = await merchantPageContext(params, searchParams, { feature: "overview" });
  const t = await getTranslations("dashboard");
  const bucket = defaultBucket(period);

  const queryClient = serverQueryClient();
  await prefetchEndpoint(queryClient, access, overview, period);
  await prefetchEndpoint(queryClient, access, dynamics, { from: period.from, to: period.to, bucket });

  return (
    <>
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
          canExport={access.entitlements.features.has("exports")}
          items={[
            { view: "overview", table: "headline-metrics", query: period },
            { view: "dynamics", table: "revenue-dynamics", query: { ...period, bucket } },
          ]}
        />
      </PageHeader>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <OverviewView period={period} firstDay={range.firstDay} lastDay={range.lastDay} />
      </HydrationBoundary>
    </>
  );
}
