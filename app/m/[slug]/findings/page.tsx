import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { findings } from "@/lib/endpoints/views/findings";
import { forecast } from "@/lib/endpoints/views/forecast";
import { FindingsView } from "@/components/findings/FindingsView";
import { serverQueryClient, type PageParams } from "../page-context";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { ClientMessages } from "@/components/i18n/ClientMessages";

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
  await prefetchEndpoint(queryClient, access, findings, {});
  await prefetchEndpoint(queryClient, access, forecast, {});
  return (
    <ClientMessages paths={["findings", "billing.features", "billing.locked"]}>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <FindingsView />
      </HydrationBoundary>
    </ClientMessages>
  );
}
