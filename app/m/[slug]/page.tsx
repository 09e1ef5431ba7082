import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { getOverview } from "@/lib/analytics/getOverview";
import { getRevenueDynamics } from "@/lib/analytics/getRevenueDynamics";
import { defaultBucket } from "@/lib/charts/revenueDynamics";
import { PageHeader } from "@/components/dashboard/PageHeader";
import { queryKeys } from "@/components/hooks/keys";
import { OverviewView } from "@/components/overview/OverviewView";
import { merchantPageContext, serverQueryClient, type PageParams, type PageSearchParams } from "./page-context";

/** Overview: headline KPIs with change vs the previous period, revenue dynamics with comparison. */
export default async function OverviewPage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const { access, range, end, period } = await merchantPageContext(params, searchParams, { feature: "overview" });
  const t = await getTranslations("dashboard");
  const slug = access.merchant.slug;
  const bucket = defaultBucket(period);

  const queryClient = serverQueryClient();
  await queryClient.prefetchQuery({
    queryKey: queryKeys.overview(slug, period),
    queryFn: () => access.run((ctx) => getOverview(ctx, period)),
  });
  await queryClient.prefetchQuery({
    queryKey: queryKeys.dynamics(slug, period, bucket),
    queryFn: () => access.run((ctx) => getRevenueDynamics(ctx, period, { bucket })),
  });

  return (
    <>
      <PageHeader
        title={t("title")}
        subtitle={t("subtitle")}
        period={period}
        end={end}
        firstDay={range.firstDay}
        lastDay={range.lastDay}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <OverviewView period={period} firstDay={range.firstDay} lastDay={range.lastDay} />
      </HydrationBoundary>
    </>
  );
}
