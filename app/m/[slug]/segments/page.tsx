import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import { segmentTreeKey } from "@/components/hooks/useSegmentTree";
import { SegmentsView } from "@/components/segments/SegmentsView";
import { serverQueryClient, type PageParams } from "../page-context";
import { loadSegmentTree } from "./segment-tree-data";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("segments");
  return { title: t("title") };
}

/**
 * Segments: the decision-tree leaf table (profile → revenue) and the tree.
 * Reads the latest stored model run (models are fitted after each data load, never here), so
 * there is no period picker: the run line says which data the run describes.
 */
export default async function SegmentsPage({ params }: { params: PageParams }) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug);
  const t = await getTranslations("segments");

  const queryClient = serverQueryClient();
  await queryClient.prefetchQuery({
    queryKey: segmentTreeKey(access.merchant.slug),
    queryFn: () => loadSegmentTree(access),
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
        <SegmentsView />
      </HydrationBoundary>
    </>
  );
}
