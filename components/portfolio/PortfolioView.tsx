"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import type { HeadlineMetrics } from "@/lib/analytics/types";
import type { Period } from "@/lib/days";
import { changeDirection, formatChange, formatDay, formatMoney, formatNumber, formatPeriod } from "@/lib/format";
import { Card } from "../Card";
import { ChangeBadge } from "../ChangeBadge";
import { DataTable, type Column } from "../DataTable";
import { usePortfolio } from "../hooks/usePortfolio";
import { EmptyState, ErrorState, LoadingState } from "../states";
import type { PortfolioRow } from "@/lib/endpoints/portfolio";

/** The relationship manager's list: one row per merchant, headline KPIs, a link into its dashboard. */
export function PortfolioView({ period }: { period: Period | null }) {
  const t = useTranslations("portfolio");
  const locale = useLocale();
  const portfolio = usePortfolio(period);

  if (portfolio.isPending) return <LoadingState height={320} />;
  if (portfolio.error || !portfolio.data) {
    return (
      <Card>
        <ErrorState error={portfolio.error} onRetry={() => portfolio.refetch()} />
      </Card>
    );
  }
  const rows = portfolio.data.rows;
  if (rows.length === 0) {
    return (
      <Card>
        <EmptyState title={t("empty.title")} hint={t("empty.hint")} />
      </Card>
    );
  }

  const withData = rows.filter((r) => r.overview && r.overview.current.purchases > 0);
  const growing = withData.filter((r) => changeDirection(r.overview?.change.netRevenueMinor) === "up").length;
  const declining = withData.filter((r) => changeDirection(r.overview?.change.netRevenueMinor) === "down").length;

  const money = (row: PortfolioRow, key: keyof HeadlineMetrics, goodWhen: "up" | "down" = "up") => {
    const o = row.overview;
    if (!o) return <span className="faint">—</span>;
    return (
      <div className="cell-stack">
        <span className="num">{formatMoney(o.current[key], row.currency, locale)}</span>
        <ChangeBadge change={o.change[key]} label={formatChange(o.change[key], locale)} goodWhen={goodWhen} />
      </div>
    );
  };
  const count = (row: PortfolioRow, key: keyof HeadlineMetrics, digits = 0) => {
    const o = row.overview;
    if (!o) return <span className="faint">—</span>;
    return (
      <div className="cell-stack">
        <span className="num">
          {formatNumber(o.current[key], locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })}
        </span>
        <ChangeBadge change={o.change[key]} label={formatChange(o.change[key], locale)} />
      </div>
    );
  };

  const columns: Column<PortfolioRow>[] = [
    {
      key: "merchant",
      header: t("columns.merchant"),
      className: "merchant-cell",
      cell: (row) => (
        <div className="cell-stack">
          <Link href={dashboardHref(row)} className="merchant-link" data-testid="portfolio-open">
            {row.name}
          </Link>
          <span className="faint">
            MCC {row.mcc} · {row.currency}
          </span>
        </div>
      ),
    },
    {
      key: "period",
      header: t("columns.period"),
      cell: (row) => (
        <div className="cell-stack">
          {row.period ? <span className="num">{formatPeriod(row.period, locale)}</span> : <span className="faint">{t("noData")}</span>}
          {/* With a common period the merchant's own latest day tells whether data is missing. */}
          {period && row.lastDay ? (
            <span className="faint num">{t("latest", { day: formatDay(row.lastDay, locale) })}</span>
          ) : null}
        </div>
      ),
    },
    { key: "net", header: t("columns.netRevenue"), numeric: true, cell: (row) => money(row, "netRevenueMinor") },
    { key: "gross", header: t("columns.grossSales"), numeric: true, cell: (row) => money(row, "grossSalesMinor") },
    { key: "purchases", header: t("columns.purchases"), numeric: true, cell: (row) => count(row, "purchases") },
    { key: "customers", header: t("columns.customers"), numeric: true, cell: (row) => count(row, "customers") },
    { key: "check", header: t("columns.averageCheck"), numeric: true, cell: (row) => money(row, "averageCheckMinor") },
    { key: "frequency", header: t("columns.frequency"), numeric: true, cell: (row) => count(row, "frequency", 2) },
    { key: "refunds", header: t("columns.refunds"), numeric: true, cell: (row) => money(row, "refundsMinor", "down") },
  ];

  return (
    <Card
      title={t("summary.merchants", { count: rows.length })}
      subtitle={period ? formatPeriod(period, locale) : t("ownPeriods")}
      actions={
        <div className="kpi-split">
          <ChangeBadge change={1} label={t("summary.growing", { count: growing })} />
          <ChangeBadge change={-1} label={t("summary.declining", { count: declining })} />
          <span>{t("summary.noData", { count: rows.length - withData.length })}</span>
        </div>
      }
    >
      <DataTable
        columns={columns}
        rows={rows}
        rowKey={(row) => row.slug}
        rowProps={(row) => ({ "data-testid": `portfolio-row-${row.slug}` })}
        caption={t("tableCaption")}
        data-testid="portfolio-table"
      />
    </Card>
  );
}

/** The merchant's dashboard for the same period the row shows. */
function dashboardHref(row: PortfolioRow): string {
  return row.period ? `/m/${row.slug}?from=${row.period.from}&to=${row.period.to}` : `/m/${row.slug}`;
}
