"use client";

import { useLocale, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import type { Seasonality } from "@/lib/analytics/getSeasonality";
import { daysBetween, type Period } from "@/lib/days";
import {
  buildMonthProfileOption,
  buildSeasonalityHeatmapOption,
  hourLabels,
  type HeatMetric,
  type MonthMetric,
} from "@/lib/charts/seasonality";
import { monthNames, SUPPRESSED_LABEL, weekdayNames } from "@/lib/format";
import { Card } from "../Card";
import { EChart } from "../charts/EChart";
import { useChartFormat } from "../charts/useChartFormat";
import { useEndpoint } from "../hooks/useEndpoint";
import { Segmented } from "../Segmented";
import { useMerchant } from "../shell/MerchantContext";
import { EmptyState, ErrorState, LoadingState } from "../states";

const HEAT_METRICS: readonly HeatMetric[] = ["purchases", "grossSalesMinor", "customers", "averageCheckMinor"];
const MONTH_METRICS: readonly MonthMetric[] = ["netRevenueMinor", "grossSalesMinor", "purchases", "customers"];

/** The Seasonality tab: weekday × hour heatmap and the month-of-year profile. */
export function SeasonalityView({ period }: { period: Period }) {
  const { slug } = useMerchant();
  const t = useTranslations("common.privacy");
  const query = useEndpoint("seasonality", slug, period);
  if (query.isPending) {
    return (
      <>
        <LoadingState height={340} />
        <LoadingState height={300} />
      </>
    );
  }
  if (query.error || !query.data) {
    return (
      <Card>
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      </Card>
    );
  }
  return (
    <>
      <HeatmapCard data={query.data} />
      <MonthsCard data={query.data} period={period} />
      <p className="legend-note" data-privacy-note="">{t("note")}</p>
    </>
  );
}

function HeatmapCard({ data }: { data: Seasonality }) {
  const t = useTranslations("seasonality.heatmap");
  const locale = useLocale();
  const format = useChartFormat();
  const [metric, setMetric] = useState<HeatMetric>("purchases");
  const weekdays = useMemo(() => weekdayNames(locale), [locale]);
  const option = useMemo(
    () =>
      buildSeasonalityHeatmapOption(
        data.heatmap,
        {
          weekdays,
          metric: t(`metric.${metric}`),
          purchases: t("metric.purchases"),
          revenue: t("metric.grossSalesMinor"),
          customers: t("metric.customers"),
          averageCheck: t("metric.averageCheckMinor"),
          suppressed: SUPPRESSED_LABEL,
        },
        format,
        metric,
      ),
    [data, format, metric, t, weekdays],
  );
  const shown = data.heatmap.filter((c) => !c.suppressed && c.purchases !== null);
  const peak = shown.reduce<(typeof shown)[number] | null>((best, c) => (!best || (c.purchases ?? 0) > (best.purchases ?? 0) ? c : best), null);
  return (
    <Card
      title={t("title")}
      subtitle={t("subtitle")}
      actions={
        <Segmented
          label={t("metricLabel")}
          value={metric}
          onChange={setMetric}
          options={HEAT_METRICS.map((m) => ({ value: m, label: t(`metric.${m}`) }))}
          testId="heatmap-metric"
        />
      }
    >
      {shown.length === 0 ? (
        <div data-testid="seasonality-heatmap">
          <EmptyState />
        </div>
      ) : (
        <>
          {peak ? (
            <p className="notice" data-testid="seasonality-peak">
              {t("peak", {
                day: weekdayNames(locale, "long")[peak.dow - 1],
                hour: hourLabels()[peak.hour],
                purchases: t("purchasesCount", { count: peak.purchases ?? 0 }),
              })}
            </p>
          ) : null}
          <EChart
            option={option}
            height={340}
            ariaLabel={t("chartLabel", { metric: t(`metric.${metric}`) })}
            data-testid="seasonality-heatmap"
          />
        </>
      )}
    </Card>
  );
}

function MonthsCard({ data, period }: { data: Seasonality; period: Period }) {
  const t = useTranslations("seasonality.months");
  const locale = useLocale();
  const format = useChartFormat();
  const [metric, setMetric] = useState<MonthMetric>("netRevenueMinor");
  const months = useMemo(() => monthNames(locale), [locale]);
  const option = useMemo(
    () =>
      buildMonthProfileOption(
        data.monthProfile,
        {
          months,
          metric: t(`metric.${metric}`),
          years: t("years"),
          revenue: t("metric.netRevenueMinor"),
          grossSales: t("metric.grossSalesMinor"),
          purchases: t("metric.purchases"),
          customers: t("metric.customers"),
          suppressed: SUPPRESSED_LABEL,
          noData: t("noData"),
        },
        format,
        metric,
      ),
    [data, format, metric, t, months],
  );
  const empty = data.monthProfile.every((m) => m.suppressed);
  return (
    <Card
      title={t("title")}
      subtitle={t("subtitle")}
      actions={
        <Segmented
          label={t("metricLabel")}
          value={metric}
          onChange={setMetric}
          options={MONTH_METRICS.map((m) => ({ value: m, label: t(`metric.${m}`) }))}
          testId="months-metric"
        />
      }
    >
      {daysBetween(period.from, period.to) < 365 ? <p className="notice">{t("hint")}</p> : null}
      {empty ? (
        <EmptyState />
      ) : (
        <EChart
          option={option}
          height={300}
          ariaLabel={t("chartLabel", { metric: t(`metric.${metric}`) })}
          data-testid="month-profile"
        />
      )}
    </Card>
  );
}
