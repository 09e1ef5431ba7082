import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { getCohortRetention } from "@/lib/analytics/getCohortRetention";
import { getCustomerSegments } from "@/lib/analytics/getCustomerSegments";
import { getRegularCustomers } from "@/lib/analytics/getRegularCustomers";
import { CustomersView } from "@/components/customers/CustomersView";
import { PageHeader } from "@/components/dashboard/PageHeader";
import { queryKeys } from "@/components/hooks/keys";
import { merchantPageContext, serverQueryClient, type PageParams, type PageSearchParams } from "../page-context";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("customers");
  return { title: t("title") };
}

/** Customers: regular customers, demographic segments (chart + table), cohort retention. */
export default async function CustomersPage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const { access, range, end, period } = await merchantPageContext(params, searchParams, { feature: "customers" });
  const t = await getTranslations("customers");
  const slug = access.merchant.slug;

  const queryClient = serverQueryClient();
  await queryClient.prefetchQuery({
    queryKey: queryKeys.regularCustomers(slug, period),
    queryFn: () => access.run((ctx) => getRegularCustomers(ctx, period)),
  });
  await queryClient.prefetchQuery({
    queryKey: queryKeys.segments(slug, period),
    queryFn: () => access.run((ctx) => getCustomerSegments(ctx, period)),
  });
  await queryClient.prefetchQuery({
    queryKey: queryKeys.cohorts(slug, period),
    queryFn: () => access.run((ctx) => getCohortRetention(ctx, period)),
  });

  return (
    <>
      <PageHeader
        title={t("title")}
        subtitle={t("subtitle")}
        period={period}
        end={end}
        firstDay={range.firstDay}
        lastDay={range.lastDay}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <CustomersView period={period} />
      </HydrationBoundary>
    </>
  );
}
