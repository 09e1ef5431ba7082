import type { Metadata } from "next";
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { requireActor } from "@/lib/auth/access";
import { periodFromSearchParams } from "@/lib/days";
import { portfolioKeys } from "@/lib/endpoints/keys";
import { loadPortfolio } from "@/lib/endpoints/portfolio";
import { PortfolioPicker } from "@/components/portfolio/PortfolioPicker";
import { PortfolioView } from "@/components/portfolio/PortfolioView";
import { PortfolioFindings } from "@/components/portfolio/PortfolioFindings";
import { PageTitle } from "@/components/dashboard/PageTitle";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("portfolio");
  return { title: t("title") };
}

/**
 * The relationship manager's page (also a bank admin's, and the chooser of a merchant user with
 * several merchants): every accessible merchant with its headline KPIs and a link into it.
 */
export default async function PortfolioPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor();
  const t = await getTranslations("portfolio");
  const period = periodFromSearchParams(await searchParams);

  // Loaded here rather than through the API so the first paint has the figures; the client
  // hook reads the same cache entry after hydration.
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000, retry: false } } });
  const portfolio = await loadPortfolio(actor, period);
  queryClient.setQueryData(portfolioKeys.portfolio(period), portfolio);
  const managesPortfolio = actor.bankRole === "bank_admin" || portfolio.rows.some((r) => r.role === "relationship_manager");

  return (
    <ClientMessages paths={["portfolio", "findings", "billing.plans"]}>
      <PageTitle
        title={managesPortfolio ? t("title") : t("titleMerchant")}
        subtitle={t("subtitle")}
        aside={portfolio.end ? <PortfolioPicker period={period} end={portfolio.end} /> : null}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <PortfolioView period={period} />
        {managesPortfolio ? <PortfolioFindings /> : null}
      </HydrationBoundary>
    </ClientMessages>
  );
}
