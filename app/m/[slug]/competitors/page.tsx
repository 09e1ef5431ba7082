import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { competitors } from "@/lib/endpoints/views/competitors";
import { addMonthsToMonthStart } from "@/lib/days";
import { competitorQuerySchema, grainOf } from "@/lib/privacy/periods";
import { CompetitorsView } from "@/components/competitors/CompetitorsView";
import { CompetitorPeriodPicker } from "@/components/competitors/CompetitorPeriodPicker";
import { merchantPageContext, serverQueryClient, type PageParams, type PageSearchParams } from "../page-context";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("competitors");
  return { title: t("title") };
}

/**
 * Competitors: peer benchmarks, revenue index, cross-shopping, share of wallet and switching for
 * one whole calendar month, quarter or year (?from&to); otherwise the last full month with data.
 * The figures come from lib/privacy (its guard decides what is released), not from a merchant scope.
 */
export default async function CompetitorsPage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const { access, end } = await merchantPageContext(params, searchParams, { feature: "competitors" });
  const t = await getTranslations("competitors");
  const sp = await searchParams;
  const asked = competitorQuerySchema.safeParse({ from: sp.from, to: sp.to });
  // The last whole month ending on or before `end` (the day after the latest data day).
  const lastFull = addMonthsToMonthStart(end, -1);
  const period = asked.success ? asked.data : { from: lastFull, to: addMonthsToMonthStart(lastFull, 1) };
  const grain = grainOf(period)!;

  const queryClient = serverQueryClient();
  await prefetchEndpoint(queryClient, access, competitors, period);

  return (
    <ClientMessages paths={["competitors"]}>
      <PageTitle
        title={t("title")}
        subtitle={t("subtitle")}
        aside={<CompetitorPeriodPicker key={`${period.from}_${period.to}`} period={period} grain={grain} end={end} />}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <CompetitorsView period={period} />
      </HydrationBoundary>
    </ClientMessages>
  );
}
