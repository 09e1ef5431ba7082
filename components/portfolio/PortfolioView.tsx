"use client";

import Link from "next/link";
import { useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import type { HeadlineMetrics } from "@/lib/analytics/types";
import type { Period } from "@/lib/days";
import { changeDirection, formatChange, formatDay, formatMoney, formatNumber, formatPercent, formatPeriod } from "@/lib/format";
import { arrangePortfolio, PORTFOLIO_SORTS, type PortfolioSort } from "@/lib/endpoints/portfolioArrange";
import { Card } from "../Card";
import { ChangeBadge } from "../ChangeBadge";
import { DataTable, type Column } from "../DataTable";
import { usePortfolio } from "../hooks/usePortfolio";
import { EmptyState, ErrorState, LoadingState } from "../states";
import type { PortfolioRow } from "@/lib/endpoints/portfolio";

/**
 * The relationship manager's list: one row per merchant with its plan (and trial end), an open
 * upgrade request, churn risk and headline KPIs, a link into its dashboard; searchable and
 * sortable. On a phone each merchant is a card instead of a table row.
 */
export function PortfolioView({ period }: { period: Period | null }) {
  const t = useTranslations("portfolio");
  const tb = useTranslations("billing.plans");
  const locale = useLocale();
  const portfolio = usePortfolio(period);
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<PortfolioSort>("name");

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

  const day = (iso: string) => formatDay(iso.slice(0, 10), locale);
  const planCell = (row: PortfolioRow) => (
    <div className="cell-stack" data-testid="portfolio-plan">
      <span>{row.plan ? tb(row.plan) : <span className="faint">{t("bankData")}</span>}</span>
      {row.trialEndsAt ? <span className="faint">{t("trialEnds", { day: day(row.trialEndsAt) })}</span> : null}
      {row.upgradeRequest ? (
        <span className="pill" data-testid="portfolio-request">
          {t("requested", { plan: tb(row.upgradeRequest.plan), day: day(row.upgradeRequest.requestedAt) })}
        </span>
      ) : null}
    </div>
  );
  const riskCell = (row: PortfolioRow) =>
    row.risk ? (
      <div className="cell-stack" data-testid="portfolio-risk">
        <span className="num">{formatPercent(row.risk.expectedShare, locale)}</span>
        {/* Words wrap on a phone (the amount itself keeps its non-breaking spaces): "num" would not wrap. */}
        <span className="faint" style={{ fontVariantNumeric: "tabular-nums" }} data-basis={row.risk.grossMarginBp === null ? "revenue" : "margin"}>
          {t(row.risk.grossMarginBp === null ? "atRiskRevenue" : "atRiskMargin", { amount: formatMoney(row.risk.revenueAtRiskMinor, row.currency, locale) })}
        </span>
      </div>
    ) : (
      <span className="faint">—</span>
    );
  const shownRows = arrangePortfolio(rows, query, sort);

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
    { key: "plan", header: t("columns.plan"), cell: planCell },
    { key: "risk", header: t("columns.risk"), numeric: true, cell: riskCell },
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
      <div className="portfolio-tools">
        <input
          className="input"
          type="search"
          value={query}
          onChange={(ev) => setQuery(ev.target.value)}
          placeholder={t("search")}
          aria-label={t("search")}
          data-testid="portfolio-search"
        />
        <label className="portfolio-sort">
          <span className="muted">{t("sortLabel")}</span>
          <select className="input" value={sort} onChange={(ev) => setSort(ev.target.value as PortfolioSort)} data-testid="portfolio-sort">
            {PORTFOLIO_SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`sort.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {shownRows.length === 0 ? <p className="muted">{t("noMatch")}</p> : null}
      <ul className="portfolio-cards" data-testid="portfolio-cards">
        {shownRows.map((row) => (
          <li key={row.slug} className="portfolio-card" data-testid={`portfolio-card-${row.slug}`}>
            <div className="portfolio-card-head">
              <Link href={dashboardHref(row)} className="merchant-link">
                {row.name}
              </Link>
              <span className="faint">MCC {row.mcc}</span>
            </div>
            <div className="portfolio-card-grid">
              <div>
                <span className="muted">{t("columns.netRevenue")}</span>
                {money(row, "netRevenueMinor")}
              </div>
              <div>
                <span className="muted">{t("columns.customers")}</span>
                {count(row, "customers")}
              </div>
              <div>
                <span className="muted">{t("columns.plan")}</span>
                {planCell(row)}
              </div>
              <div>
                <span className="muted">{t("columns.risk")}</span>
                {riskCell(row)}
              </div>
            </div>
          </li>
        ))}
      </ul>
      <div className="portfolio-table">
        <DataTable
          columns={columns}
          rows={shownRows}
          rowKey={(row) => row.slug}
          rowProps={(row) => ({ "data-testid": `portfolio-row-${row.slug}` })}
          caption={t("tableCaption")}
          data-testid="portfolio-table"
        />
      </div>
    </Card>
  );
}

/** The merchant's dashboard for the same period the row shows. */
function dashboardHref(row: PortfolioRow): string {
  return row.period ? `/m/${row.slug}?from=${row.period.from}&to=${row.period.to}` : `/m/${row.slug}`;
}
