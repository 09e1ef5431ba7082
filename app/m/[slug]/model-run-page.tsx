import type { ReactNode } from "react";
import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { requireMerchantPage } from "@/lib/auth/access";
import type { AnyEndpoint } from "@/lib/endpoints/define";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
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
 * (login / 404), prefetches the run under the client hook's key (lib/endpoints) and hands it to the view.
 * Models are fitted after each data load, never here, so there is no period picker: the view's
 * run line says which data the run describes.
 */
export async function ModelRunPage({
  params,
  namespace,
  endpoint,
  children,
}: {
  params: PageParams;
  namespace: ModelRunNamespace;
  /** The view's definition (no query: the latest run). */
  endpoint: AnyEndpoint;
  children: ReactNode;
}) {
  const { slug } = await params;
  const access = await requireMerchantPage(slug, { feature: namespace });
  const t = await getTranslations(namespace);
  const queryClient = serverQueryClient();
  await prefetchEndpoint(queryClient, access, endpoint, {});
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>{children}</HydrationBoundary>
    </>
  );
}
