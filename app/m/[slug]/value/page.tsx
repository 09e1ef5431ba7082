import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import { customerValueKey } from "@/components/hooks/useCustomerValue";
import { ValueView } from "@/components/value/ValueView";
import { serverQueryClient, type PageParams } from "../page-context";
import { loadCustomerValue } from "./value-data";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("value");
  return { title: t("title") };
}

/**
 * Customer value: KPIs, CLV distribution, P(alive) by recency × frequency, how it is computed.
 * Reads the latest stored model run (models are fitted after each data load, never here), so
 * there is no period picker: the run line says which data the run describes.
 */
export default async function ValuePage({ params }: { params: PageParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  const t = await getTranslations("value");

  const queryClient = serverQueryClient();
  await queryClient.prefetchQuery({
    queryKey: customerValueKey(access.merchant.slug),
    queryFn: () => loadCustomerValue(access),
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
        <ValueView />
      </HydrationBoundary>
    </>
  );
}
