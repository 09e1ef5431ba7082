"use client";

import { useLocale, useTranslations } from "next-intl";
import type { FrequencyBandRow } from "@/lib/analytics/getPurchaseFrequency";
import type { Period } from "@/lib/days";
import { formatMoney, formatNumber, formatPercent, SUPPRESSED_LABEL } from "@/lib/format";
import { Card } from "../Card";
import { DataTable, type Column } from "../DataTable";
import { useEndpoint } from "../hooks/useEndpoint";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState, ErrorState, LoadingState } from "../states";

/**
 * How often the period's customers buy: one row per purchase band (1, 2, 3, 4-5, 6-9, 10+) with
 * customers, net revenue and their shares; the headline says how much revenue the repeat buyers
 * bring. Reads the `purchase-frequency` view.
 */
export function PurchaseFrequencyCard({ period }: { period: Period }) {
  const t = useTranslations("customers.frequency");
  const locale = useLocale();
  const { slug, currency } = useMerchant();
  const query = useEndpoint("purchase-frequency", slug, period);
  const data = query.data;

  const cell = (row: FrequencyBandRow, render: () => string) =>
    row.suppressed ? <span className="suppressed">{SUPPRESSED_LABEL}</span> : render();
  const columns: Column<FrequencyBandRow>[] = [
    { key: "band", header: t("columns.band"), cell: (row) => t("band", { band: row.band }) },
    { key: "customers", header: t("columns.customers"), numeric: true, cell: (row) => cell(row, () => formatNumber(row.customers, locale)) },
    { key: "customerShare", header: t("columns.customerShare"), numeric: true, cell: (row) => cell(row, () => formatPercent(row.customerShare, locale)) },
    { key: "revenue", header: t("columns.revenue"), numeric: true, cell: (row) => cell(row, () => formatMoney(row.revenueMinor, currency, locale)) },
    { key: "revenueShare", header: t("columns.revenueShare"), numeric: true, cell: (row) => cell(row, () => formatPercent(row.revenueShare, locale)) },
    {
      key: "perCustomer",
      header: t("columns.revenuePerCustomer"),
      numeric: true,
      cell: (row) => cell(row, () => formatMoney(row.revenuePerCustomerMinor, currency, locale)),
    },
  ];
  const once = data?.bands[0];
  const repeatShare = once && !once.suppressed && once.revenueShare !== null ? 1 - once.revenueShare : null;
  const empty = data ? data.bands.every((b) => b.suppressed) : false;

  return (
    <Card title={t("title")} subtitle={t("subtitle")} data-testid="purchase-frequency">
      {query.isPending ? (
        <LoadingState height={220} />
      ) : query.error || !data ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : empty ? (
        <EmptyState title={t("empty")} />
      ) : (
        <>
          {repeatShare !== null ? (
            <p className="notice" data-testid="repeat-revenue-share">
              {t("repeatSummary", { share: formatPercent(repeatShare, locale) })}
            </p>
          ) : null}
          <DataTable columns={columns} rows={data.bands} rowKey={(row) => row.band} caption={t("title")} data-testid="purchase-frequency-table" />
        </>
      )}
    </Card>
  );
}
