import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { getTranslations } from "next-intl/server";
import { prefetchEndpoint } from "@/lib/endpoints/prefetch";
import { cohorts } from "@/lib/endpoints/views/cohorts";
import { purchaseFrequency } from "@/lib/endpoints/views/purchaseFrequency";
import { regularCustomers } from "@/lib/endpoints/views/regularCustomers";
import { segments } from "@/lib/endpoints/views/segments";
import { CustomersView } from "@/components/customers/CustomersView";
import { ExportLinks } from "@/components/api/ExportLinks";
import { PageHeader } from "@/components/dashboard/PageHeader";
import { merchantPageContext, serverQueryClient, type PageParams, type PageSearchParams } from "../page-context";
import { ClientMessages } from "@/components/i18n/ClientMessages";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("customers");
  return { title: t("title") };
}

/** Customers: regular customers, demographic segments (chart + table), cohort retention. */
export default async function CustomersPage({ params, searchParams }: { params: PageParams; searchParams: PageSearchParams }) {
  const queryClient = serverQueryClient();
  // The data range and the four views in one scoped transaction (the rollup views from the
  // answer cache when it holds them; segments reads the customers' demographics each time).
  const { access, range, end, period } = await merchantPageContext(params, searchParams, { feature: "customers" }, async (batched, p) => {
    await prefetchEndpoint(queryClient, batched, regularCustomers, p);
    await prefetchEndpoint(queryClient, batched, purchaseFrequency, p);
    await prefetchEndpoint(queryClient, batched, segments, p);
    await prefetchEndpoint(queryClient, batched, cohorts, p);
  });
  const t = await getTranslations("customers");

  return (
    <ClientMessages paths={["customers.cohorts", "customers.frequency", "customers.regular", "customers.segments"]}>
      <PageHeader
        title={t("title")}
        subtitle={t("subtitle")}
        period={period}
        end={end}
        firstDay={range.firstDay}
        lastDay={range.lastDay}
      >
        <ExportLinks
          slug={access.merchant.slug}
          canExport={access.entitlements.features.has("exports")}
          items={[
            { view: "regular-customers", table: "regular-customers", query: period },
            { view: "purchase-frequency", table: "purchase-frequency", query: period },
            { view: "segments", table: "customer-segments", query: period },
            { view: "cohorts", table: "cohort-retention", query: period },
          ]}
        />
      </PageHeader>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <CustomersView period={period} />
      </HydrationBoundary>
    </ClientMessages>
  );
}
