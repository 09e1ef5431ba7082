import type { ReactNode } from "react";
import type { Metadata } from "next";
import { dehydrate, HydrationBoundary, type QueryKey } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { requireMerchantPage, type MerchantAccess } from "@/lib/auth/access";
import { serverQueryClient, type PageParams } from "./page-context";
import { PageTitle } from "@/components/dashboard/PageTitle";

/** The message namespaces of the tabs that show a stored model run. */
export type ModelRunNamespace = "value" | "churn" | "segments";

/** The tab's title from its namespace, for generateMetadata. */
export async function modelRunMetadata(namespace: ModelRunNamespace): Promise<Metadata> {
  const t = await getTranslations(namespace);
  return { title: t("title") };
}

/**
 * A tab that shows the latest stored model run (Customer value, Churn, Segments): authorizes
 * (login / 404), prefetches the run under the client hook's key and hands it to the view.
 * Models are fitted after each data load, never here, so there is no period picker: the view's
 * run line says which data the run describes.
 */
export async function ModelRunPage<T>({
  params,
  namespace,
  queryKey,
  load,
  children,
}: {
  params: PageParams;
  namespace: ModelRunNamespace;
  queryKey: (slug: string) => QueryKey;
  load: (access: MerchantAccess) => Promise<T>;
  children: ReactNode;
}) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug, { feature: namespace });
  const t = await getTranslations(namespace);
  const queryClient = serverQueryClient();
  await queryClient.prefetchQuery({ queryKey: queryKey(access.merchant.slug), queryFn: () => load(access) });
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>{children}</HydrationBoundary>
    </>
  );
}
