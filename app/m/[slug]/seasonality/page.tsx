import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { seasonality } from "@/lib/endpoints/views/seasonality";
import { ExportLinks } from "@/components/api/ExportLinks";
import { PageHeader } from "@/components/dashboard/PageHeader";
import { SeasonalityView } from "@/components/seasonality/SeasonalityView";
import { merchantPageContext, serverQueryClient, type PageParams, type PageSearchParams } from "../page-context";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("seasonality");
  return { title: t("title") };
}

/** Seasonality: weekday × hour heatmap and month-of-year profile. */
export default async function SeasonalityPage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const queryClient = serverQueryClient();
  // The data range and the view in one scoped transaction, or none from the answer cache.
  const { access, range, end, period } = await merchantPageContext(params, searchParams, { feature: "seasonality" }, (batched, p) =>
    prefetchEndpoint(queryClient, batched, seasonality, p),
  );
  const t = await getTranslations("seasonality");

  return (
    <ClientMessages paths={["seasonality.heatmap", "seasonality.months"]}>
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
            { view: "seasonality", table: "weekday-hour", query: period },
            { view: "seasonality", table: "month-of-year", query: period },
          ]}
        />
      </PageHeader>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <SeasonalityView period={period} />
      </HydrationBoundary>
    </ClientMessages>
  );
}
