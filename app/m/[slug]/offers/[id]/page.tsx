import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { OfferResultView } from "@/components/offers/OfferResultView";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { NotFoundError, requireMerchantPage } from "@/lib/auth/access";
import { fetchEndpoint } from "@/lib/endpoints/prefetch";
import { offer } from "@/lib/endpoints/views/offers";
import { serverQueryClient } from "../../page-context";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("offers");
  return { title: t("title") };
}

/** One offer: timeline and results with intervals and ROI; 404 for an unknown offer or another merchant's. */
export default async function OfferPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id: rawId } = await params;
  const access = await requireMerchantPage(slug, { feature: "campaigns" });
  const id = Number(rawId);
  if (!/^\d{1,15}$/.test(rawId) || !Number.isSafeInteger(id) || id <= 0) notFound();
  const queryClient = serverQueryClient();
  try {
    await fetchEndpoint(queryClient, access, offer, { id });
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  const t = await getTranslations("offers");
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <OfferResultView id={id} />
      </HydrationBoundary>
    </>
  );
}
