import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { CampaignReportView } from "@/components/campaigns/CampaignReportView";
import { NotFoundError, requireMerchantPage } from "@/lib/auth/access";
import { fetchEndpoint } from "@/lib/endpoints/prefetch";
import { campaignReport } from "@/lib/endpoints/views/campaigns";
import { serverQueryClient } from "../../page-context";
import { PageTitle } from "@/components/dashboard/PageTitle";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("campaigns");
  return { title: t("title") };
}

/** One campaign's uplift report; 404 for an unknown campaign or another merchant's. */
export default async function CampaignReportPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id: rawId } = await params;
  const access = await requireMerchantPage(slug, { feature: "campaigns" });
  const id = Number(rawId);
  if (!/^\d{1,15}$/.test(rawId) || !Number.isSafeInteger(id) || id <= 0) notFound();
  const queryClient = serverQueryClient();
  try {
    await fetchEndpoint(queryClient, access, campaignReport, { id });
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  const t = await getTranslations("campaigns");
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <CampaignReportView id={id} />
      </HydrationBoundary>
    </>
  );
}
