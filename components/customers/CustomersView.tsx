"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import type { CustomerSegments, SegmentDimension, SegmentRow } from "@/lib/analytics/getCustomerSegments";
import type { RegularCustomers } from "@/lib/analytics/getRegularCustomers";
import type { Period } from "@/lib/days";
import { buildCohortHeatmapOption, type CohortMetric } from "@/lib/charts/cohortHeatmap";
import { buildRegularCustomersOption } from "@/lib/charts/regularCustomers";
import { buildSegmentBarOption, segmentBars, type SegmentMetric } from "@/lib/charts/segmentBar";
import { formatMoney, formatNumber, formatPercent, formatPeriod, SUPPRESSED_LABEL } from "@/lib/format";
import { Card } from "../Card";
import { DataTable, type Column } from "../DataTable";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import { Segmented } from "../Segmented";
import { useMerchant } from "../shell/MerchantContext";
import { PurchaseFrequencyCard } from "./PurchaseFrequencyCard";
import { EmptyState, ErrorState, LoadingState } from "../states";

/** The dimensions in the order the selector shows them. */
const DIMENSIONS: readonly SegmentDimension[] = ["gender", "ageBand", "maritalStatus", "payroll", "corporate", "premium", "region"];

/** Natural orders (charts read better by age than by revenue); others keep the revenue order. */
const NATURAL_ORDER: Partial<Record<SegmentDimension, readonly string[]>> = {
  ageBand: ["<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "unknown"],
};

const SEGMENT_METRICS: readonly SegmentMetric[] = ["revenueMinor", "customers", "averageCheckMinor", "revenueShare"];

/** The Customers tab: regular customers, segments (chart + table), cohort retention heatmap. */
export function CustomersView({ period }: { period: Period }) {
  const t = useTranslations("common.privacy");
  return (
    <>
      <RegularCustomersCard period={period} />
      <PurchaseFrequencyCard period={period} />
      <SegmentsCard period={period} />
      <CohortsCard period={period} />
      <p className="legend-note" data-privacy-note="">{t("note")}</p>
    </>
  );
}

function useSegmentValueLabel() {
  const t = useTranslations("customers.segments");
  return (value: string) => (t.has(`values.${value}`) ? t(`values.${value}`) : value);
}

function RegularCustomersCard({ period }: { period: Period }) {
  const t = useTranslations("customers.regular");
  const locale = useLocale();
  const { slug, currency } = useMerchant();
  const format = useChartFormat();
  const query = useEndpoint("regular-customers", slug, period);
  const data = query.data;
  const option = useMemo(
    () =>
      data
        ? buildRegularCustomersOption(
            data.trend,
            {
              customers: t("count"),
              share: t("share"),
              revenue: t("revenue"),
              revenueShare: t("revenueShare"),
              active: t("active"),
              suppressed: SUPPRESSED_LABEL,
            },
            format,
          )
        : null,
    [data, format, t],
  );
  return (
    <Card
      title={t("title")}
      subtitle={data ? t("rule", { min: data.rule.minActiveMonths, window: data.rule.windowMonths }) : undefined}
      data-testid="regular-customers"
    >
      {query.isPending ? (
        <LoadingState height={260} />
      ) : query.error || !data || !option ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : (
        <div className="grid regular-grid">
          <RegularFigures data={data} locale={locale} currency={currency} />
          <EChart option={option} height={240} ariaLabel={t("chartLabel")} data-testid="regular-chart" />
        </div>
      )}
    </Card>
  );
}

function RegularFigures({ data, locale, currency }: { data: RegularCustomers; locale: string; currency: string }) {
  const t = useTranslations("customers.regular");
  const c = data.current;
  const suppressed = c.suppressed;
  const figure = (testId: string, label: string, value: string) => (
    <div className="figure" data-testid={testId}>
      <span className="kpi-label">{label}</span>
      <span className={suppressed ? "figure-value suppressed" : "figure-value"}>{value}</span>
    </div>
  );
  return (
    <div className="figures">
      {figure("regular-count", t("count"), suppressed ? SUPPRESSED_LABEL : formatNumber(c.customers, locale))}
      {figure("regular-share", t("share"), suppressed ? SUPPRESSED_LABEL : formatPercent(c.share, locale))}
      {figure("regular-revenue", t("revenue"), suppressed ? SUPPRESSED_LABEL : formatMoney(c.revenueMinor, currency, locale))}
      {figure("regular-revenue-share", t("revenueShare"), suppressed ? SUPPRESSED_LABEL : formatPercent(c.revenueShare, locale))}
      <span className="faint">{t("window", { period: formatPeriod({ from: c.from, to: c.to }, locale) })}</span>
    </div>
  );
}

function SegmentsCard({ period }: { period: Period }) {
  const t = useTranslations("customers.segments");
  const locale = useLocale();
  const { slug, currency } = useMerchant();
  const format = useChartFormat();
  const valueLabel = useSegmentValueLabel();
  const [dimension, setDimension] = useState<SegmentDimension>("gender");
  const [metric, setMetric] = useState<SegmentMetric>("revenueMinor");
  const query = useEndpoint("segments", slug, period);
  const data = query.data;
  const rows = useMemo(() => data?.dimensions[dimension] ?? [], [data, dimension]);

  const option = useMemo(
    () =>
      buildSegmentBarOption(
        rows,
        {
          value: valueLabel,
          metric: t(`metric.${metric}`),
          suppressed: SUPPRESSED_LABEL,
          customers: t("columns.customers"),
          revenue: t("columns.revenue"),
          averageCheck: t("columns.averageCheck"),
          revenueShare: t("columns.revenueShare"),
        },
        format,
        metric,
        NATURAL_ORDER[dimension],
      ),
    // valueLabel is derived from t; listing t covers it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, format, metric, dimension, t],
  );

  const cell = (row: SegmentRow, render: () => string) =>
    row.suppressed ? <span className="suppressed">{SUPPRESSED_LABEL}</span> : render();
  const columns: Column<SegmentRow>[] = [
    { key: "segment", header: t("columns.segment"), cell: (row) => valueLabel(row.value) },
    { key: "customers", header: t("columns.customers"), numeric: true, cell: (row) => cell(row, () => formatNumber(row.customers, locale)) },
    {
      key: "revenue",
      header: t("columns.revenue"),
      numeric: true,
      cell: (row) => cell(row, () => formatMoney(row.revenueMinor, currency, locale)),
    },
    { key: "purchases", header: t("columns.purchases"), numeric: true, cell: (row) => cell(row, () => formatNumber(row.purchases, locale)) },
    {
      key: "check",
      header: t("columns.averageCheck"),
      numeric: true,
      cell: (row) => cell(row, () => formatMoney(row.averageCheckMinor, currency, locale)),
    },
    {
      key: "share",
      header: t("columns.revenueShare"),
      numeric: true,
      cell: (row) => cell(row, () => formatPercent(row.revenueShare, locale)),
    },
  ];
  const top = data ? mostSolvent(data) : null;
  const tableRows = segmentBars(rows, NATURAL_ORDER[dimension]) as SegmentRow[];
  const empty = data ? DIMENSIONS.every((d) => (data.dimensions[d] ?? []).every((r) => r.suppressed)) : false;
  // Customers with purchases but no attributes at all (a merchant loaded from its own till file,
  // like Online Retail): every dimension is one "Not known" row. Say why, and what would fill it.
  const unknownOnly = data
    ? DIMENSIONS.every((d) => (data.dimensions[d] ?? []).every((r) => r.value === "unknown")) && DIMENSIONS.some((d) => (data.dimensions[d] ?? []).length > 0)
    : false;

  return (
    <Card
      title={t("title")}
      subtitle={t("subtitle")}
      actions={
        <Segmented
          label={t("metricLabel")}
          value={metric}
          onChange={setMetric}
          options={SEGMENT_METRICS.map((m) => ({ value: m, label: t(`metric.${m}`) }))}
          testId="segments-metric"
        />
      }
      data-testid="segments"
    >
      <div className="segment-dimensions">
        <Segmented
          label={t("dimension")}
          value={dimension}
          onChange={setDimension}
          options={DIMENSIONS.map((d) => ({ value: d, label: t(`dimensions.${d}`) }))}
          testId="segments-dimension"
        />
      </div>
      {query.isPending ? (
        <LoadingState height={280} />
      ) : query.error || !data ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : (
        <>
          {unknownOnly ? (
            <p className="notice" data-testid="segments-no-attributes" role="note">
              {t("noAttributes")}
            </p>
          ) : null}
          {top && !empty ? (
            <p className="notice" data-testid="top-segment">
              {t("topSegment", {
                segment: valueLabel(top.row.value),
                dimension: t(`dimensions.${top.dimension}`),
                check: formatMoney(top.row.averageCheckMinor, currency, locale),
              })}
            </p>
          ) : null}
          <div className="grid grid-segments">
            {empty ? (
              <EmptyState />
            ) : (
              <EChart
                option={option}
                height={Math.max(200, tableRows.length * 36 + 40)}
                ariaLabel={t("chartLabel", { metric: t(`metric.${metric}`), dimension: t(`dimensions.${dimension}`) })}
                data-testid="segments-chart"
              />
            )}
            <DataTable
              columns={columns}
              rows={tableRows}
              rowKey={(row) => row.value}
              caption={t("title")}
              data-testid="segments-table"
            />
          </div>
        </>
      )}
    </Card>
  );
}

/** The unsuppressed, known segment with the highest average check, across every dimension. */
function mostSolvent(data: CustomerSegments): { dimension: SegmentDimension; row: SegmentRow } | null {
  let best: { dimension: SegmentDimension; row: SegmentRow } | null = null;
  for (const dimension of DIMENSIONS) {
    for (const row of data.dimensions[dimension] ?? []) {
      if (row.suppressed || row.value === "unknown" || row.averageCheckMinor === null) continue;
      if (!best || row.averageCheckMinor > (best.row.averageCheckMinor ?? 0)) best = { dimension, row };
    }
  }
  return best;
}

function CohortsCard({ period }: { period: Period }) {
  const t = useTranslations("customers.cohorts");
  const { slug } = useMerchant();
  const format = useChartFormat();
  const [metric, setMetric] = useState<CohortMetric>("retention");
  const query = useEndpoint("cohorts", slug, period);
  const data = query.data;
  const option = useMemo(
    () =>
      data
        ? buildCohortHeatmapOption(
            data.cohorts,
            {
              monthK: (k) => t("monthK", { k }),
              cohort: (month, size) => t("cohort", { month: format.month(month), size }),
              customers: t("customers"),
              retention: t("retention"),
              revenue: t("revenue"),
              revenueRetention: t("revenueRetention"),
              suppressed: SUPPRESSED_LABEL,
              incomplete: t("incomplete"),
            },
            format,
            metric,
          )
        : null,
    [data, format, metric, t],
  );
  const empty = data ? data.cohorts.every((c) => c.suppressed) : false;
  const rows = data?.cohorts.length ?? 0;
  // Cells stay readable squares-ish: a short period (few months) must not stretch one cell
  // across the card, so the chart is capped at about 96 px per month column.
  const columns = data ? Math.max(1, ...data.cohorts.map((c) => c.cells.length)) : 1;
  return (
    <Card
      title={t("title")}
      subtitle={t("subtitle")}
      actions={
        <Segmented
          label={t("metricLabel")}
          value={metric}
          onChange={setMetric}
          options={[
            { value: "retention" as const, label: t("retention") },
            { value: "revenueRetention" as const, label: t("revenueRetention") },
          ]}
          testId="cohort-metric"
        />
      }
      data-testid="cohorts"
    >
      {query.isPending ? (
        <LoadingState height={300} />
      ) : query.error || !option ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : empty ? (
        <EmptyState title={t("empty")} />
      ) : (
        <>
          {rows < 3 ? <p className="notice">{t("shortPeriod")}</p> : null}
          <div style={{ maxWidth: columns * 96 + 160 }}>
            <EChart
              option={option}
              height={Math.max(160, rows * 34 + 60)}
              ariaLabel={t("chartLabel", { metric: metric === "retention" ? t("retention") : t("revenueRetention") })}
              data-testid="cohort-heatmap"
            />
          </div>
          {data?.cohorts.some((c) => c.cells.some((x) => !x.complete)) ? (
            <p className="legend-note" data-testid="cohort-partial-note">
              {t("partialNote")}
            </p>
          ) : null}
        </>
      )}
    </Card>
  );
}
