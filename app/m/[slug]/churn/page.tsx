import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import { churnKey } from "@/components/hooks/useChurn";
import { ChurnView } from "@/components/churn/ChurnView";
import { serverQueryClient, type PageParams } from "../page-context";
import { loadChurn } from "./churn-data";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("churn");
  return { title: t("title") };
}

/**
 * Churn: horizon, model quality, risk distribution, SHAP factors, revenue at risk.
 * Reads the latest stored model run (models are fitted after each data load, never here), so
 * there is no period picker: the run line says which data the run describes.
 */
export default async function ChurnPage({ params }: { params: PageParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  const t = await getTranslations("churn");

  const queryClient = serverQueryClient();
  await queryClient.prefetchQuery({
    queryKey: churnKey(access.merchant.slug),
    queryFn: () => loadChurn(access),
  });

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t("title")}</h1>
          <p>{t("subtitle")}</p>
        </div>
      </div>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <ChurnView />
      </HydrationBoundary>
    </>
  );
}
