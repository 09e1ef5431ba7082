import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { OffersView } from "@/components/offers/OffersView";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { requireMerchantPage } from "@/lib/auth/access";
import { fetchEndpoint, prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { dataRange } from "@/lib/endpoints/views/dataRange";
import { offers } from "@/lib/endpoints/views/offers";
import { serverQueryClient, type PageParams } from "../page-context";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("offers");
  return { title: t("title") };
}

/** Offers: create with a preview, and the library of the merchant's offers with their measured effects. */
export default async function OffersPage({ params }: { params: PageParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug, { feature: "campaigns" });
  const t = await getTranslations("offers");
  const queryClient = serverQueryClient();
  const [range] = await Promise.all([fetchEndpoint(queryClient, access, dataRange, {}), prefetchEndpoint(queryClient, access, offers, {})]);
  // An offer's window starts after the last day with data (its outcome is not observed yet).
  const last = range.lastDay ?? new Date().toISOString().slice(0, 10);
  const defaultStart = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return (
    <ClientMessages paths={["offers.create", "offers.list", "offers.status"]}>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <OffersView defaultStart={defaultStart} />
      </HydrationBoundary>
    </ClientMessages>
  );
}
