import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { CampaignsView } from "@/components/campaigns/CampaignsView";
import { requireMerchantPage } from "@/lib/auth/access";
import { serverQueryClient, type PageParams } from "../page-context";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { campaigns } from "@/lib/endpoints/views/campaigns";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { ClientMessages } from "@/components/i18n/ClientMessages";

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
  await prefetchEndpoint(queryClient, access, campaigns, {});
  return (
    <ClientMessages paths={["campaigns.list", "campaigns.upload", "value.run", "churn.run", "segments.run"]}>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <CampaignsView />
      </HydrationBoundary>
    </ClientMessages>
  );
}
