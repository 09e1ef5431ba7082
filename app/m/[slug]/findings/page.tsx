import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import { findingsKey, forecastKey } from "@/components/hooks/useFindings";
import { FindingsView } from "@/components/findings/FindingsView";
import { serverQueryClient, type PageParams } from "../page-context";
import { loadFindings, loadForecast } from "./findings-data";
import { PageTitle } from "@/components/dashboard/PageTitle";

export async function generateMetadata() {
  const t = await getTranslations("findings");
  return { title: t("title") };
}

/** Findings: the ranked feed of the latest findings run, and the forecasts with their accuracy. */
export default async function FindingsPage({ params }: { params: PageParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug, { feature: "findings" });
  const t = await getTranslations("findings");
  const queryClient = serverQueryClient();
  await queryClient.prefetchQuery({ queryKey: findingsKey(access.merchant.slug), queryFn: () => loadFindings(access) });
  await queryClient.prefetchQuery({ queryKey: forecastKey(access.merchant.slug), queryFn: () => loadForecast(access) });
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <FindingsView />
      </HydrationBoundary>
    </>
  );
}
