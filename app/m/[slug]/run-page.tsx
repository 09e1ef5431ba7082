import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { NotFoundError, requireMerchantPage } from "@/lib/auth/access";
import type { AnyEndpoint } from "@/lib/endpoints/define";
import { fetchEndpoint } from "@/lib/endpoints/prefetch";
import { serverQueryClient } from "./page-context";

/**
 * The frame of a page that shows one stored run of the merchant by id (a campaign's report, an
 * offer's result): the plan gate, a strict id (404 otherwise), the endpoint prefetched for the
 * view (404 for an unknown id or another merchant's: RLS), the title from the messages namespace.
 *
 * @param endpoint a definition whose query is `{ id }` and whose loader throws NotFoundError
 * @param ns the messages namespace holding `title` and `subtitle`
 * @param view renders the client view for the id
 * @throws the prefetch's errors other than NotFoundError (the error boundary shows them)
 */
export async function RunPage({
  params,
  endpoint,
  ns,
  view,
}: {
  params: Promise<{ slug: string; id: string }>;
  endpoint: AnyEndpoint;
  ns: "offers" | "campaigns";
  view: (id: number) => ReactNode;
}) {
  const { slug, id: rawId } = await params;
  const access = await requireMerchantPage(slug, { feature: "campaigns" });
  const id = Number(rawId);
  if (!/^\d{1,15}$/.test(rawId) || !Number.isSafeInteger(id) || id <= 0) notFound();
  const queryClient = serverQueryClient();
  try {
    await fetchEndpoint(queryClient, access, endpoint, { id });
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  const t = await getTranslations(ns);
  return (
    <>
      <PageTitle title={t("title")} subtitle={t("subtitle")} />
      <HydrationBoundary state={dehydrate(queryClient)}>{view(id)}</HydrationBoundary>
    </>
  );
}
