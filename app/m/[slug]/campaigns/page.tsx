import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { CampaignsView } from "@/components/campaigns/CampaignsView";
import { campaignsKey } from "@/components/hooks/useCampaigns";
import { requireMerchantPage } from "@/lib/auth/access";
import { serverQueryClient, type PageParams } from "../page-context";
import { loadCampaigns } from "./campaigns-data";
import { PageTitle } from "@/components/dashboard/PageTitle";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("campaigns");
  return { title: t("title") };
}

/** Campaigns: upload with a progress bar and the list of the merchant's campaigns. */
export default async function CampaignsPage({ params }: { params: PageParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug, { feature: "campaigns" });
  const t = await getTranslations("campaigns");
  const queryClient = serverQueryClient();
  await queryClient.prefetchQuery({ queryKey: campaignsKey(access.merchant.slug), queryFn: () => loadCampaigns(access) });
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <CampaignsView />
      </HydrationBoundary>
    </>
  );
}
